// Runs: an event starts a run of each matching workflow; the run walks its stages in order, skipping those
// whose condition is false, asking each active stage's approvals of reviewers, and ends approved or rejected.
import { type ServiceContext, inTransaction } from "../../context.js";
import { isId, newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { actingUserId, compiledPolicy } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, organizationOf, resolveOrg } from "../orgs/index.js";
import { resolveUser } from "../users/index.js";
import {
  type Workflow,
  assertMayEmit,
  assertMayManageWorkflows,
  assertMayReadWorkflows,
  evaluateCondition,
  fileSetPatterns,
  parseCondition,
  parseEventType,
  resolveWorkflow,
  triggeredWorkflows,
} from "../workflows/index.js";
import { type RunRecord, runRecords } from "./run.records.js";
import { idempotencyMismatch, invalidEvent, memberRequired, runNotFound, runNotOpen } from "./task.errors.js";
import { type EmitEventInput, emitEventSchema } from "./task.schema.js";
import { checkAccessRequest } from "./access-request.js";
import { advance, runContext, runLabel, stopStageTimers } from "./run.advance.js";
import type { WorkflowRunsTable } from "./task.table.js";

/** JSON with sorted keys, so the same data written in another order compares equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The pull request (or other subject) an event is about: `pr.number`, `pull_request.number`, `pull_request` or `number`. */
export function subjectOf(data: Record<string, unknown>): string | null {
  const pr = (data.pr ?? data.pull_request) as unknown;
  const candidates = [
    pr && typeof pr === "object" ? (pr as Record<string, unknown>).number : pr,
    data.number,
    data.subject,
  ];
  for (const c of candidates) if (typeof c === "string" || typeof c === "number") return String(c).trim() || null;
  return null;
}

async function requesterOf(ctx: ServiceContext, given: string | undefined): Promise<string | null> {
  if (given !== undefined) return (await resolveUser(ctx, given)).id;
  return actingUserId(ctx);
}

/** An event as services return it. */
export interface EventRecord {
  id: string;
  organizationId: string;
  type: string;
  data: Record<string, unknown>;
  idempotencyKey: string | null;
  requesterId: string | null;
  createdAt: number;
}

/** What emitting an event did: the runs it started (or had started, for a redelivery). */
export interface EmitResult {
  event: EventRecord;
  runs: RunRecord[];
  duplicate: boolean;
}

type EventRow = {
  id: string;
  organization_id: string;
  type: string;
  data: string;
  idempotency_key: string | null;
  requester_id: string | null;
  created_at: number;
};
const toEvent = (r: EventRow): EventRecord => ({
  id: r.id,
  organizationId: r.organization_id,
  type: r.type,
  data: JSON.parse(r.data) as Record<string, unknown>,
  idempotencyKey: r.idempotency_key,
  requesterId: r.requester_id,
  createdAt: r.created_at,
});

/**
 * Records an event and starts a run of every active workflow of the organization whose trigger and
 * condition match. With an idempotency key, a redelivery returns the first delivery's runs and starts
 * nothing; the same key with other data is refused. `mayEmit` is who may (org:events:emit and the like,
 * unless a feature that emits on a member's behalf, such as an access request, says otherwise).
 */
