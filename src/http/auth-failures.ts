// Failed authentication per client address: after too many in a window the address is refused with 429.
import type { Clock } from "../clock.js";
import type { SharedRateLimitStore } from "./shared-rate-limit.js";

/** At most this many addresses are remembered; the oldest windows are forgotten first beyond it. */
const MAX_TRACKED = 10_000;

/**
 * Counts failed authentications per client address in fixed windows read from the injected clock. Once an
 * address reaches the limit, every request from it (a correct key too) is refused until its window ends:
 * answering a correct key differently would tell a guesser which of its guesses was right.
 */
export class AuthFailureLimiter {
  readonly #windows = new Map<string, { start: number; failures: number }>();

  /**
   * With `shared` (several servers on PostgreSQL), failures count for the whole instance in its fixed windows,
   * so a guesser spreading over N servers behind a balancer gets the limit, not N times it.
   */
  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly shared?: SharedRateLimitStore,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError("the limit of failed authentications must be ≥ 1");
  }

  /** Seconds until `ip` may try again, or 0 when it is not blocked. */
  retryAfter(ip: string): number {
    if (this.shared) {
      let wait = 0;
      this.shared.read(
        sharedKey(ip),
        (_error, r) => {
          if (r.current >= this.limit) wait = Math.max(1, Math.ceil(r.ttl / 1000));
        },
        this.windowMs,
      );
      return wait;
    }
    const w = this.#current(ip);
    return w && w.failures >= this.limit
      ? Math.max(1, Math.ceil((w.start + this.windowMs - this.clock.now()) / 1000))
      : 0;
  }

  /** Records one failed authentication from `ip`. */
  fail(ip: string): void {
    if (this.shared) return this.shared.incr(sharedKey(ip), () => undefined, this.windowMs);
    const w = this.#current(ip);
    if (w) {
      w.failures += 1;
      return;
    }
    if (this.#windows.size >= MAX_TRACKED) this.#prune();
    this.#windows.set(ip, { start: this.clock.now(), failures: 1 });
  }

  #current(ip: string): { start: number; failures: number } | undefined {
    const w = this.#windows.get(ip);
    if (w && w.start + this.windowMs <= this.clock.now()) {
      this.#windows.delete(ip);
      return undefined;
    }
    return w;
  }

  // Drops ended windows; when all are live, the oldest (Map keeps insertion order) make room.
  #prune(): void {
    const now = this.clock.now();
    for (const [ip, w] of this.#windows) if (w.start + this.windowMs <= now) this.#windows.delete(ip);
    for (const ip of this.#windows.keys()) {
      if (this.#windows.size < MAX_TRACKED) break;
      this.#windows.delete(ip);
    }
  }
}

/** Kept apart from the request limits' keys (hashed credentials and addresses) in the shared rows. */
const sharedKey = (ip: string) => `auth-failure:${ip}`;
