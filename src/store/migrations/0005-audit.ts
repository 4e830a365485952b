// The audit log's signed checkpoints, the retention gate, list indexes, and the append-only guard on audit_events.
import { type Kysely, sql } from "kysely";

/**
 * SQLite's guard: UPDATE is always refused; DELETE only of rows the open retention run has put in
 * `audit_retention_gate` (inside its own transaction, removed before it commits).
 */
export const SQLITE_AUDIT_GUARD: readonly string[] = Object.freeze([
  `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
   BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`,
  `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
   WHEN NOT EXISTS (SELECT 1 FROM audit_retention_gate g WHERE g.chain = OLD.chain AND OLD.seq <= g.through_seq)
   BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused outside clerk audit retention'); END`,
]);

/** PostgreSQL's guard: the same rule as one trigger function, plus TRUNCATE refused outright. */
export const POSTGRES_AUDIT_GUARD: readonly string[] = Object.freeze([
  `CREATE FUNCTION clerk_audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_retention_gate g WHERE g.chain = OLD.chain AND OLD.seq <= g.through_seq) THEN
       RETURN OLD;
     END IF;
     RAISE EXCEPTION 'audit_events is append-only: % refused outside clerk audit retention', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION clerk_audit_events_guard()`,
  `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION clerk_audit_events_guard()`,
]);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("chain", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    // created_at of the event at `seq` (0 for an empty chain), so a checkpoint says how far in time it reaches.
    .addColumn("event_at", "bigint", (c) => c.notNull())
    // `head`: the chain's head when taken; `base`: the last row a retention run deleted, where the chain now starts.
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_checkpoints_chain")
    .on("audit_checkpoints")
    .columns(["chain", "kind", "seq"])
    .execute();

  await db.schema
    .createTable("audit_retention_gate")
    .addColumn("chain", "text", (c) => c.primaryKey())
    .addColumn("through_seq", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("audit_retention")
    .addColumn("chain", "text", (c) => c.primaryKey())
    .addColumn("keep", "text", (c) => c.notNull())
    .addColumn("keep_ms", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  // Lists read one chain newest first, narrowed by time, action or target.
  await db.schema.createIndex("audit_events_chain_time").on("audit_events").columns(["chain", "created_at"]).execute();
  await db.schema
    .createIndex("audit_events_chain_target")
    .on("audit_events")
    .columns(["chain", "target_type", "target_id"])
    .execute();

  const postgres = await isPostgres(db);
  for (const statement of postgres ? POSTGRES_AUDIT_GUARD : SQLITE_AUDIT_GUARD) await sql.raw(statement).execute(db);
}

/** Migrations see no capability flags; the server's own answer tells the engines apart. */
async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select current_setting('server_version_num')`.execute(db);
    return true;
  } catch {
    return false;
  }
}
