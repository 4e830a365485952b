// Appends audit rows to their hash chain; the chain head row is the per-chain lock.
import { createHash } from "node:crypto";
import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../../store/database.js";
import type { DialectCapabilities } from "../../store/dialect.js";
import type { AuditCheckpointsTable, AuditEventsTable, AuditRetentionTable } from "./audit.table.js";

/** The hash a chain starts from. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields that are hashed, in a fixed order, so any edit to a stored row changes its hash. */
const HASHED_COLUMNS = [
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
] as const satisfies readonly (keyof AuditEventsTable)[];

/**
 * The canonical form of an event: its hashed fields as one JSON array. Rows written since checkpoints are
 * chained carry a checkpoint seq (and, when someone acted for the actor, `via`), which join the array; rows
 * from before keep the shorter form they were hashed in, so they still verify.
 */
export function canonicalEvent(row: Omit<AuditEventsTable, "hash" | "prev_hash">): string {
  const fields: unknown[] = HASHED_COLUMNS.map((c) => row[c]);
  const checkpointSeq = row.checkpoint_seq ?? null;
  if (checkpointSeq === null && (row.via_type ?? null) === null) return JSON.stringify(fields);
  fields.push(
    row.via_type ?? null,
    row.via_id ?? null,
    row.via_label ?? null,
    checkpointSeq === null ? null : Number(checkpointSeq),
  );
  return JSON.stringify(fields);
}

/** sha256(prev_hash ‖ canonical row), hex. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/** The columns of an insert, in the order its parameters are bound. */
const EVENT_COLUMNS = [
  ...HASHED_COLUMNS,
  "via_type",
  "via_id",
  "via_label",
  "checkpoint_seq",
  "prev_hash",
  "hash",
] as const;

interface AppendStatements {
  lockHead: string;
  createHead: string;
  insertEvent: string;
  advanceHead: string;
}

const appendStatements = new Map<string, AppendStatements>();

/**
 * Every change in clerk appends an event, so the append's statements (lock, create and advance the head,
 * insert the event) are built and compiled by Kysely once per dialect and then only bound: building them anew cost more than running them.
 */
function statementsFor(db: Kysely<Database>, dialect: DialectCapabilities): AppendStatements {
  let statements = appendStatements.get(dialect.name);
  if (!statements) {
    const head = db.selectFrom("audit_heads").select(["seq", "hash"]).where("chain", "=", "");
    const sample = Object.fromEntries(EVENT_COLUMNS.map((c) => [c, ""])) as unknown as AuditEventsTable;
    statements = {
      lockHead: (dialect.supportsForUpdate ? head.forUpdate() : head).compile().sql,
      createHead: db
        .insertInto("audit_heads")
        .values({ chain: "", seq: 0, hash: "" })
        .onConflict((oc) => oc.column("chain").doNothing())
        .compile().sql,
      insertEvent: db.insertInto("audit_events").values(sample).compile().sql,
      advanceHead: db.updateTable("audit_heads").set({ seq: 0, hash: "" }).where("chain", "=", "").compile().sql,
    };
    appendStatements.set(dialect.name, statements);
  }
  return statements;
}

/**
 * Appends one event. Must run inside the transaction of the change it records. The head row is created
 * if missing and then locked (FOR UPDATE on PostgreSQL; SQLite already holds the write lock), so two
 * writers to one chain take turns and never fork it.
 */
