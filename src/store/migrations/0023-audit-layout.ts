// SQLite: the audit log stored clustered on (chain, seq), so an append dirties three B-tree pages instead of eight.
import { type Kysely, sql } from "kysely";

/**
 * Every change appends one event and advances its chain's head, in the change's fsynced transaction; SQLite writes
 * each page the transaction dirtied to the WAL. Measured before this migration: 8.3 pages per audited change
 * (the rowid table, the id key, the (chain, seq) key, two indexes, and the head's table and key) against 1 for the
 * smallest plain change. Now:
 * - events are a WITHOUT ROWID table keyed by (chain, seq): the key every read, list, export and verify walks,
 *   and the order appends arrive in, so the row itself is the (chain, seq) index;
 * - `id` has no index: nothing looks an event up by id (reads go by chain and seq), and ids are 128-bit random
 *   KSUIDs, each also bound into its row's hash;
 * - `audit_events_chain_target` is dropped: SQLite's planner never chose it (target filters are ORs over id and
 *   label, answered walking (chain, seq) newest first);
 * - `audit_events_chain_time` stays: time ranges (`--since`, retention's cut-off) read it;
 * - heads are a WITHOUT ROWID table too: one page for the head, not a row and its key.
 * The rows, their hashes and the append-only triggers are unchanged, so `clerk audit verify` proves what it did.
 * PostgreSQL keeps its layout: its heap appends already, and its planner uses the target index for role filters.
 */
const EVENT_COLUMNS = [
  "id",
  "chain",
  "seq",
  "organization_id",
  "created_at",
  "actor_type",
  "actor_id",
  "actor_label",
  "action",
  "target_type",
  "target_id",
  "target_label",
  "before",
  "after",
  "request_id",
  "ip",
  "prev_hash",
  "hash",
  "via_type",
  "via_id",
  "via_label",
  "checkpoint_seq",
].join(", ");

const SQLITE_LAYOUT: readonly string[] = Object.freeze([
  `CREATE TABLE audit_events_clustered (
     id text NOT NULL,
     chain text NOT NULL,
     seq bigint NOT NULL,
     organization_id text,
     created_at bigint NOT NULL,
     actor_type text NOT NULL,
     actor_id text,
     actor_label text NOT NULL,
     action text NOT NULL,
     target_type text NOT NULL,
     target_id text,
     target_label text NOT NULL DEFAULT '',
     before text,
     after text,
     request_id text,
     ip text,
     prev_hash text NOT NULL,
     hash text NOT NULL,
     via_type text,
     via_id text,
     via_label text,
     checkpoint_seq bigint,
     PRIMARY KEY (chain, seq)
   ) WITHOUT ROWID`,
  `INSERT INTO audit_events_clustered (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM audit_events`,
  // Dropping a table fires none of its triggers (SQLite drops them first), so the guard does not refuse this.
  `DROP TABLE audit_events`,
  `ALTER TABLE audit_events_clustered RENAME TO audit_events`,
  `CREATE INDEX audit_events_chain_time ON audit_events (chain, created_at)`,
  `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
   BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`,
  // The retention gate exactly as 0010-audit-checkpoint-chain wrote it.
  `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
   WHEN NOT EXISTS (SELECT 1 FROM audit_retention_gate g JOIN audit_checkpoint_chain c ON c.id = g.token
     WHERE g.chain = OLD.chain AND OLD.seq <= g.through_seq
       AND c.kind = 'retention' AND c.retention_chain = g.chain AND c.retention_through = g.through_seq
       AND c.seq = (SELECT max(seq) FROM audit_checkpoint_chain))
   BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused outside clerk audit retention'); END`,
  `CREATE TABLE audit_heads_clustered (chain text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL) WITHOUT ROWID`,
  `INSERT INTO audit_heads_clustered (chain, seq, hash) SELECT chain, seq, hash FROM audit_heads`,
  `DROP TABLE audit_heads`,
  `ALTER TABLE audit_heads_clustered RENAME TO audit_heads`,
]);

export async function up(db: Kysely<unknown>): Promise<void> {
  if (await isPostgres(db)) return;
  for (const statement of SQLITE_LAYOUT) await sql.raw(statement).execute(db);
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
