// Proving the audit log whole: walking each chain and the signed checkpoint chain that records their heads.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ServiceContext } from "../../context.js";
import { derivedKey } from "../../secrets.js";
import { findOrgById } from "../orgs/index.js";
import { assertAllowedNow } from "../access/index.js";
import { AUDIT_READ, auditScope } from "./audit.read.js";
import {
  GENESIS_HASH,
  allChains,
  canonicalEvent,
  chainHash,
  chainHead,
  eventAt,
  findByHash,
  latestCheckpoint,
  pageEvents,
} from "./audit.repository.js";
import type { AuditCheckpointChainTable, AuditCheckpointsTable } from "./audit.table.js";
import {
  type HeadMark,
  checkpointCadence,
  checkpointHead,
  checkpointPage,
  checkpointSound,
  parseHeads,
} from "./audit.checkpoint.js";
import type { ChainProblem, ChainProblemKind, ChainReport, CheckpointChainReport, VerifyReport } from "./audit.view.js";

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

/** What verify learns from the checkpoint chain: its sound prefix, the newest checkpoint, the retention bases. */
interface Ledger {
  report: CheckpointChainReport;
  newest: AuditCheckpointChainTable | undefined;
  /** Each chain's head as the checkpoints last recorded it, with the checkpoint that did. */
  covered: Map<string, HeadMark & { id: string; checkpoint: number; created_at: number }>;
  /** The last sound seq (the newest checkpoint's, 0 for none). */
  lastSeq: number;
  bases: Map<string, { id: string; through: number; hash: string }>;
}

const describeRow = (seq: number, id: string) => `row seq ${seq} (${id})`;