export async function appendEvent(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  row: Omit<AuditEventsTable, "hash" | "prev_hash" | "seq">,
): Promise<AuditEventsTable> {
  const q = statementsFor(db, dialect);
  const lockHead = async () =>
    (await db.executeQuery<{ seq: number | string; hash: string }>(CompiledQuery.raw(q.lockHead, [row.chain]))).rows[0];
  // The head exists after a chain's first event, so the common case is one locked read; a new chain's
  // head is created (a racing writer's insert wins harmlessly) and then locked like any other.
  let head = await lockHead();
  if (!head) {
    await db.executeQuery(CompiledQuery.raw(q.createHead, [row.chain, 0, GENESIS_HASH]));
    head = await lockHead();
  }
  if (!head) throw new TypeError(`the audit head of ${row.chain} vanished inside its transaction`);
  const prevHash = head.hash;
  const full = { ...row, seq: Number(head.seq) + 1 };
  const stored: AuditEventsTable = { ...full, prev_hash: prevHash, hash: chainHash(prevHash, canonicalEvent(full)) };
  await db.executeQuery(
    CompiledQuery.raw(
      q.insertEvent,
      EVENT_COLUMNS.map((c) => stored[c] ?? null),
    ),
  );
  await db.executeQuery(CompiledQuery.raw(q.advanceHead, [stored.seq, stored.hash, row.chain]));
  return stored;
}

/** Events of one organization (or the instance chain with `null`), oldest first. */
export async function listEvents(
  db: Kysely<Database>,
  organizationId: string | null,
  limit = 1000,
): Promise<AuditEventsTable[]> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("chain", "=", organizationId ?? "*")
    .orderBy("seq", "asc")
    .limit(limit)
    .execute();
}

/** What one page of a chain is narrowed by; see `pageEvents`. */
export interface EventPageQuery {
  chain: string;
  order: "asc" | "desc";
  /** Exclusive keyset bound: rows after this seq in `order`. */
  afterSeq?: number | undefined;
  /** Never past this seq (an export's snapshot of the head), so rows appended meanwhile stay out. */
  maxSeq?: number | undefined;
  fromMs?: number | undefined;
  /** Exclusive. */
  toMs?: number | undefined;
  /** Exact actions, and categories (`role` → every `role.*`). */
  actions?: { exact: string[]; categories: string[] }[];
  actors?: string[];
  targets?: string[];
  /** Each entry: values a role target's id or label may have. */
  roles?: string[][];
  limit: number;
}

/** One page of a chain's events, keyset-paginated on seq (newest first with `desc`). */
export async function pageEvents(db: Kysely<Database>, q: EventPageQuery): Promise<AuditEventsTable[]> {
  let query = db.selectFrom("audit_events").selectAll().where("chain", "=", q.chain);
  if (q.afterSeq !== undefined) query = query.where("seq", q.order === "asc" ? ">" : "<", q.afterSeq);
  if (q.maxSeq !== undefined) query = query.where("seq", "<=", q.maxSeq);
  if (q.fromMs !== undefined) query = query.where("created_at", ">=", q.fromMs);
  if (q.toMs !== undefined) query = query.where("created_at", "<", q.toMs);
  for (const a of q.actions ?? []) {
    query = query.where((eb) =>
      eb.or([
        ...a.exact.map((v) => eb("action", "=", v)),
        // A category is a prefix: every action from "role." up to (not including) "role/", the next character.
        ...a.categories.map((c) => eb.and([eb("action", ">=", `${c}.`), eb("action", "<", `${c}/`)])),
      ]),
    );
  }
  for (const v of q.actors ?? [])
    query = query.where((eb) => eb.or([eb("actor_label", "=", v), eb("actor_id", "=", v)]));
  for (const v of q.targets ?? [])
    query = query.where((eb) => eb.or([eb("target_label", "=", v), eb("target_id", "=", v)]));
  for (const values of q.roles ?? []) {
    query = query
      .where("target_type", "=", "role")
      .where((eb) => eb.or([eb("target_id", "in", values), eb("target_label", "in", values)]));
  }
  return query.orderBy("seq", q.order).limit(q.limit).execute();
}

/** The head of a chain, if it has ever been written. */
export async function chainHead(
  db: Kysely<Database>,
  chain: string,
): Promise<{ seq: number; hash: string } | undefined> {
  const row = await db.selectFrom("audit_heads").select(["seq", "hash"]).where("chain", "=", chain).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

/** Every chain that has a head: the organizations' ids and `*` for the instance. */
export async function allChains(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom("audit_heads").select("chain").orderBy("chain").execute()).map((r) => r.chain);
}

