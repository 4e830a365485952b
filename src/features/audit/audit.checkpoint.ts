// The checkpoint chain: signed records of every audit chain's head, each linked to the one before, written at a cadence.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { CompiledQuery, type Kysely } from "kysely";
import type { ServiceContext } from "../../context.js";
import { ClerkError, isClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { derivedKey } from "../../secrets.js";
import type { Database } from "../../store/database.js";
import type { DialectCapabilities } from "../../store/dialect.js";
import type { AuditCheckpointChainTable } from "./audit.table.js";

/** The key purpose checkpoints are signed under (the same key the per-chain checkpoints used). */
const SIGNING_PURPOSE = "audit-checkpoint";

/** How often a checkpoint is due: after this many events of one chain, or this many seconds, whichever first. */
export interface Cadence {
  events: number;
  seconds: number;
}

export const DEFAULT_CADENCE: Cadence = Object.freeze({ events: 1000, seconds: 3600 });

/** The environment variables that set the cadence. */
export const CADENCE_ENV = Object.freeze({
  events: "CLERK_AUDIT_CHECKPOINT_EVENTS",
  seconds: "CLERK_AUDIT_CHECKPOINT_SECONDS",
});

/** The cadence this process writes checkpoints at (`CLERK_AUDIT_CHECKPOINT_EVENTS`, `CLERK_AUDIT_CHECKPOINT_SECONDS`). */
export function checkpointCadence(): Cadence {
  const read = (name: string, fallback: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 2_000_000_000)
      throw new ClerkError("input.invalid", `${name}="${raw}" is not a whole number from 1 to 2000000000.`, {
        param: name,
      });
    return n;
  };
  return {
    events: read(CADENCE_ENV.events, DEFAULT_CADENCE.events),
    seconds: read(CADENCE_ENV.seconds, DEFAULT_CADENCE.seconds),
  };
}

/** One chain's head as a checkpoint records it. */
export interface HeadMark {
  seq: number;
  hash: string;
}

/** A checkpoint with its heads parsed. */
export interface Checkpoint extends Omit<AuditCheckpointChainTable, "heads"> {
  heads: Map<string, HeadMark>;
}

/** The newest checkpoint's position (seq 0 and the genesis hash before the first). */
export async function checkpointHead(
  db: Kysely<Database>,
): Promise<{ seq: number; hash: string; created_at: number } | undefined> {
  const row = await db
    .selectFrom("audit_checkpoint_head")
    .select(["seq", "hash", "created_at"])
    .where("id", "=", 1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash, created_at: Number(row.created_at) } : undefined;
}

/** What an append needs to know: the newest checkpoint, and how far it (with those before) covers `chain`. */
export interface CheckpointState {
  seq: number;
  created_at: number;
  /** The chain's seq the checkpoints last recorded; undefined when none has named the chain yet. */
  covered: number | undefined;
}

/** A chain name no chain has: where the compiled state query takes the chain asked about. */
const ANY_CHAIN = "\u0000chain";
const stateQueries = new Map<string, CompiledQuery>();

/** The newest checkpoint and the chain's last recorded seq, in one read. */
export async function checkpointState(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  chain: string,
): Promise<CheckpointState> {
  // Every audited change asks this; building and compiling the query each time cost more than running it.
  let compiled = stateQueries.get(dialect.name);
  if (!compiled) {
    compiled = db
      .selectFrom("audit_checkpoint_head as h")
      .select((eb) => [
        "h.seq",
        "h.created_at",
        eb.selectFrom("audit_checkpoint_marks as m").select("m.seq").where("m.chain", "=", ANY_CHAIN).as("covered"),
      ])
      .where("h.id", "=", 1)
      .compile();
    stateQueries.set(dialect.name, compiled);
  }
  const parameters = compiled.parameters.map((p) => (p === ANY_CHAIN ? chain : p));
  const row = (
    await db.executeQuery<{ seq: number | string; created_at: number | string; covered: number | string | null }>(
      CompiledQuery.raw(compiled.sql, parameters),
    )
  ).rows[0];
  return {
    seq: Number(row?.seq ?? 0),
    created_at: Number(row?.created_at ?? 0),
    covered: row?.covered === null || row?.covered === undefined ? undefined : Number(row.covered),
  };
}

function canonicalCheckpoint(c: Omit<AuditCheckpointChainTable, "hash" | "signature" | "prev_hash">): string {
  return JSON.stringify([
    Number(c.seq),
    c.id,
    c.kind,
    c.heads,
    c.retention_chain,
    c.retention_through === null ? null : Number(c.retention_through),
    c.retention_hash,
    Number(c.every_events),
    Number(c.every_seconds),
    Number(c.created_at),
  ]);
}

/** sha256(prev_hash ‖ canonical checkpoint), hex: what the next checkpoint links to and what is anchored outside. */
export function checkpointHash(c: Omit<AuditCheckpointChainTable, "hash" | "signature">): string {
  return createHash("sha256").update(c.prev_hash).update(canonicalCheckpoint(c)).digest("hex");
}

function sign(key: Buffer, hash: string): string {
  return createHmac("sha256", key).update(`checkpoint:${hash}`).digest("hex");
}

/** Whether a checkpoint row's hash is its content's and its signature is this instance's. */
export function checkpointSound(ctx: ServiceContext, c: AuditCheckpointChainTable): "ok" | "altered" | "unsigned" {
  if (checkpointHash(c) !== c.hash) return "altered";
  const expected = Buffer.from(sign(derivedKey(ctx, SIGNING_PURPOSE), c.hash), "hex");
  const given = Buffer.from(c.signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected) ? "ok" : "unsigned";
}

