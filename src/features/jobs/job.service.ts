// The durable timer queue: schedule a job for a time, claim due jobs under a lease, run each handler and
// mark it done in one transaction (so a job's effect happens once), retry failures with backoff.
import { randomUUID } from "node:crypto";
import { backoffMs } from "../../backoff.js";
import { type ServiceContext, inTransaction } from "../../context.js";
import { newId } from "../../ids.js";
import type { JobsTable } from "./job.table.js";
import { likeContains } from "../../store/like.js";

/** A job as a handler receives it. */
export interface Job {
  id: string;
  kind: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
  organizationId: string | null;
  dueAt: number;
  attempts: number;
}

/** What runs a job of one kind: inside the transaction that marks it done. Must tolerate running again after a crash. */
export type JobHandler = (tx: ServiceContext, job: Job) => Promise<void>;

/** A job to schedule. */
export interface JobSpec {
  kind: string;
  /** Unique per job: scheduling the same key again does nothing. */
  key: string;
  dueAt: number;
  payload?: Record<string, unknown>;
  organizationId?: string | null;
}

/** How long a claim holds before another worker may take the job over (a worker that died mid-job). */
export const LEASE_MS = 60_000;
/** Attempts before a job is marked failed. */
export const MAX_ATTEMPTS = 8;

/** Schedules jobs in the caller's transaction; a key already scheduled is left as it is. */
export async function scheduleJobs(ctx: ServiceContext, specs: readonly JobSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const now = ctx.clock.now();
  await ctx.db
    .insertInto("jobs")
    .values(
      specs.map((s) => ({
        id: newId("job", now),
        kind: s.kind,
        dedupe_key: s.key,
        payload: JSON.stringify(s.payload ?? {}),
        organization_id: s.organizationId ?? null,
        due_at: s.dueAt,
        status: "pending" as const,
        attempts: 0,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        done_at: null,
      })),
    )
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .execute();
}

/** Cancels pending jobs by key (a stage decided before its timeout). */
export async function cancelJobs(ctx: ServiceContext, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await ctx.db
    .updateTable("jobs")
    .set({ status: "cancelled", updated_at: ctx.clock.now() })
    .where("dedupe_key", "in", [...keys])
    .where("status", "=", "pending")
    .execute();
}

/** Cancels pending jobs whose key contains `part` (e.g. a deleted workflow's id). */
export async function cancelJobsContaining(ctx: ServiceContext, part: string): Promise<void> {
  await ctx.db
    .updateTable("jobs")
    .set({ status: "cancelled", updated_at: ctx.clock.now() })
    .where("status", "=", "pending")
    .where(likeContains("dedupe_key", part))
    .execute();
}

const toJob = (r: JobsTable): Job => ({
  id: r.id,
  kind: r.kind,
  dedupeKey: r.dedupe_key,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  organizationId: r.organization_id,
  dueAt: r.due_at,
  attempts: r.attempts,
});

/** Claims up to `limit` due jobs for `owner` (skipping rows another worker holds on PostgreSQL). */
async function claim(ctx: ServiceContext, owner: string, limit: number, leaseMs: number): Promise<JobsTable[]> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    let q = tx.db
      .selectFrom("jobs")
      .selectAll()
      .where("status", "=", "pending")
      .where("due_at", "<=", now)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .orderBy("due_at")
      .limit(limit);
    if (tx.dialect.supportsSkipLocked) q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    await tx.db
      .updateTable("jobs")
      .set((eb) => ({
        lease_owner: owner,
        lease_until: now + leaseMs,
        attempts: eb("attempts", "+", 1),
        updated_at: now,
      }))
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
  });
}

/** What one pass over the queue did. */
export interface JobRunReport {
  ran: number;
  failed: number;
  retried: number;
  /** When each job ran relative to when it was due (ms), in the order they ran. */
  lateness: number[];
}

/** Runs one claimed job's handler and marks it done, in the caller's transaction; false when it is no longer ours. */
async function handleOne(tx: ServiceContext, owner: string, row: JobsTable, handler: JobHandler): Promise<boolean> {
  // Still ours and still pending: another worker that took over an expired lease may have finished it.
  const current = await tx.db
    .selectFrom("jobs")
    .select(["status", "lease_owner"])
    .where("id", "=", row.id)
    .executeTakeFirst();
  if (!current || current.status !== "pending" || current.lease_owner !== owner) return false;
  await handler(tx, toJob(row));
  const now = tx.clock.now();
  await tx.db
    .updateTable("jobs")
    .set({ status: "done", done_at: now, updated_at: now, lease_owner: null, lease_until: null })
    .where("id", "=", row.id)
    .execute();
  return true;
}

