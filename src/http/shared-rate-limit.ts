// A store for @fastify/rate-limit that counts for the whole instance: servers add their hits to shared rows.
import type { FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import { addHits, forgetHitsBefore, hitsOf } from "../features/limits/index.js";
import type { Database } from "../store/database.js";

interface Counter {
  windowStart: number;
  windowMs: number;
  /** Hits here not yet added to the shared row. */
  pending: number;
  /** The shared row's total as last read, plus the hits being added to it now. */
  shared: number;
}

type Result = { current: number; ttl: number };

/** How often a server adds its hits and reads back the totals: the most a limit can lag behind other servers. */
export const SYNC_MS = 250;

/**
 * Fixed one-window counters per key. A request is counted in memory (no query on the request path); every
 * {@link SYNC_MS} the hits are added to the shared row and the instance-wide total read back, so a key spread
 * over N servers is limited within a quarter second of its instance budget instead of N times it.
 */
export class SharedRateLimitStore {
  private readonly counters = new Map<string, Counter>();
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> | undefined;
  private lastPurge = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  /** @fastify/rate-limit's store interface: one hit for `key`. */
  incr(key: string, callback: (error: Error | null, result: Result) => void, timeWindow: number): void {
    const now = this.clock.now();
    const windowStart = now - (now % timeWindow);
    let counter = this.counters.get(key);
    if (counter === undefined || counter.windowStart !== windowStart) {
      counter = { windowStart, windowMs: timeWindow, pending: 0, shared: 0 };
      this.counters.set(key, counter);
    }
    counter.pending += 1;
    callback(null, { current: counter.shared + counter.pending, ttl: windowStart + timeWindow - now });
  }

  /** A non-mutating read (`{ increment: false }` routes). */
  read(key: string, callback: (error: Error | null, result: Result) => void, timeWindow: number): void {
    const now = this.clock.now();
    const counter = this.counters.get(key);
    if (counter === undefined || counter.windowStart + timeWindow <= now) return callback(null, { current: 0, ttl: 0 });
    callback(null, { current: counter.shared + counter.pending, ttl: counter.windowStart + timeWindow - now });
  }

  /** Route-level limits share the same counters (keys differ by route where the plugin says so). */
  child(): SharedRateLimitStore {
    return this;
  }

  /** Adds every pending count to the shared rows and reads back the totals; forgets old windows now and then. */
  sync(): Promise<void> {
    // The reset is chained (it runs after this assignment even when the pass finishes without awaiting).
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    try {
      const now = this.clock.now();
      // Keys idle here in a live window: other servers may have added to them (a limit reached elsewhere holds here).
      const idle = new Map<number, string[]>();
      for (const [key, counter] of this.counters) {
        if (counter.pending === 0) {
          // An idle key whose window ended long ago is forgotten here too.
          if (counter.windowStart + 3_600_000 < now) this.counters.delete(key);
          else if (counter.windowStart + counter.windowMs > now)
            idle.set(counter.windowStart, [...(idle.get(counter.windowStart) ?? []), key]);
          continue;
        }
        const hits = counter.pending;
        // Counted as shared at once: while the statement runs, requests must still see these hits (a slow
        // database would otherwise let through as many extra requests as were waiting to be added).
        counter.pending -= hits;
        counter.shared += hits;
        const total = await addHits(this.db, key, counter.windowStart, hits);
        // The key may have moved to a new window meanwhile; then this total is of the old one.
        if (this.counters.get(key) === counter) counter.shared = Math.max(counter.shared, total);
      }
      for (const [windowStart, keys] of idle) {
        const totals = await hitsOf(this.db, keys, windowStart);
        for (const key of keys) {
          const counter = this.counters.get(key);
          const total = totals.get(key);
          if (counter?.windowStart === windowStart && total !== undefined)
            counter.shared = Math.max(counter.shared, total);
        }
      }
      if (now - this.lastPurge > 60_000) {
        this.lastPurge = now;
        await forgetHitsBefore(this.db, now - 3_600_000);
      }
    } catch (error) {
      this.onError(error);
    }
  }

  /** Stops syncing (the server is closing); what is pending is added once more. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }
}

/**
 * The instance-wide counters where several servers write to one store (`multiWriter`, PostgreSQL), else none
 * (a SQLite store has one host, and in-memory counters are exact there). Closed with the app.
 */
export function sharedCounters(
  app: FastifyInstance,
  store: { db: Kysely<Database>; dialect: { multiWriter: boolean } },
  clock: Clock,
): SharedRateLimitStore | undefined {
  if (!store.dialect.multiWriter) return undefined;
  const shared = new SharedRateLimitStore(store.db, clock, (err) => {
    app.log.warn({ err }, "could not share rate-limit counters; this server limits alone until it can");
  });
  app.addHook("onClose", () => shared.close());
  return shared;
}

/** The `store` option for @fastify/rate-limit: the shared counters when there are any, else the plugin's own. */
export function rateLimitStoreOption(shared: SharedRateLimitStore | undefined): {
  store?: FastifyRateLimitStoreCtor;
} {
  if (shared === undefined) return {};
  // The plugin constructs its store with `new`; a constructor that returns an object yields that object.
  return {
    store: function SharedStore() {
      return shared;
    } as unknown as FastifyRateLimitStoreCtor,
  };
}
