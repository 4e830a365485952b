// Parsing of the parts of a grant that come from users: scopes and expiry.
import { EngineInputError, type Scope, formatScope, parseScopes } from "../../engine/index.js";
import { invalidExpiry, invalidScope } from "./grant.errors.js";

/** Parses `repository:a,repository:*-app` into canonical scope strings; empty or absent means unscoped. */
export function parseScopeList(input: string | readonly string[] | undefined): string[] {
  if (input === undefined) return [];
  const text = typeof input === "string" ? input : input.join(",");
  if (text.trim() === "") return [];
  try {
    return parseScopes(text).map((s: Scope) => formatScope(s));
  } catch (error) {
    if (error instanceof EngineInputError) throw invalidScope(text, error.message);
    throw error;
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads `--expires`: a date means access through the end of that day (UTC), so "2026-06-30" lasts all of
 * June 30th; an ISO time with a zone is exact. Must lie in the future of `now`.
 */
export function parseExpiry(input: string | number | null | undefined, now: number): number | null {
  if (input === undefined || input === null || input === "") return null;
  let at: number;
  if (typeof input === "number") at = input;
  else if (DATE_ONLY.test(input.trim())) at = Date.parse(`${input.trim()}T00:00:00.000Z`) + 86_400_000;
  else if (ISO_TIME.test(input.trim())) at = Date.parse(input.trim());
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(input.trim()))
    throw invalidExpiry(input, "has no time zone; add Z or an offset such as +02:00.");
  else throw invalidExpiry(String(input), "is not a date or an ISO time.");
  if (!Number.isFinite(at)) throw invalidExpiry(String(input), "is not a real date.");
  if (
    typeof input === "string" &&
    DATE_ONLY.test(input.trim()) &&
    new Date(at - 86_400_000).toISOString().slice(0, 10) !== input.trim()
  ) {
    throw invalidExpiry(input, "is not a real calendar date.");
  }
  if (at <= now) throw invalidExpiry(String(input), `is in the past (now is ${new Date(now).toISOString()}).`);
  return at;
}
