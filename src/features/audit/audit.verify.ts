// Proving the audit log whole: walking each chain, signed checkpoints of its head, and retention that keeps the proof.
import { createHmac, timingSafeEqual } from "node:crypto";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { derivedKey } from "../../secrets.js";
import { findOrgById } from "../orgs/index.js";
import { instanceAdminOnly } from "./audit.errors.js";
import { parseRetention } from "./audit.query.js";
import { AUDIT_READ, auditScope, isInstanceAdmin } from "./audit.read.js";
import {
  GENESIS_HASH,
  allChains,
  canonicalEvent,
  chainHash,
  chainHead,
  countThrough,
  deleteThrough,
  eventAt,
  findByHash,
  insertCheckpoint,
  lastSeqBefore,
  latestCheckpoint,
  pageEvents,
  putRetention,
} from "./audit.repository.js";
import { recordAudit } from "./audit.service.js";
import type { AuditCheckpointsTable } from "./audit.table.js";

const SIGNING_PURPOSE = "audit-checkpoint";
const PAGE = 1000;

function signature(ctx: ServiceContext, c: Omit<AuditCheckpointsTable, "signature">): string {
  const body = JSON.stringify([c.id, c.chain, c.seq, c.hash, c.event_at, c.kind, c.created_at]);
  return createHmac("sha256", derivedKey(ctx, SIGNING_PURPOSE)).update(body).digest("hex");
}

