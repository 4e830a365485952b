import { describe, expect, it } from "vitest";
import { addressAllowed, canonicalHost, classifyAddress } from "./notification.destination.js";

const NONE = { loopback: false, privateNetwork: false };
const LOOPBACK = { loopback: true, privateNetwork: false };
const PRIVATE = { loopback: false, privateNetwork: true };

describe("canonicalHost", () => {
  it.each([
    ["0x7f000001", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["::1", "::1"],
    ["::ffff:127.0.0.1", "::ffff:7f00:1"],
    ["LocalHost.", "localhost"],
    [" smtp.acme.com ", "smtp.acme.com"],
    ["a b", null],
    ["evil.com/x", null],
    ["user@host", null],
  ])("reads %j as %j", (input, expected) => {
    expect(canonicalHost(input)).toBe(expected);
  });
});

describe("the destination policy", () => {
  // Issue 24 item 8: these were all accepted as webhook and Slack receivers.
  it.each([
    ["IPv4 loopback", "127.0.0.1", "loopback", [false, true, true]],
    ["another 127/8 address", "127.8.9.10", "loopback", [false, true, true]],
    ["IPv6 loopback", "::1", "loopback", [false, true, true]],
    ["IPv4-mapped loopback", "::ffff:7f00:1", "loopback", [false, true, true]],
    ["the cloud metadata address", "169.254.169.254", "forbidden", [false, false, false]],
    ["IPv6 link-local", "fe80::1", "forbidden", [false, false, false]],
    ["the unspecified address", "0.0.0.0", "forbidden", [false, false, false]],
    ["the IPv6 unspecified address", "::", "forbidden", [false, false, false]],
    ["a 10/8 address", "10.0.0.1", "private", [false, false, true]],
    ["a 172.16/12 address", "172.31.255.1", "private", [false, false, true]],
    ["a 192.168/16 address", "192.168.1.1", "private", [false, false, true]],
    ["a carrier-grade NAT address", "100.100.100.200", "private", [false, false, true]],
    ["a unique-local IPv6 address", "fd00:ec2::254", "private", [false, false, true]],
    ["an IPv4-mapped private address", "::ffff:a00:1", "forbidden", [false, false, false]],
    ["an IPv4-mapped public address", "::ffff:808:808", "forbidden", [false, false, false]],
    ["a NAT64 address", "64:ff9b::a00:1", "forbidden", [false, false, false]],
    ["multicast", "224.0.0.1", "forbidden", [false, false, false]],
    ["a public IPv4 address", "93.184.216.34", "public", [true, true, true]],
    ["a public IPv6 address", "2606:2800:220:1:248:1893:25c8:1946", "public", [true, true, true]],
    ["172.32.0.1, just outside 172.16/12", "172.32.0.1", "public", [true, true, true]],
  ])("%s (%s) is %s", (_name, address, kind, [none, loopback, privateNetwork]) => {
    expect(classifyAddress(address)).toBe(kind);
    expect([
      addressAllowed(address, NONE),
      addressAllowed(address, LOOPBACK),
      addressAllowed(address, PRIVATE),
    ]).toEqual([none, loopback, privateNetwork]);
  });

  it("refuses what is not an address", () => {
    expect(classifyAddress("localhost")).toBe("forbidden");
  });
});
