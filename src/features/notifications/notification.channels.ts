// Provider settings and rule channels: parsing and checking what a user typed, before anything is stored. No I/O.
import { ClerkError } from "../../errors.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * A receiver URL: https, or http to a loopback address when `allowInsecure` (a local test receiver).
 * @throws ClerkError notify.insecure_url or notify.invalid_provider saying what would be accepted.
 */
export function checkReceiverUrl(value: string, param: string, allowInsecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ClerkError(
      "notify.invalid_provider",
      `--${param} "${value}" is not a URL; pass e.g. https://hooks.slack.com/services/T000/B000/XXXX.`,
      { param },
    );
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && allowInsecure && (LOOPBACK.has(url.hostname) || url.hostname.startsWith("127.")))
    return url;
  if (url.protocol === "http:") {
    throw new ClerkError(
      "notify.insecure_url",
      `--${param} ${url.origin} is not https; messages would travel in clear text. Use an https URL${LOOPBACK.has(url.hostname) || url.hostname.startsWith("127.") ? ", or --allow-insecure for a receiver on this machine" : ""}.`,
      { param },
    );
  }
  throw new ClerkError("notify.invalid_provider", `--${param} "${value}" is not an http(s) URL.`, { param });
}

/** A rule's channel, parsed. */
export type Channel =
  | { kind: "slack"; name: string }
  | { kind: "email"; address: string }
  | { kind: "email"; assignee: true }
  | { kind: "webhook"; name: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `slack:#channel`, `email:<address>`, `email:assignee` or `webhook:<name>`. */
export function parseChannel(value: string): Channel {
  const text = value.trim();
  const colon = text.indexOf(":");
  const kind = colon === -1 ? text : text.slice(0, colon).toLowerCase();
  const rest = colon === -1 ? "" : text.slice(colon + 1).trim();
  const bad = (why: string) =>
    new ClerkError(
      "notify.invalid_channel",
      `Channel "${text}" ${why}; use slack:#channel, email:<address>, email:assignee or webhook:<name>.`,
      { param: "channel" },
    );
  if (rest === "") throw bad("names no destination");
  if (kind === "slack") {
    if (!/^#?[a-z0-9][a-z0-9._-]{0,79}$/i.test(rest)) throw bad("is not a Slack channel such as slack:#code-reviews");
    return { kind, name: rest.startsWith("#") ? rest.toLowerCase() : `#${rest.toLowerCase()}` };
  }
  if (kind === "email") {
    if (rest.toLowerCase() === "assignee") return { kind, assignee: true };
    if (!EMAIL.test(rest)) throw bad("is not an e-mail address");
    return { kind, address: rest.toLowerCase() };
  }
  if (kind === "webhook") {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(rest)) throw bad("is not a webhook name");
    return { kind, name: rest.toLowerCase() };
  }
  throw bad(`has the kind "${kind}"`);
}

/** The canonical text of a channel. */
export function formatChannel(c: Channel): string {
  if (c.kind === "slack" || c.kind === "webhook") return `${c.kind}:${c.name}`;
  return "assignee" in c ? "email:assignee" : `email:${c.address}`;
}