function signedByUs(ctx: ServiceContext, c: AuditCheckpointsTable): boolean {
  const expected = Buffer.from(signature(ctx, c), "hex");
  const given = Buffer.from(c.signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What is wrong at the first broken link. */
export type ChainProblemKind = "edited" | "deleted" | "inserted" | "reordered" | "truncated" | "checkpoint_invalid";

/** The first break of a chain: the row (seq and id) it is found at, and what is wrong there. */
export interface ChainProblem {
  kind: ChainProblemKind;
  seq: number;
  id: string | null;
  message: string;
}

/** The result of walking one chain. */
export interface ChainReport {
  chain: string;
  organization_id: string | null;
  /** The organization's slug; null for the instance chain and for an organization since deleted. */
  organization_slug: string | null;
  ok: boolean;
  events_checked: number;
  /** The first seq still stored (after retention, the one after the base checkpoint). */
  first_seq: number;
  last_seq: number;
  checkpoint: { id: string; seq: number; created_at: number } | null;
  problem: ChainProblem | null;
}

/** The result of `clerk audit verify`. */
export interface VerifyReport {
  ok: boolean;
  chains: ChainReport[];
}

const describeRow = (seq: number, id: string) => `row seq ${seq} (${id})`;

/** Walks one chain from its start (genesis, or the base checkpoint retention left) to its head. */
async function verifyChain(ctx: ServiceContext, chain: string): Promise<ChainReport> {
  const report: ChainReport = {
    chain,
    organization_id: chain === "*" ? null : chain,
    organization_slug: chain === "*" ? null : ((await findOrgById(ctx.db, chain))?.slug ?? null),
    ok: true,
    events_checked: 0,
    first_seq: 1,
    last_seq: 0,
    checkpoint: null,
    problem: null,
  };
  const fail = (problem: ChainProblem): ChainReport => ({ ...report, ok: false, problem });
  const base = await latestCheckpoint(ctx.db, chain, "base");
  if (base && !signedByUs(ctx, base)) {
    return fail({
      kind: "checkpoint_invalid",
      seq: base.seq,
      id: base.id,
      message: `The retention checkpoint ${base.id} (seq ${base.seq}) is not signed with this instance's key: it was forged or altered.`,
    });
  }
  const checkpoint = await latestCheckpoint(ctx.db, chain, "head");
  if (checkpoint) {
    report.checkpoint = { id: checkpoint.id, seq: checkpoint.seq, created_at: checkpoint.created_at };
    if (!signedByUs(ctx, checkpoint)) {
      return fail({
        kind: "checkpoint_invalid",
        seq: checkpoint.seq,
        id: checkpoint.id,
        message: `The checkpoint ${checkpoint.id} (seq ${checkpoint.seq}) is not signed with this instance's key: it was forged or altered.`,
      });
    }
  }
  // The head as it stands now: rows appended while we walk lie past it and are not ours to judge yet.
  const head = await chainHead(ctx.db, chain);
  let expectedSeq = base ? base.seq + 1 : 1;
  let prevHash = base ? base.hash : GENESIS_HASH;
  report.first_seq = expectedSeq;
  let afterSeq = expectedSeq - 1;
  for (;;) {
    const rows = await pageEvents(ctx.db, { chain, order: "asc", afterSeq, maxSeq: head?.seq, limit: PAGE });
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        const gap = seq - 1 > expectedSeq ? `seq ${expectedSeq}–${seq - 1} are` : `seq ${expectedSeq} is`;
        return fail({
          kind: "deleted",
          seq,
          id: row.id,
          message: `${gap} missing: ${describeRow(seq, row.id)} follows seq ${expectedSeq - 1}; rows were deleted.`,
        });
      }
      if (row.prev_hash !== prevHash) {
        const linked = await findByHash(ctx.db, chain, row.prev_hash);
        const linkedSeq = linked ? Number(linked.seq) : undefined;
        if (linked && linkedSeq !== undefined && linkedSeq < seq - 1) {
          const inserted = await eventAt(ctx.db, chain, linkedSeq + 1);
          return fail({
            kind: "inserted",
            seq: linkedSeq + 1,
            id: inserted?.id ?? null,
            message: `${describeRow(linkedSeq + 1, inserted?.id ?? "?")} was inserted: ${describeRow(seq, row.id)} links to seq ${linkedSeq}, past it.`,
          });
        }
        if (linked && linkedSeq !== undefined && linkedSeq >= seq) {
          return fail({
            kind: "reordered",
            seq,
            id: row.id,
            message: `${describeRow(seq, row.id)} is out of order: it was written after ${describeRow(linkedSeq, linked.id)}, to which it links; the two were swapped.`,
          });
        }
        return fail({
          kind: "deleted",
          seq,
          id: row.id,
          message: `${describeRow(seq, row.id)} does not link to seq ${seq - 1}: the row it followed is gone (deleted, with later rows renumbered) or seq ${seq - 1} was rewritten.`,
        });
      }
      if (chainHash(row.prev_hash, canonicalEvent({ ...row, seq })) !== row.hash) {
        return fail({
          kind: "edited",
          seq,
          id: row.id,
          message: `${describeRow(seq, row.id)} was edited: its stored fields no longer hash to its recorded hash.`,
        });
      }
      if (checkpoint && checkpoint.seq === seq && checkpoint.hash !== row.hash) {
        return fail({
          kind: "edited",
          seq,
          id: row.id,
          message: `${describeRow(seq, row.id)} is not the row checkpoint ${checkpoint.id} signed: the chain was rewritten up to here.`,
        });
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
      report.events_checked++;
    }
    if (rows.length < PAGE) break;
    afterSeq = expectedSeq - 1;
  }
  const lastSeq = expectedSeq - 1;
  report.last_seq = lastSeq;
  if (head && head.seq > lastSeq) {
    return fail({
      kind: "truncated",
      seq: lastSeq + 1,
      id: null,
      message: `The chain ends at seq ${lastSeq} but its head records seq ${head.seq}: rows seq ${lastSeq + 1}–${head.seq} were deleted from the tail.`,
    });
  }
  if (checkpoint && checkpoint.seq > lastSeq) {
    return fail({
      kind: "truncated",
      seq: lastSeq + 1,
      id: null,
      message: `Checkpoint ${checkpoint.id} (taken ${new Date(checkpoint.created_at).toISOString()}) signed seq ${checkpoint.seq}, but the chain ends at seq ${lastSeq}: rows seq ${lastSeq + 1}–${checkpoint.seq} were deleted from the tail.`,
    });
  }
  // A committed row never lies past its committed head (both are written in one transaction).
  const after = await chainHead(ctx.db, chain);
  const beyond = after
    ? (await pageEvents(ctx.db, { chain, order: "asc", afterSeq: after.seq, limit: 1 }))[0]
    : undefined;
  if (beyond) {
    const seq = Number(beyond.seq);
    return fail({
      kind: "inserted",
      seq,
      id: beyond.id,
      message: `${describeRow(seq, beyond.id)} was inserted: it lies past the chain's head (seq ${after?.seq}), so clerk never wrote it.`,
    });
  }
  if (head && head.seq === lastSeq && head.hash !== prevHash) {
    return fail({
      kind: "edited",
      seq: lastSeq,
      id: null,
      message: `The last row (seq ${lastSeq}) is not the one its head recorded: the tail was rewritten.`,
    });
  }
  return report;
}

/** Walks the organization's chain, or (instance admins) every chain; reports the first break of each. */
export async function verifyAudit(
  ctx: ServiceContext,
  input: { organization?: string | undefined },
): Promise<VerifyReport> {
  const chains = input.organization
    ? [(await auditScope(ctx, input.organization, [AUDIT_READ])).chain]
    : await everyChain(ctx, "verify every chain");
  const reports: ChainReport[] = [];
  for (const chain of chains) reports.push(await verifyChain(ctx, chain));
  return { ok: reports.every((r) => r.ok), chains: reports };
}

async function everyChain(ctx: ServiceContext, what: string): Promise<string[]> {
  if (!isInstanceAdmin(ctx))
    throw instanceAdminOnly(ctx.actor.label, `${what} (name an organization with --organization)`);
  return allChains(ctx.db);
}

/** A signed checkpoint as the API returns it. */
export interface CheckpointObject {
  object: "audit_checkpoint";
  id: string;
  chain: string;
  organization_id: string | null;
  seq: number;
  hash: string;
  event_at: number;
  kind: "head" | "base";
  created_at: number;
}

function checkpointObject(c: AuditCheckpointsTable): CheckpointObject {
  return {
    object: "audit_checkpoint",
    id: c.id,
    chain: c.chain,
    organization_id: c.chain === "*" ? null : c.chain,
    seq: c.seq,
    hash: c.hash,
    event_at: c.event_at,
    kind: c.kind,
    created_at: c.created_at,
  };
}

/** Signs the current position of one chain (its head, or `seq` for a retention base). */
async function signPosition(
  tx: ServiceContext,
  chain: string,
  kind: "head" | "base",
  at?: { seq: number; hash: string },
): Promise<CheckpointObject | undefined> {
  const position = at ?? (await chainHead(tx.db, chain));
  if (!position || position.seq === 0) return undefined;
  const row = await eventAt(tx.db, chain, position.seq);
  const now = tx.clock.now();
  const unsigned = {
    id: newId("ckpt", now),
    chain,
    seq: position.seq,
    hash: position.hash,
    event_at: row ? Number(row.created_at) : 0,
    kind,
    created_at: now,
  };
  const full: AuditCheckpointsTable = { ...unsigned, signature: signature(tx, unsigned) };
  await insertCheckpoint(tx.db, full);
  return checkpointObject(full);
}

/**
 * Records a signed checkpoint of the head of the organization's chain, or of every chain. Verify then
 * proves the chain still reaches that head, which catches a tail deleted together with its head row.
 */
export async function recordCheckpoints(
  ctx: ServiceContext,
  input: { organization?: string | undefined },
): Promise<CheckpointObject[]> {
  if (!isInstanceAdmin(ctx)) throw instanceAdminOnly(ctx.actor.label, "record audit checkpoints");
  const scope = input.organization ? await auditScope(ctx, input.organization, [AUDIT_READ]) : undefined;
  return inTransaction(ctx, async (tx) => {
    const chains = scope ? [scope.chain] : await allChains(tx.db);
    // The event goes in first, so the checkpoint covers it too.
    await recordAudit(tx, {
      organizationId: scope?.organizationId ?? null,
      action: "audit.checkpoint_recorded",
      target: { type: "audit_log", id: scope?.chain ?? null, label: scope?.label ?? "every chain" },
      after: { chains: chains.length },
    });
    const out: CheckpointObject[] = [];
    for (const chain of chains) {
      const c = await signPosition(tx, chain, "head");
      if (c) out.push(c);
    }
    return out;
  });
}

/** What a retention run did (or, dry, would do). */
export interface RetentionResult {
  object: "audit_retention";
  organization_id: string;
  keep: string;
  /** Events created before this instant (Unix ms) are deleted. */
  cutoff: number;
  deleted: number;
  /** The last deleted seq; the chain now starts after it. */
  through_seq: number | null;
  dry_run: boolean;
  checkpoint: CheckpointObject | null;
}

/**
 * Sets how long an organization keeps its audit events and applies it now: a signed checkpoint of the head
 * first, a signed base checkpoint at the last row to go, then the delete the append-only trigger lets
 * through. `through` (Unix ms) deletes only events before it, never beyond what `keep` allows.
 */
export async function applyRetention(
  ctx: ServiceContext,
  input: { organization: string; keep: string; through?: number | undefined; dryRun?: boolean | undefined },
): Promise<RetentionResult> {
  if (!isInstanceAdmin(ctx)) throw instanceAdminOnly(ctx.actor.label, "delete audit events");
  const keepMs = parseRetention(input.keep);
  const scope = await auditScope(ctx, input.organization, [AUDIT_READ]);
  if (scope.organizationId === null) throw new TypeError("retention applies to an organization's chain");
  const organizationId = scope.organizationId;
  const allowed = ctx.clock.now() - keepMs;
  if (input.through !== undefined && input.through > allowed) {
    throw new ClerkError(
      "audit.invalid_retention",
      `Deleting events before ${new Date(input.through).toISOString()} would delete events younger than --keep ${input.keep} allows (before ${new Date(allowed).toISOString()}); give an earlier time or a shorter --keep.`,
      { param: "through" },
    );
  }
  const cutoff = input.through ?? allowed;
  const result = (
    deleted: number,
    throughSeq: number | null,
    checkpoint: CheckpointObject | null,
    dry: boolean,
  ): RetentionResult => ({
    object: "audit_retention",
    organization_id: organizationId,
    keep: input.keep,
    cutoff,
    deleted,
    through_seq: throughSeq,
    dry_run: dry,
    checkpoint,
  });
  if (input.dryRun) {
    const through = await lastSeqBefore(ctx.db, scope.chain, cutoff);
    return result(
      through === undefined ? 0 : await countThrough(ctx.db, scope.chain, through),
      through ?? null,
      null,
      true,
    );
  }
  return inTransaction(ctx, async (tx) => {
    const before = await putRetention(tx.db, {
      chain: scope.chain,
      keep: input.keep,
      keep_ms: keepMs,
      updated_at: tx.clock.now(),
    });
    const through = await lastSeqBefore(tx.db, scope.chain, cutoff);
    const count = through === undefined ? 0 : await countThrough(tx.db, scope.chain, through);
    await recordAudit(tx, {
      organizationId,
      action: "audit.retention_applied",
      target: { type: "audit_log", id: scope.chain, label: scope.label },
      before: before ? { keep: before.keep } : null,
      after: { keep: input.keep, cutoff, deleted: count, throughSeq: through ?? null },
    });
    const checkpoint = (await signPosition(tx, scope.chain, "head")) ?? null;
    if (through === undefined || count === 0) return result(0, null, checkpoint, false);
    const last = await eventAt(tx.db, scope.chain, through);
    await signPosition(tx, scope.chain, "base", { seq: through, hash: last?.hash ?? GENESIS_HASH });
    const deleted = await deleteThrough(tx.db, scope.chain, through);
    return result(deleted, through, checkpoint, false);
  });
}
