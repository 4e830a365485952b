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

/** The instance-wide totals of these keys in the window starting at `windowStart` (keys with no row are absent). */
export async function hitsOf(
  db: Kysely<Database>,
  keys: readonly string[],
  windowStart: number,
): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  // Chunked to stay under bind-parameter limits however many keys are live.
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom("rate_limit_hits")
      .select(["key", "count"])
      .where("window_start", "=", windowStart)
      .where("key", "in", keys.slice(i, i + 500))
      .execute();
    for (const row of rows) totals.set(row.key, Number(row.count));
  }
  return totals;
}