export function parseHeads(heads: string): Map<string, HeadMark> {
  const out = new Map<string, HeadMark>();
  for (const [chain, seq, hash] of JSON.parse(heads) as [string, number, string][])
    out.set(chain, { seq: Number(seq), hash });
  return out;
}

/** Checkpoints in seq order, one page after `afterSeq`. */
export async function checkpointPage(
  db: Kysely<Database>,
  afterSeq: number,
  limit: number,
): Promise<AuditCheckpointChainTable[]> {
  const rows = await db
    .selectFrom("audit_checkpoint_chain")
    .selectAll()
    .where("seq", ">", afterSeq)
    .orderBy("seq", "asc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...r,
    seq: Number(r.seq),
    retention_through: r.retention_through === null ? null : Number(r.retention_through),
    every_events: Number(r.every_events),
    every_seconds: Number(r.every_seconds),
    created_at: Number(r.created_at),
  }));
}

/** What a retention checkpoint allows: deleting `chain` through `through`, after which it starts from `hash`. */
export interface RetentionMark {
  chain: string;
  through: number;
  hash: string;
}

/**
 * Appends a checkpoint of the chains' heads (as this transaction sees them) to the checkpoint chain: those that
 * moved since the last checkpoint, so each checkpoint stays as small as the change it covers. Writers take
 * turns on the head row; `skipIfBusy` (the automatic checkpoint) gives way to one already being written.
 */
export async function writeCheckpoint(
  tx: ServiceContext,
  options: { retention?: RetentionMark; skipIfBusy?: boolean } = {},
): Promise<AuditCheckpointChainTable | undefined> {
  if (!tx.db.isTransaction) throw new TypeError("writeCheckpoint must run inside a transaction");
  const key = derivedKey(tx, SIGNING_PURPOSE);
  let lock = tx.db.selectFrom("audit_checkpoint_head").select(["seq", "hash"]).where("id", "=", 1);
  if (tx.dialect.supportsForUpdate) lock = lock.forUpdate();
  if (options.skipIfBusy && tx.dialect.supportsSkipLocked) lock = lock.skipLocked();
  const head = await lock.executeTakeFirst();
  if (!head) {
    if (options.skipIfBusy) return undefined;
    throw new TypeError("audit_checkpoint_head has no row; the store's migrations did not run");
  }
  const moved = await tx.db
    .selectFrom("audit_heads as h")
    .leftJoin("audit_checkpoint_marks as m", "m.chain", "h.chain")
    .select(["h.chain", "h.seq", "h.hash"])
    .where((eb) =>
      eb.or([eb("m.seq", "is", null), eb("m.seq", "<>", eb.ref("h.seq")), eb("m.hash", "<>", eb.ref("h.hash"))]),
    )
    .orderBy("h.chain")
    .execute();
  const cadence = checkpointCadence();
  const now = tx.clock.now();
  const unsigned = {
    seq: Number(head.seq) + 1,
    id: newId("ckpt", now),
    kind: options.retention ? ("retention" as const) : ("checkpoint" as const),
    prev_hash: head.hash,
    heads: JSON.stringify(moved.map((h) => [h.chain, Number(h.seq), h.hash])),
    retention_chain: options.retention?.chain ?? null,
    retention_through: options.retention?.through ?? null,
    retention_hash: options.retention?.hash ?? null,
    every_events: cadence.events,
    every_seconds: cadence.seconds,
    created_at: now,
  };
  const hash = checkpointHash(unsigned);
  const row: AuditCheckpointChainTable = { ...unsigned, hash, signature: sign(key, hash) };
  await tx.db.insertInto("audit_checkpoint_chain").values(row).execute();
  await tx.db
    .updateTable("audit_checkpoint_head")
    .set({ seq: row.seq, hash: row.hash, created_at: now })
    .where("id", "=", 1)
    .execute();
  for (const h of moved) {
    const mark = { chain: h.chain, seq: Number(h.seq), hash: h.hash };
    await tx.db
      .insertInto("audit_checkpoint_marks")
      .values(mark)
      .onConflict((oc) => oc.column("chain").doUpdateSet({ seq: mark.seq, hash: mark.hash }))
      .execute();
  }
  return row;
}

/** Every chain's head as the checkpoints last recorded it (what `writeCheckpoint` just covered, for its caller). */
export async function checkpointMarks(db: Kysely<Database>, chain?: string): Promise<Map<string, HeadMark>> {
  let query = db.selectFrom("audit_checkpoint_marks").select(["chain", "seq", "hash"]).orderBy("chain");
  if (chain !== undefined) query = query.where("chain", "=", chain);
  return new Map((await query.execute()).map((m) => [m.chain, { seq: Number(m.seq), hash: m.hash }]));
}

/**
 * After an append: writes a checkpoint when one is due, i.e. the newest is `seconds` old, the chain has
 * grown by `events` since the checkpoints last recorded it, or they never have (a new organization's log is
 * covered at once, so its disappearance is caught). Without a readable master key nothing is signed here;
 * verify then reports the missed cadence, and the change itself still commits.
 */
export async function checkpointIfDue(
  ctx: ServiceContext,
  state: CheckpointState,
  appended: { seq: number; created_at: number },
): Promise<void> {
  const cadence = checkpointCadence();
  const due =
    state.covered === undefined ||
    appended.created_at - state.created_at >= cadence.seconds * 1000 ||
    appended.seq - state.covered >= cadence.events;
  if (!due) return;
  try {
    derivedKey(ctx, SIGNING_PURPOSE);
  } catch (error) {
    if (isClerkError(error)) return;
    throw error;
  }
  await writeCheckpoint(ctx, { skipIfBusy: true });
}
