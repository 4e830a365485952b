// Shared request counters: each server adds its hits in batches and reads back the instance-wide totals.
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.js";

/** Adds `hits` for `key` in the window starting at `windowStart`; answers the window's total across servers. */
export async function addHits(db: Kysely<Database>, key: string, windowStart: number, hits: number): Promise<number> {
  const row = await db
    .insertInto("rate_limit_hits")
    .values({ key, window_start: windowStart, count: hits })
    .onConflict((oc) =>
      oc.columns(["key", "window_start"]).doUpdateSet((eb) => ({ count: eb("rate_limit_hits.count", "+", hits) })),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Forgets windows that ended before `before`. */
export async function forgetHitsBefore(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom("rate_limit_hits").where("window_start", "<", before).execute();
}