/** Walks one chain from its start (genesis, or the base retention left) to its head, against the checkpoints. */
async function verifyChain(
  ctx: ServiceContext,
  chain: string,
  ledger: Ledger,
  heads: Map<string, { seq: number; hash: string }>,
): Promise<ChainReport> {
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
  const legacyBase = await latestCheckpoint(ctx.db, chain, "base");
  if (legacyBase && !signedByUs(ctx, legacyBase)) {
    return fail({
      kind: "checkpoint_invalid",
      seq: legacyBase.seq,
      id: legacyBase.id,
      message: `The retention checkpoint ${legacyBase.id} (seq ${legacyBase.seq}) is not signed with this instance's key: it was forged or altered.`,
    });
  }
  // Where the chain starts: the latest retention of the checkpoint chain, or one from before checkpoints were chained.
  const chained = ledger.bases.get(chain);
  const base =
    chained && (!legacyBase || chained.through >= legacyBase.seq)
      ? { seq: chained.through, hash: chained.hash }
      : legacyBase
        ? { seq: legacyBase.seq, hash: legacyBase.hash }
        : undefined;
  // The signed positions the chain must still reach, with the same rows: the checkpoints' latest, and a legacy one.
  const marks: { id: string; seq: number; hash: string; created_at: number }[] = [];
  const legacy = await latestCheckpoint(ctx.db, chain, "head");
  if (legacy) {
    if (!signedByUs(ctx, legacy)) {
      return fail({
        kind: "checkpoint_invalid",
        seq: legacy.seq,
        id: legacy.id,
        message: `The checkpoint ${legacy.id} (seq ${legacy.seq}) is not signed with this instance's key: it was forged or altered.`,
      });
    }
    marks.push(legacy);
  }
  const newest = ledger.newest;
  const covered = ledger.covered.get(chain);
  if (covered && covered.seq > 0) marks.push(covered);
  const mark = marks.reduce<(typeof marks)[number] | undefined>((a, m) => (a && a.seq >= m.seq ? a : m), undefined);
  if (mark) report.checkpoint = { id: mark.id, seq: mark.seq, created_at: mark.created_at };
  // The head as it stood before the checkpoints were read: rows appended since are not ours to judge yet (they
  // may name a checkpoint written after the walk).
  const head = heads.has(chain) ? heads.get(chain) : await chainHead(ctx.db, chain);
  if (!head && covered && covered.seq > 0) {
    return fail({
      kind: "disappeared",
      seq: covered.seq,
      id: null,
      message: `Checkpoint #${covered.checkpoint} (${covered.id}, taken ${new Date(covered.created_at).toISOString()}) recorded this chain at seq ${covered.seq}, but its events and head are gone: the organization's audit log was deleted.`,
    });
  }
  // Rows written under a checkpoint (since they were chained) past the checkpoints' latest position of this chain.
  const tail: { count: number; latest: number; first: { seq: number; id: string } | undefined } = {
    count: 0,
    latest: Number.NEGATIVE_INFINITY,
    first: undefined,
  };
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
      const signed = marks.find((m) => m.seq === seq && m.hash !== row.hash);
      if (signed) {
        return fail({
          kind: "edited",
          seq,
          id: row.id,
          message: `${describeRow(seq, row.id)} is not the row checkpoint ${signed.id} signed: the chain was rewritten up to here.`,
        });
      }
      const under = row.checkpoint_seq === null || row.checkpoint_seq === undefined ? null : Number(row.checkpoint_seq);
      if (under !== null && under > ledger.lastSeq) {
        return fail({
          kind: "checkpoint_missing",
          seq,
          id: row.id,
          message: `${describeRow(seq, row.id)} was written after checkpoint #${under}, but the checkpoint chain ends at #${ledger.lastSeq}: checkpoints were deleted.`,
        });
      }
      if (under !== null && seq > (covered?.seq ?? 0)) {
        tail.count++;
        tail.latest = Math.max(tail.latest, Number(row.created_at));
        tail.first ??= { seq, id: row.id };
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
  if (mark && mark.seq > lastSeq) {
    return fail({
      kind: "truncated",
      seq: lastSeq + 1,
      id: null,
      message: `Checkpoint ${mark.id} (taken ${new Date(mark.created_at).toISOString()}) signed seq ${mark.seq}, but the chain ends at seq ${lastSeq}: rows seq ${lastSeq + 1}–${mark.seq} were deleted from the tail.`,
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
  // Writers checkpoint every `events` events or `seconds`; twice that uncovered means checkpoints were removed.
  const cadence = ledger.report.cadence;
  const late =
    tail.first !== undefined &&
    (newest === undefined ||
      tail.count >= 2 * cadence.events ||
      tail.latest - newest.created_at >= 2 * cadence.seconds * 1000);
  if (late && tail.first) {
    return fail({
      kind: "checkpoint_missing",
      seq: tail.first.seq,
      id: tail.first.id,
      message: newest
        ? `${tail.count} events from seq ${tail.first.seq} on (the newest until ${new Date(tail.latest).toISOString()}) lie past the newest checkpoint #${newest.seq} (taken ${new Date(newest.created_at).toISOString()}), though one is written every ${cadence.events} events or ${cadence.seconds} s: checkpoints were deleted, or the writers could not read the master key to sign them.`
        : `${tail.count} events from seq ${tail.first.seq} on were written under checkpoints, but the checkpoint chain is empty: checkpoints were deleted.`,
    });
  }
  return report;
}

/**
 * Walks the checkpoint chain from #1: each links to the one before, hashes to its hash and carries this
 * instance's signature; the head row names the last; every anchored hash is in it. Stops at the first break.
 */
async function walkCheckpoints(ctx: ServiceContext, anchors: readonly string[]): Promise<Ledger> {
  const ledger: Ledger = {
    report: { ok: true, checkpoints_checked: 0, newest: null, cadence: checkpointCadence(), problem: null },
    newest: undefined,
    covered: new Map(),
    lastSeq: 0,
    bases: new Map(),
  };
  const fail = (kind: ChainProblemKind, seq: number, id: string | null, message: string): Ledger => {
    ledger.report = { ...ledger.report, ok: false, problem: { kind, seq, id, message } };
    return ledger;
  };
  const head = (await checkpointHead(ctx.db)) ?? { seq: 0, hash: GENESIS_HASH, created_at: 0 };
  const seen = new Set<string>();
  let prev = GENESIS_HASH;
  for (let done = false; !done;) {
    const rows = await checkpointPage(ctx.db, ledger.lastSeq, PAGE);
    done = rows.length < PAGE;
    for (const row of rows) {
      if (row.seq > head.seq) {
        done = true;
        break;
      }
      const expected = ledger.lastSeq + 1;
      const name = `Checkpoint #${row.seq} (${row.id})`;
      if (row.seq !== expected)
        return fail(
          "checkpoint_missing",
          expected,
          null,
          `Checkpoint #${expected} is missing: #${row.seq} follows #${expected - 1}; checkpoints were deleted.`,
        );
      if (row.prev_hash !== prev)
        return fail(
          "checkpoint_chain_broken",
          row.seq,
          row.id,
          `${name} does not link to #${row.seq - 1}: the checkpoint before it was replaced or removed.`,
        );
      const sound = checkpointSound(ctx, row);
      if (sound === "altered")
        return fail(
          "checkpoint_chain_broken",
          row.seq,
          row.id,
          `${name} was altered: its fields no longer hash to its recorded hash.`,
        );
      if (sound === "unsigned")
        return fail(
          "checkpoint_invalid",
          row.seq,
          row.id,
          `${name} is not signed with this instance's key: it was forged, or the master key changed.`,
        );
      prev = row.hash;
      seen.add(row.hash);
      ledger.lastSeq = row.seq;
      ledger.newest = row;
      for (const [chain, mark] of parseHeads(row.heads))
        ledger.covered.set(chain, { ...mark, id: row.id, checkpoint: row.seq, created_at: row.created_at });
      ledger.report.checkpoints_checked++;
      if (row.kind === "retention" && row.retention_chain !== null && row.retention_through !== null)
        ledger.bases.set(row.retention_chain, {
          id: row.id,
          through: row.retention_through,
          hash: row.retention_hash ?? "",
        });
    }
  }
  const newest = ledger.newest;
  if (newest) {
    ledger.report.newest = { seq: newest.seq, id: newest.id, hash: newest.hash, created_at: newest.created_at };
    ledger.report.cadence = { events: newest.every_events, seconds: newest.every_seconds };
  }
  if (head.seq > ledger.lastSeq)
    return fail(
      "checkpoint_missing",
      ledger.lastSeq + 1,
      null,
      `The checkpoint head records #${head.seq}, but the checkpoint chain ends at #${ledger.lastSeq}: the newest checkpoints were deleted.`,
    );
  if (head.hash !== prev)
    return fail(
      "checkpoint_chain_broken",
      head.seq,
      newest?.id ?? null,
      `Checkpoint #${head.seq} is not the one the checkpoint head recorded: the newest checkpoint was rewritten.`,
    );
  // A committed checkpoint never lies past its committed head (both are written in one transaction).
  const after = (await checkpointHead(ctx.db)) ?? head;
  const [beyond] = await checkpointPage(ctx.db, after.seq, 1);
  if (beyond)
    return fail(
      "checkpoint_chain_broken",
      beyond.seq,
      beyond.id,
      `Checkpoint #${beyond.seq} (${beyond.id}) lies past the checkpoint head (#${after.seq}), so clerk never wrote it.`,
    );
  for (const anchor of anchors) {
    if (!seen.has(anchor.toLowerCase()))
      return fail(
        "checkpoint_missing",
        ledger.lastSeq + 1,
        null,
        `The anchored checkpoint ${anchor} is not in the checkpoint chain (#1–#${ledger.lastSeq}): the checkpoint chain was cut back or rewritten since it was anchored.`,
      );
  }
  return ledger;
}

/** Walks the organization's chain, or (instance admins) every chain; reports the first break of each. */
export async function verifyAudit(
  ctx: ServiceContext,
  input: { organization?: string | undefined; anchors?: readonly string[] | undefined },
): Promise<VerifyReport> {
  const chains = input.organization
    ? [(await auditScope(ctx, input.organization, [AUDIT_READ])).chain]
    : await everyChain(ctx, "verify every chain");
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const chain of chains) {
    const head = await chainHead(ctx.db, chain);
    if (head) heads.set(chain, head);
  }
  const ledger = await walkCheckpoints(ctx, input.anchors ?? []);
  // A chain the checkpoints recorded is verified even when nothing of it is left.
  if (!input.organization) {
    for (const chain of ledger.covered.keys()) if (!chains.includes(chain)) chains.push(chain);
    chains.sort();
  }
  const reports: ChainReport[] = [];
  for (const chain of chains) reports.push(await verifyChain(ctx, chain, ledger, heads));
  return { ok: ledger.report.ok && reports.every((r) => r.ok), checkpoints: ledger.report, chains: reports };
}

async function everyChain(ctx: ServiceContext, what: string): Promise<string[]> {
  assertAllowedNow(ctx, { kind: "instance_admin", what, why: "name an organization with --organization" });
  return allChains(ctx.db);
}
