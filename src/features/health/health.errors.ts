// The errors the health feature throws: bad filters and bad durations, each naming what would be right.
import { ClerkError } from "../../errors.js";

export function unknownFilter(value: string, allowed: readonly string[], param = "filter"): ClerkError {
  return new ClerkError(
    "health.unknown_filter",
    `"${value}" is not a filter here; use ${allowed.join(" or ")}${allowed.length > 1 ? " (several comma-separated)" : ""}.`,
    {
      param,
      details: { allowed },
    },
  );
}

export function invalidDuration(value: string, param = "unused_for"): ClerkError {
  return new ClerkError(
    "health.invalid_duration",
    `"${value}" is not a duration; use a whole number and a unit: 90d (days), 12h (hours) or 30m (minutes).`,
    { param },
  );
}
