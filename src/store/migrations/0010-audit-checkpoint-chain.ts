// Checkpoints as a signed, append-only chain; who acted for whom on each event; a retention gate that needs a checkpoint.
import { type Kysely, sql } from "kysely";

const GENESIS = "0".repeat(64);

/** Whether a gate row is backed by the newest checkpoint, a retention record for exactly this delete. */
const GATE_OPEN = `EXISTS (SELECT 1 FROM audit_retention_gate g JOIN audit_checkpoint_chain c ON c.id = g.token
     WHERE g.chain = OLD.chain AND OLD.seq <= g.through_seq
       AND c.kind = 'retention' AND c.retention_chain = g.chain AND c.retention_through = g.through_seq
       AND c.seq = (SELECT max(seq) FROM audit_checkpoint_chain))`;

/**
 * SQLite's guard: checkpoints (both tables) are never updated or deleted; an event is deleted only under a
 * gate row that names the newest checkpoint, a retention record for that chain and seq.
 */
export const SQLITE_CHECKPOINT_GUARD: readonly string[] = Object.freeze([
  `CREATE TRIGGER audit_checkpoint_chain_no_update BEFORE UPDATE ON audit_checkpoint_chain
   BEGIN SELECT RAISE(ABORT, 'audit_checkpoint_chain is append-only: UPDATE refused'); END`,
  `CREATE TRIGGER audit_checkpoint_chain_no_delete BEFORE DELETE ON audit_checkpoint_chain
   BEGIN SELECT RAISE(ABORT, 'audit_checkpoint_chain is append-only: DELETE refused'); END`,
  `CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
   BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: UPDATE refused'); END`,
  `CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
   BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: DELETE refused'); END`,
  `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
   WHEN NOT ${GATE_OPEN}
   BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused outside clerk audit retention'); END`,
]);

/** PostgreSQL's guard: the same rules, TRUNCATE refused outright. */
export const POSTGRES_CHECKPOINT_GUARD: readonly string[] = Object.freeze([
  `CREATE OR REPLACE FUNCTION clerk_audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' AND ${GATE_OPEN} THEN
       RETURN OLD;
     END IF;
     RAISE EXCEPTION 'audit_events is append-only: % refused outside clerk audit retention', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE FUNCTION clerk_audit_checkpoints_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  ...["audit_checkpoint_chain", "audit_checkpoints"].flatMap((table) => [
    `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION clerk_audit_checkpoints_guard()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION clerk_audit_checkpoints_guard()`,
  ]),
]);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_checkpoint_chain")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("heads", "text", (c) => c.notNull())
    .addColumn("retention_chain", "text")
    .addColumn("retention_through", "bigint")
    .addColumn("retention_hash", "text")
    .addColumn("every_events", "integer", (c) => c.notNull())
    .addColumn("every_seconds", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("audit_checkpoint_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await sql`insert into audit_checkpoint_head (id, seq, hash, created_at) values (1, 0, ${GENESIS}, 0)`.execute(db);
  // Each chain's head as the checkpoints last recorded it: a checkpoint records only the heads that moved since.
  await db.schema
    .createTable("audit_checkpoint_marks")
    .addColumn("chain", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();

  // Who acted for the actor, and the checkpoint each new row was written under; both join the row's hash.
  await db.schema.alterTable("audit_events").addColumn("via_type", "text").execute();
  await db.schema.alterTable("audit_events").addColumn("via_id", "text").execute();
  await db.schema.alterTable("audit_events").addColumn("via_label", "text").execute();
  await db.schema.alterTable("audit_events").addColumn("checkpoint_seq", "bigint").execute();
  await db.schema.alterTable("audit_retention_gate").addColumn("token", "text").execute();

  const postgres = await isPostgres(db);
  if (!postgres) await sql.raw("DROP TRIGGER audit_events_no_delete").execute(db);
  for (const statement of postgres ? POSTGRES_CHECKPOINT_GUARD : SQLITE_CHECKPOINT_GUARD)
    await sql.raw(statement).execute(db);
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
