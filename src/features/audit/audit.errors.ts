// The audit feature's error codes and the errors it throws.
import { ClerkError } from "../../errors.js";

export function invalidFilter(part: string, why: string): ClerkError {
  return new ClerkError(
    "audit.invalid_filter",
    `The filter "${part}" ${why}; use key:value pairs separated by commas, with keys action, actor, role and target, e.g. "action:role,actor:alice@acme.com".`,
    { param: "filter" },
  );
}

export function invalidTime(param: "from" | "to", value: string): ClerkError {
  return new ClerkError(
    "audit.invalid_time",
    `--${param} "${value}" is not a date or a time; use a date such as 2026-03-01 (a whole day, UTC) or an ISO time with its zone such as 2026-03-01T09:30:00Z or 2026-03-01T09:30:00+02:00.`,
    { param },
  );
}

export function invalidCursor(): ClerkError {
  return new ClerkError(
    "audit.invalid_cursor",
    "The cursor is not one this list returned; pass next_cursor from the previous page unchanged, or leave it out to start at the newest event.",
    {
      param: "cursor",
    },
  );
}

export function invalidRetention(value: string, why: string): ClerkError {
  return new ClerkError(
    "audit.invalid_retention",
    `--keep "${value}" ${why}; give how long to keep events as a number of days, weeks or hours, e.g. 365d, 52w or 72h.`,
    {
      param: "keep",
    },
  );
}
