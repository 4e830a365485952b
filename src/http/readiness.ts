// /readyz: may this server take traffic? Not while it shuts down, while migrations run, or without its database.
import { sql } from "kysely";
import type { Runtime } from "../context.js";
import type { Store } from "../store/index.js";
import { MIGRATION_COUNT } from "../store/migrate.js";

/**
 * The advisory lock Kysely's migrator holds on PostgreSQL while migrations run (`pg_advisory_lock` with this
 * key; see kysely's postgres-adapter), as pg_locks shows a 64-bit key: high half in classid, low in objid.
 */
const MIGRATION_LOCK = 3853314791062309107n;

/** Why the server is not ready, or null when it is. */
export async function notReadyBecause(store: Store, runtime: Runtime): Promise<string | null> {
  if (runtime.draining === true) return "shutting down";
  try {
    if (store.dialect.supportsAdvisoryLocks) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks
        where locktype = 'advisory' and objsubid = 1
          and classid = ${Number(MIGRATION_LOCK >> 32n)} and objid = ${Number(MIGRATION_LOCK & 0xffffffffn)}`.execute(
        store.db,
      );
      if ((rows[0]?.n ?? 0) > 0) return "migrations are running";
    }
    // A store another (older) server's binary left behind, or one rolled back by hand, lacks what this one needs.
    const applied = await store.db
      .selectFrom("clerk_migrations" as never)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    if (Number((applied as { n?: number } | undefined)?.n ?? 0) < MIGRATION_COUNT) return "migrations are missing";
    return null;
  } catch {
    return "the database is unreachable";
  }
}
