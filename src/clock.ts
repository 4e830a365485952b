// The injected clock: every service reads time from ctx.clock so tests move time instead of sleeping.

/** A source of the current time in Unix milliseconds. */
export interface Clock {
  now(): number;
}

/** The wall clock, for production use. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock that only moves when told to; tests use it for expiry, timeouts and escalations. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** Creates a manual clock starting at `start` (Unix ms or an ISO string). */
export function manualClock(start: number | string = "2026-01-01T00:00:00.000Z"): ManualClock {
  let current = typeof start === "number" ? start : Date.parse(start);
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
