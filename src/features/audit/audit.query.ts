// Reads what a caller asks of the audit log: filters, time bounds, cursors and retention periods (pure).
import { invalidCursor, invalidFilter, invalidRetention, invalidTime } from "./audit.errors.js";

/** The parsed `--filter`: every listed condition must hold. */
export interface AuditFilters {
  /** `role` (a category: every `role.*`) or `role.created` (exactly). */
  actions: string[];
  /** An actor's label (e.g. an e-mail) or id. */
  actors: string[];
  /** A role's key, name or id: events whose target is that role. */
  roles: string[];
  /** A target's label or id. */
  targets: string[];
}

const FILTER_KEYS = { action: "actions", actor: "actors", role: "roles", target: "targets" } as const;

/** Parses `action:role,actor:alice@acme.com`; an empty or missing text is no filter. */
export function parseFilters(text: string | undefined): AuditFilters {
  const out: AuditFilters = { actions: [], actors: [], roles: [], targets: [] };
  if (text === undefined || text.trim() === "") return out;
  for (const raw of text.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const colon = part.indexOf(":");
    if (colon <= 0) throw invalidFilter(part, "has no key");
    const key = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (!(key in FILTER_KEYS)) throw invalidFilter(part, `has the unknown key "${key}"`);
    if (value === "") throw invalidFilter(part, "has no value");
    out[FILTER_KEYS[key as keyof typeof FILTER_KEYS]].push(value);
  }
  return out;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DAY_MS = 86_400_000;

/**
 * A time bound as Unix ms, half-open: `from` is the first included instant, `to` the first excluded one.
 * A date is that whole day in UTC; an ISO time (with its zone) is that instant, included at both ends;
 * a bare integer is Unix ms, used the same way.
 */
export function parseTimeBound(param: "from" | "to", value: string): number {
  const text = value.trim();
  let at: number;
  const date = DATE.exec(text);
  if (date) {
    at = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    // Date.UTC rolls 2026-02-31 into March; a date that does not round-trip does not exist.
    if (!Number.isFinite(at) || new Date(at).toISOString().slice(0, 10) !== text) throw invalidTime(param, value);
    return param === "from" ? at : at + DAY_MS;
  }
  if (/^\d{1,15}$/.test(text)) at = Number(text);
  else if (ISO_TIME.test(text)) at = Date.parse(text);
  else throw invalidTime(param, value);
  if (!Number.isFinite(at)) throw invalidTime(param, value);
  return param === "from" ? at : at + 1;
}

/** Where a page stopped: the last sequence number returned, and the direction the list reads in. */
export interface AuditCursor {
  seq: number;
  order: "asc" | "desc";
}

/** An opaque cursor for the next page. */
export function encodeCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.order === "asc" ? 1 : 0, cursor.seq])).toString("base64url");
}

/** Reads a cursor made by `encodeCursor`; anything else is `audit.invalid_cursor`. */
export function decodeCursor(text: string): AuditCursor {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === 0 || value[0] === 1) &&
      Number.isSafeInteger(value[1]) &&
      (value[1] as number) >= 0
    ) {
      return { order: value[0] === 1 ? "asc" : "desc", seq: value[1] as number };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** `365d`, `52w`, `72h` → milliseconds; at least one hour. */
export function parseRetention(value: string): number {
  const m = /^(\d{1,6})\s*([hdw])$/i.exec(value.trim());
  if (!m) throw invalidRetention(value, "is not a period");
  const ms = Number(m[1]) * (UNIT_MS[(m[2] as string).toLowerCase()] as number);
  if (ms < UNIT_MS.h!) throw invalidRetention(value, "keeps nothing");
  return ms;
}