export async function emitEvent(
  ctx: ServiceContext,
  input: EmitEventInput,
  mayEmit: (tx: ServiceContext, org: Organization) => Promise<void> = assertMayEmit,
): Promise<EmitResult> {
  const data = parseInput(emitEventSchema, input);
  const { type, typeKey } = parseEventType(data.type);
  const warm = ctx.db.isTransaction ? undefined : await resolveOrg(ctx, data.organization);
  // Compiled outside the transaction, the policy is cached; inside, reviewers are then found without a recompile.
  if (warm) await compiledPolicy(ctx, warm.id);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    await mayEmit(tx, org);
    if (data.idempotencyKey !== undefined) {
      const existing = await tx.db
        .selectFrom("workflow_events")
        .selectAll()
        .where("organization_id", "=", org.id)
        .where("idempotency_key", "=", data.idempotencyKey)
        .executeTakeFirst();
      if (existing) {
        if (existing.type_key !== typeKey || canonical(JSON.parse(existing.data)) !== canonical(data.data))
          throw idempotencyMismatch(data.idempotencyKey, existing.id);
        const runs = await tx.db
          .selectFrom("workflow_runs")
          .selectAll()
          .where("event_id", "=", existing.id)
          .orderBy("created_at")
          .orderBy("id")
          .execute();
        return { event: toEvent(existing), runs: await runRecords(tx, runs), duplicate: true };
      }
    }
    const requesterId = await requesterOf(tx, data.requester);
    const now = tx.clock.now();
    const row: EventRow & { type_key: string } = {
      id: newId("wfevt", now),
      organization_id: org.id,
      type,
      type_key: typeKey,
      data: JSON.stringify(data.data),
      idempotency_key: data.idempotencyKey ?? null,
      requester_id: requesterId,
      created_at: now,
    };
    await tx.db.insertInto("workflow_events").values(row).execute();
    const workflows = await triggeredWorkflows(tx, org, typeKey);
    // Read once, and only when a condition names a file set.
    const needsFileSets = workflows.some((w) =>
      [w.condition, ...w.stages.map((s) => s.condition)].some((c) => c?.includes("files:") ?? false),
    );
    const fileSets = needsFileSets ? await fileSetPatterns(tx, org.id) : new Map<string, string[]>();
    const started: string[] = [];
    for (const wf of workflows) {
      if (wf.condition !== null && !evaluateCondition(parseCondition(wf.condition), data.data, fileSets).holds)
        continue;
      started.push(await startRun(tx, org, wf, toEvent(row), requesterId, fileSets));
    }
    await recordAudit(tx, {
      organizationId: org.id,
      action: "event.received",
      target: { type: "event", id: row.id, label: type },
      after: { type, idempotencyKey: row.idempotency_key, subject: subjectOf(data.data), runs: started },
    });
    const runs = started.length
      ? await tx.db
          .selectFrom("workflow_runs")
          .selectAll()
          .where("id", "in", started)
          .orderBy("created_at")
          .orderBy("id")
          .execute()
      : [];
    return { event: toEvent(row), runs: await runRecords(tx, runs), duplicate: false };
  });
}

async function startRun(
  tx: ServiceContext,
  org: Organization,
  wf: Workflow,
  event: EventRecord,
  requesterId: string | null,
  fileSets: ReadonlyMap<string, readonly string[]>,
): Promise<string> {
  if (wf.onApprove === "grant") await checkAccessRequest(tx, org, event.data, requesterId);
  const now = tx.clock.now();
  const subject = subjectOf(event.data);
  const run: WorkflowRunsTable = {
    id: newId("run", now),
    organization_id: org.id,
    workflow_id: wf.id,
    event_id: event.id,
    requester_id: requesterId,
    emitter_id: actingUserId(tx),
    status: "open",
    subject,
    blocked_reason: null,
    outcome_reason: null,
    effect: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  await tx.db.insertInto("workflow_runs").values(run).execute();
  if (wf.stages.length > 0) {
    await tx.db
      .insertInto("run_stages")
      .values(
        wf.stages.map((s) => ({
          id: newId("rstg", now),
          run_id: run.id,
          stage_id: s.id,
          position: s.position,
          name: s.name,
          status: "waiting" as const,
          approvals_needed: s.approvals,
          note: null,
          started_at: null,
          completed_at: null,
          overdue_at: null,
          escalated_at: null,
          definition: JSON.stringify(s),
        })),
      )
      .execute();
  }
  await recordAudit(tx, {
    organizationId: org.id,
    action: "workflow.run_started",
    target: { type: "run", id: run.id, label: runLabel(wf, subject) },
    after: {
      workflow: wf.slug,
      event: event.id,
      eventType: event.type,
      subject,
      requester: requesterId,
      stages: wf.stages.map((s) => s.name),
    },
  });
  await advance(tx, org, wf, run, event.data, fileSets);
  return run.id;
}

export async function cancelRun(ctx: ServiceContext, ref: string, reason?: string): Promise<RunRecord> {
  return inTransaction(ctx, async (tx) => {
    if (!isId(ref.trim(), "run")) throw runNotFound(ref);
    const { run, wf, org } = await runContext(tx, ref.trim());
    const userId = actingUserId(tx);
    const requester = userId !== null && userId === run.requester_id;
    if (!requester) await assertMayManageWorkflows(tx, org, "cancel runs");
    if (run.status !== "open") throw runNotOpen(run.id, run.status);
    const now = tx.clock.now();
    const active = await tx.db
      .selectFrom("run_stages")
      .select("id")
      .where("run_id", "=", run.id)
      .where("status", "in", ["active", "waiting"])
      .execute();
    for (const s of active) await stopStageTimers(tx, wf.id, s.id);
    await tx.db
      .updateTable("run_stages")
      .set({ status: "cancelled", completed_at: now })
      .where("run_id", "=", run.id)
      .where("status", "in", ["active", "waiting"])
      .execute();
    await tx.db
      .updateTable("tasks")
      .set({ status: "cancelled", updated_at: now })
      .where("run_id", "=", run.id)
      .where("status", "=", "open")
      .execute();
    const ended = await tx.db
      .updateTable("workflow_runs")
      .set({
        status: "cancelled",
        outcome_reason: reason?.trim() || null,
        completed_at: now,
        updated_at: now,
        blocked_reason: null,
      })
      .where("id", "=", run.id)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) !== 1) throw runNotOpen(run.id, "no longer open");
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.run_cancelled",
      target: { type: "run", id: run.id, label: runLabel(wf, run.subject) },
      after: { reason: reason?.trim() || null },
    });
    return (
      await runRecords(tx, [
        await tx.db.selectFrom("workflow_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow(),
      ])
    )[0] as RunRecord;
  });
}