/**
 * Runs every due job (up to `limit`), oldest first. A claimed batch runs in one transaction (one commit for
 * all of it); when a handler throws, the batch is rolled back and its jobs run one transaction each, so the
 * failing job is retried later with backoff (and marked failed after {@link MAX_ATTEMPTS}) while the others
 * go through. A job of a kind with no handler fails at once.
 */
export async function runDueJobs(
  ctx: ServiceContext,
  handlers: Readonly<Record<string, JobHandler>>,
  options: {
    limit?: number;
    batch?: number;
    /** How long a claim holds (default {@link LEASE_MS}). */
    leaseMs?: number;
    /** Asked between jobs: once true (the server is shutting down), the jobs claimed but not run are released. */
    stopping?: () => boolean;
  } = {},
): Promise<JobRunReport> {
  const owner = `worker_${randomUUID()}`;
  const report: JobRunReport = { ran: 0, failed: 0, retried: 0, lateness: [] };
  const limit = options.limit ?? 10_000;
  const finished = (rows: readonly JobsTable[], done: readonly boolean[]) => {
    const now = ctx.clock.now();
    rows.forEach((row, i) => {
      if (!done[i]) return;
      report.ran += 1;
      report.lateness.push(now - row.due_at);
    });
  };
  while (report.ran + report.failed + report.retried < limit && options.stopping?.() !== true) {
    // A read first: most ticks find nothing due, and a claim takes the write lock (SQLite) even then.
    const due = await ctx.db
      .selectFrom("jobs")
      .select("id")
      .where("status", "=", "pending")
      .where("due_at", "<=", ctx.clock.now())
      .limit(1)
      .executeTakeFirst();
    if (!due) break;
    const rows = await claim(
      ctx,
      owner,
      Math.min(options.batch ?? 50, limit - report.ran - report.failed - report.retried),
      options.leaseMs ?? LEASE_MS,
    );
    if (rows.length === 0) break;
    const known = rows.every((row) => handlers[row.kind] !== undefined);
    if (known && rows.length > 1) {
      try {
        const done = await inTransaction(ctx, async (tx) => {
          const out: boolean[] = [];
          for (const row of rows) out.push(await handleOne(tx, owner, row, handlers[row.kind] as JobHandler));
          return out;
        });
        finished(rows, done);
        continue;
      } catch {
        // One of them failed: the whole batch rolled back; run each alone to find it.
      }
    }
    for (const [i, row] of rows.entries()) {
      if (options.stopping?.() === true) {
        await releaseClaims(ctx, owner, rows.slice(i));
        return report;
      }
      const handler = handlers[row.kind];
      try {
        if (!handler) throw new Error(`no handler for jobs of kind "${row.kind}"`);
        finished([row], [await inTransaction(ctx, (tx) => handleOne(tx, owner, row, handler))]);
      } catch (error) {
        const now = ctx.clock.now();
        const message = error instanceof Error ? error.message : String(error);
        const final = !handler || row.attempts >= MAX_ATTEMPTS;
        await ctx.db
          .updateTable("jobs")
          .set(
            final
              ? { status: "failed", last_error: message, updated_at: now, lease_owner: null, lease_until: null }
              : {
                  due_at: now + backoffMs(row.attempts, 600_000),
                  last_error: message,
                  updated_at: now,
                  lease_owner: null,
                  lease_until: null,
                },
          )
          .where("id", "=", row.id)
          .execute();
        if (final) report.failed += 1;
        else report.retried += 1;
      }
    }
  }
  return report;
}

/**
 * Gives back jobs claimed but not run (a server shutting down): due again at once for any server, and the
 * attempt the claim counted is not held against them.
 */
async function releaseClaims(ctx: ServiceContext, owner: string, rows: readonly JobsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await ctx.db
    .updateTable("jobs")
    .set((eb) => ({
      lease_owner: null,
      lease_until: null,
      attempts: eb("attempts", "-", 1),
      updated_at: ctx.clock.now(),
    }))
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    )
    .where("lease_owner", "=", owner)
    .where("status", "=", "pending")
    .execute();
}

/** Counts of jobs by status, and the next due pending job. */
export async function jobSummary(
  ctx: ServiceContext,
): Promise<{ pending: number; done: number; failed: number; cancelled: number; nextDueAt: number | null }> {
  const rows = await ctx.db
    .selectFrom("jobs")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.min("due_at").as("next")])
    .groupBy("status")
    .execute();
  const by = new Map(rows.map((r) => [r.status, { n: Number(r.n), next: r.next === null ? null : Number(r.next) }]));
  return {
    pending: by.get("pending")?.n ?? 0,
    done: by.get("done")?.n ?? 0,
    failed: by.get("failed")?.n ?? 0,
    cancelled: by.get("cancelled")?.n ?? 0,
    nextDueAt: by.get("pending")?.next ?? null,
  };
}
