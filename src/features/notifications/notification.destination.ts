// Where notifications may connect: public addresses only, unless a provider allows this machine or the private network.
// Checked when a provider is configured and again on the address each connection actually uses (DNS rebinding).
import { type LookupAddress, lookup as dnsLookup } from "node:dns";
import { BlockList, type LookupFunction, isIP } from "node:net";
import { ClerkError } from "../../errors.js";

/** What a provider allows beyond public addresses. */
export interface DestinationPolicy {
  /** `--allow-insecure`: a receiver on this machine (loopback addresses). */
  loopback: boolean;
  /** `--allow-private-network`: loopback, private and unique-local addresses (an internal relay or CI). */
  privateNetwork: boolean;
}

type AddressClass = "public" | "loopback" | "private" | "forbidden";

const rules = (list: BlockList, ranges: [string, number, "ipv4" | "ipv6"][]) => {
  for (const [net, prefix, type] of ranges) list.addSubnet(net, prefix, type);
  return list;
};
const LOOPBACK = rules(new BlockList(), [
  ["127.0.0.0", 8, "ipv4"],
  ["::1", 128, "ipv6"],
]);
const PRIVATE = rules(new BlockList(), [
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["100.64.0.0", 10, "ipv4"], // carrier-grade NAT (also Alibaba's metadata service, 100.100.100.200)
  ["fc00::", 7, "ipv6"], // unique-local (AWS's IPv6 metadata service, fd00:ec2::254, is in it)
]);
// Never allowed: unspecified, link-local (cloud metadata at 169.254.169.254), multicast, reserved, documentation,
// benchmarking and Azure's metadata address.
const FORBIDDEN = rules(new BlockList(), [
  ["0.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  ["168.63.129.16", 32, "ipv4"],
  ["::", 128, "ipv6"],
  ["100::", 64, "ipv6"],
  ["2001:db8::", 32, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["ff00::", 8, "ipv6"],
]);

// Ways to spell an IPv4 address in IPv6 (mapped, compatible, NAT64), checked for IPv6 addresses only: node's
// BlockList matches IPv4 addresses against IPv6 rules through their mapped form.
const V4_IN_V6 = rules(new BlockList(), [
  ["::ffff:0:0", 96, "ipv6"],
  ["::", 96, "ipv6"],
  ["64:ff9b::", 96, "ipv6"],
]);

/** The class of an IP address (any form node:net reads; IPv4-mapped IPv6 is always forbidden). */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return "forbidden";
  const type = family === 4 ? "ipv4" : "ipv6";
  if (LOOPBACK.check(address, type)) return "loopback";
  if (FORBIDDEN.check(address, type) || (type === "ipv6" && V4_IN_V6.check(address, type))) return "forbidden";
  if (PRIVATE.check(address, type)) return "private";
  return "public";
}

/** Whether a provider with this policy may connect to `address`. */
export function addressAllowed(address: string, policy: DestinationPolicy): boolean {
  const c = classifyAddress(address);
  if (c === "public") return true;
  if (c === "loopback") return policy.loopback || policy.privateNetwork;
  if (c === "private") return policy.privateNetwork;
  return false;
}

/**
 * A host as connections use it: lowercased, without a trailing dot or IPv6 brackets, and numeric IPv4 forms
 * (`0x7f000001`, `2130706433`, `0177.0.0.1`, `127.1`) read the way the URL parser and resolvers read them.
 */
export function canonicalHost(host: string): string | null {
  const text = host.trim();
  if (text === "" || /[\s/?#@\\]/.test(text)) return null;
  try {
    const name = new URL(`http://${text.includes(":") && !text.startsWith("[") ? `[${text}]` : text}/`).hostname;
    return name.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  } catch {
    return null;
  }
}

/** Names that mean this machine whatever DNS says. */
const isLocalName = (host: string) => host === "localhost" || host.endsWith(".localhost");

const refused = (what: string, param: string, why: string) =>
  new ClerkError(
    "notify.destination_refused",
    `${what} ${why}; notifications go to public addresses only. For a receiver on this machine pass --allow-insecure; for an internal server, --allow-private-network.`,
    { param },
  );

/** How long a configure-time lookup may take before the check is left to send time. */
const LOOKUP_TIMEOUT_MS = 3_000;

function lookupAll(host: string): Promise<LookupAddress[] | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), LOOKUP_TIMEOUT_MS);
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      resolve(error ? null : addresses);
    });
  });
}

/**
 * Refuses a destination host that is, or resolves to, an address the policy does not allow: when a provider is
 * configured. A name that does not resolve now is accepted; every connection checks the address it uses.
 * @throws ClerkError notify.destination_refused naming the parameter.
 */
export async function checkDestination(host: string, param: string, policy: DestinationPolicy): Promise<void> {
  const name = canonicalHost(host);
  if (name === null) throw refused(`--${param} "${host}"`, param, "is not a host name");
  if (isLocalName(name)) {
    if (policy.loopback || policy.privateNetwork) return;
    throw refused(`--${param} ${name}`, param, "is this machine");
  }
  const addresses = isIP(name) ? [{ address: name }] : ((await lookupAll(name)) ?? []);
  for (const { address } of addresses) {
    if (addressAllowed(address, policy)) continue;
    const kind = `a ${classifyAddress(address)} address`;
    throw refused(`--${param} ${name}`, param, address === name ? `is ${kind}` : `resolves to ${address}, ${kind}`);
  }
}

/** The short reason given when a connection is refused at send time. */
export const DESTINATION_REFUSED = "destination refused: not a public address";

/** A `lookup` for node:net/http that resolves like dns.lookup and fails for an address the policy refuses. */
export function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, "");
      if (addresses.length === 0 || addresses.some((a) => !addressAllowed(a.address, policy)))
        return callback(Object.assign(new Error(DESTINATION_REFUSED), { code: "EDESTINATION" }), "");
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The address to connect to for `host` right now, checked against the policy: the connection then goes to
 * exactly the address that was checked (for SMTP, whose client resolves names itself).
 */
export async function resolveChecked(host: string, policy: DestinationPolicy): Promise<string> {
  const name = canonicalHost(host);
  if (name === null) throw Object.assign(new Error(DESTINATION_REFUSED), { code: "EDESTINATION" });
  if (isLocalName(name) && !(policy.loopback || policy.privateNetwork))
    throw Object.assign(new Error(DESTINATION_REFUSED), { code: "EDESTINATION" });
  const addresses = isIP(name)
    ? [{ address: name, family: isIP(name) }]
    : await new Promise<LookupAddress[]>((resolve, reject) =>
        dnsLookup(name, { all: true, verbatim: true }, (e, a) => (e ? reject(e) : resolve(a))),
      );
  if (addresses.length === 0 || addresses.some((a) => !addressAllowed(a.address, policy)))
    throw Object.assign(new Error(DESTINATION_REFUSED), { code: "EDESTINATION" });
  return (addresses[0] as LookupAddress).address;
}