/** One run with its stages and tasks. */
export async function getRun(ctx: ServiceContext, ref: string): Promise<RunRecord> {
  const id = ref.trim();
  const row = isId(id, "run")
    ? await ctx.db.selectFrom("workflow_runs").selectAll().where("id", "=", id).executeTakeFirst()
    : undefined;
  if (!row) throw runNotFound(id);
  await assertMayReadWorkflows(ctx, await organizationOf(ctx, row.organization_id, () => runNotFound(id)));
  return (await runRecords(ctx, [row]))[0] as RunRecord;
}

/** Runs of a workflow (or of an organization), newest first. */
export async function listRuns(
  ctx: ServiceContext,
  q: {
    organization?: string | undefined;
    workflow?: string | undefined;
    status?: string | undefined;
    subject?: string | undefined;
    /** Only runs this member asked for (e-mail or user id). */
    requester?: string | undefined;
    limit?: number;
    offset?: number;
  },
): Promise<{ data: RunRecord[]; totalCount: number }> {
  let orgId: string;
  let workflowId: string | undefined;
  if (q.workflow !== undefined) {
    const wf = await resolveWorkflow(ctx, q.workflow, q.organization);
    orgId = wf.organization.id;
    workflowId = wf.id;
  } else if (q.organization !== undefined) {
    orgId = (await resolveOrg(ctx, q.organization)).id;
  } else {
    throw invalidEvent(
      "Name the workflow or the organization whose runs to list (--workflow or --organization).",
      "workflow",
    );
  }
  await assertMayReadWorkflows(ctx, await resolveOrg(ctx, orgId));
  const statuses = q.status === undefined ? undefined : q.status.split(",").map((s) => s.trim().toLowerCase());
  for (const s of statuses ?? []) {
    if (!["open", "approved", "rejected", "cancelled"].includes(s))
      throw invalidEvent(`--status "${s}" is not a run status; use open, approved, rejected or cancelled.`, "status");
  }
  let base = ctx.db.selectFrom("workflow_runs").where("organization_id", "=", orgId);
  if (workflowId) base = base.where("workflow_id", "=", workflowId);
  if (statuses) base = base.where("status", "in", statuses as WorkflowRunsTable["status"][]);
  if (q.subject !== undefined) base = base.where("subject", "=", q.subject);
  if (q.requester !== undefined) base = base.where("requester_id", "=", (await resolveUser(ctx, q.requester)).id);
  const { n } = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit ?? 50)
    .offset(q.offset ?? 0)
    .execute();
  return { data: await runRecords(ctx, rows), totalCount: Number(n) };
}

/** Refuses actors that are not members (decisions are a person's). */
export function assertMember(ctx: ServiceContext, what: string): string {
  const userId = actingUserId(ctx);
  if (userId === null) throw memberRequired(what);
  return userId;
}