/** The row of a chain whose hash is `hash` (used only to explain a broken link). */
export async function findByHash(
  db: Kysely<Database>,
  chain: string,
  hash: string,
): Promise<AuditEventsTable | undefined> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("chain", "=", chain)
    .where("hash", "=", hash)
    .executeTakeFirst();
}

/** The row at one position of a chain. */
export async function eventAt(db: Kysely<Database>, chain: string, seq: number): Promise<AuditEventsTable | undefined> {
  return db.selectFrom("audit_events").selectAll().where("chain", "=", chain).where("seq", "=", seq).executeTakeFirst();
}

/** The newest checkpoint of a chain of one kind (highest seq, then newest). */
export async function latestCheckpoint(
  db: Kysely<Database>,
  chain: string,
  kind: AuditCheckpointsTable["kind"],
): Promise<AuditCheckpointsTable | undefined> {
  const row = await db
    .selectFrom("audit_checkpoints")
    .selectAll()
    .where("chain", "=", chain)
    .where("kind", "=", kind)
    .orderBy("seq", "desc")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row
    ? { ...row, seq: Number(row.seq), event_at: Number(row.event_at), created_at: Number(row.created_at) }
    : undefined;
}

/**
 * Deletes a chain's rows up to `throughSeq`: the one path the append-only trigger lets through, opened by
 * a gate row that exists only inside this transaction and names `token`, the retention checkpoint just
 * written (the trigger requires it to be the newest checkpoint and to record this very cut).
 */
export async function deleteThrough(
  db: Kysely<Database>,
  chain: string,
  throughSeq: number,
  token: string,
): Promise<number> {
  if (!db.isTransaction) throw new TypeError("deleteThrough must run inside the retention run's transaction");
  await db.insertInto("audit_retention_gate").values({ chain, through_seq: throughSeq, token }).execute();
  const result = await db
    .deleteFrom("audit_events")
    .where("chain", "=", chain)
    .where("seq", "<=", throughSeq)
    .executeTakeFirst();
  await db.deleteFrom("audit_retention_gate").where("chain", "=", chain).execute();
  return Number(result.numDeletedRows);
}

/**
 * The end of the chain's prefix in which every event is older than `beforeMs` (undefined when the first
 * event is not). A clock set back can put a young event among old ones; it stops the prefix, so retention
 * never deletes an event younger than it was told to keep.
 */
export async function lastSeqBefore(
  db: Kysely<Database>,
  chain: string,
  beforeMs: number,
): Promise<number | undefined> {
  const young = await db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.min("seq").as("seq"))
    .where("chain", "=", chain)
    .where("created_at", ">=", beforeMs)
    .executeTakeFirst();
  let through: number;
  if (young?.seq !== null && young?.seq !== undefined) through = Number(young.seq) - 1;
  else through = (await chainHead(db, chain))?.seq ?? 0;
  const first = await db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.min("seq").as("seq"))
    .where("chain", "=", chain)
    .executeTakeFirst();
  const start = first?.seq === null || first?.seq === undefined ? undefined : Number(first.seq);
  return start === undefined || through < start ? undefined : through;
}

/** Records how long a chain keeps its events. */
export async function putRetention(
  db: Kysely<Database>,
  row: AuditRetentionTable,
): Promise<AuditRetentionTable | undefined> {
  const before = await db.selectFrom("audit_retention").selectAll().where("chain", "=", row.chain).executeTakeFirst();
  await db
    .insertInto("audit_retention")
    .values(row)
    .onConflict((oc) =>
      oc.column("chain").doUpdateSet({ keep: row.keep, keep_ms: row.keep_ms, updated_at: row.updated_at }),
    )
    .execute();
  return before;
}

/** How many rows of a chain lie at or before `throughSeq`. */
export async function countThrough(db: Kysely<Database>, chain: string, throughSeq: number): Promise<number> {
  const row = await db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("chain", "=", chain)
    .where("seq", "<=", throughSeq)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
