// Retry delays: exponential from one second, capped, with jitter so retries of many items spread out.
import { randomInt } from "node:crypto";

/** The delay before attempt `attempts + 1`: 1 s, 2 s, 4 s … up to `capMs`, each drawn from its upper half. */
export function backoffMs(attempts: number, capMs: number): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + randomInt(0, Math.ceil(base / 2) + 1));
}
