// Writing to the checkpoint chain on demand: a checkpoint to keep outside the database, and retention, which
// checkpoints the last row it deletes so that verify can start the chain there.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { assertAllowedNow } from "../access/index.js";
import { parseRetention } from "./audit.query.js";
import { AUDIT_READ, auditScope } from "./audit.read.js";
import { countThrough, deleteThrough, eventAt, lastSeqBefore, putRetention } from "./audit.repository.js";
import { recordAudit } from "./audit.service.js";
import type { AuditCheckpointChainTable } from "./audit.table.js";
import { checkpointMarks, writeCheckpoint } from "./audit.checkpoint.js";
import type { CheckpointAnchor, CheckpointObject, RetentionResult } from "./audit.view.js";

function anchorObject(c: AuditCheckpointChainTable): CheckpointAnchor {
  const { seq, id, kind, prev_hash, hash, created_at } = c;
  return { object: "audit_checkpoint_anchor", seq, id, kind, prev_hash, hash, created_at };
}

/** Each chain's position as the checkpoints now record it, with the time of the event there. */
async function chainPositions(
  tx: ServiceContext,
  c: AuditCheckpointChainTable,
  only?: string,
): Promise<CheckpointObject[]> {
  const out: CheckpointObject[] = [];
  for (const [chain, mark] of await checkpointMarks(tx.db, only)) {
    if (mark.seq === 0) continue;
    const row = await eventAt(tx.db, chain, mark.seq);
    out.push({
      object: "audit_checkpoint",
      id: c.id,
      chain,
      organization_id: chain === "*" ? null : chain,
      seq: mark.seq,
      hash: mark.hash,
      event_at: row ? Number(row.created_at) : 0,
      kind: "head",
      created_at: c.created_at,
    });
  }
  return out;
}

/**
 * Appends a signed checkpoint of every chain's head to the checkpoint chain, then records that in the
 * instance's log (or the organization's) naming the checkpoint, so deleting the checkpoint leaves a row that
 * names what is gone. Verify then proves each chain still reaches the head recorded.
 */
export async function recordCheckpoints(
  ctx: ServiceContext,
  input: { organization?: string | undefined },
): Promise<{ anchor: CheckpointAnchor; chains: CheckpointObject[] }> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "record audit checkpoints" });
  const scope = input.organization ? await auditScope(ctx, input.organization, [AUDIT_READ]) : undefined;
  return inTransaction(ctx, async (tx) => {
    const checkpoint = await writeCheckpoint(tx);
    if (!checkpoint) throw new TypeError("the checkpoint head row is missing");
    const chains = await chainPositions(tx, checkpoint, scope?.chain);
    await recordAudit(tx, {
      organizationId: scope?.organizationId ?? null,
      action: "audit.checkpoint_recorded",
      target: { type: "audit_log", id: scope?.chain ?? null, label: scope?.label ?? "every chain" },
      after: { checkpoint: { seq: checkpoint.seq, id: checkpoint.id, hash: checkpoint.hash }, chains: chains.length },
    });
    return { anchor: anchorObject(checkpoint), chains };
  });
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
  assertAllowedNow(ctx, { kind: "instance_admin", what: "delete audit events" });
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
    // The signed retention checkpoint is both the proof of where the chain now starts and the delete's token:
    // the trigger opens only for a gate row naming the newest checkpoint, a retention record of this very cut.
    const last = through === undefined || count === 0 ? undefined : await eventAt(tx.db, scope.chain, through);
    const written = await writeCheckpoint(
      tx,
      through !== undefined && last ? { retention: { chain: scope.chain, through, hash: last.hash } } : {},
    );
    if (!written) throw new TypeError("the checkpoint head row is missing");
    const [checkpoint] = await chainPositions(tx, written, scope.chain);
    if (through === undefined || !last) return result(0, null, checkpoint ?? null, false);
    const deleted = await deleteThrough(tx.db, scope.chain, through, written.id);
    return result(deleted, through, checkpoint ?? null, false);
  });
}
