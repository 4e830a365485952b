import { describe, expect, it } from "vitest";
import { checkReceiverUrl, formatChannel, parseChannel } from "./notification.channels.js";

describe("parseChannel", () => {
  it.each([
    ["slack:#code-reviews", "slack:#code-reviews"],
    ["slack:Engineering-Alerts", "slack:#engineering-alerts"],
    ["email:Lead@Acme.com", "email:lead@acme.com"],
    ["email:assignee", "email:assignee"],
    ["webhook:ci", "webhook:ci"],
  ])("reads %s", (text, canonical) => expect(formatChannel(parseChannel(text))).toBe(canonical));

  it.each(["slack:", "sms:+1555", "email:nobody", "slack:#no spaces", "webhook:a/b", "#code-reviews"])(
    "refuses %j",
    (text) => {
      expect(() => parseChannel(text)).toThrow(/use slack:#channel, email:<address>, email:assignee or webhook:<name>/);
    },
  );
});

describe("checkReceiverUrl", () => {
  it("accepts https, and http to this machine only when allowed", () => {
    expect(checkReceiverUrl("https://hooks.slack.com/services/T/B/X", "webhook", false).host).toBe("hooks.slack.com");
    expect(checkReceiverUrl("http://127.0.0.1:8080/hook", "webhook", true).port).toBe("8080");
    expect(() => checkReceiverUrl("http://127.0.0.1:8080/hook", "webhook", false)).toThrow(
      /not https.*--allow-insecure/,
    );
    expect(() => checkReceiverUrl("http://example.com/hook", "webhook", true)).toThrow(/not https/);
    expect(() => checkReceiverUrl("ftp://example.com", "url", true)).toThrow(/not an http\(s\) URL/);
    expect(() => checkReceiverUrl("hooks.slack.com", "webhook", false)).toThrow(/not a URL/);
  });
});
