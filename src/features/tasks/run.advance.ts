// A run's next step: the next stage whose condition holds becomes active and asks its reviewers; with none left, the run is approved.
// whose condition is false, asking each active stage's approvals of reviewers, and ends approved or rejected.
import type { ServiceContext } from "../../context.js";
import type { ClerkError } from "../../errors.js";
import { formatDuration } from "../../duration.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { type JobSpec, cancelJobs, scheduleJobs } from "../jobs/index.js";
import { type Organization, organizationOf } from "../orgs/index.js";
import {
  type Stage,
  type Workflow,
  evaluateCondition,
  fileSetPatterns,
  parseCondition,
  resolveWorkflow,
} from "../workflows/index.js";
import { grantApprovedAccess } from "./access-request.js";
import { chooseReviewers, eligibleReviewers } from "./reviewers.js";
import { runNotFound, runNotOpen } from "./task.errors.js";
import { announce, signalValues } from "./task.signals.js";
import type { RunStagesTable, WorkflowRunsTable } from "./task.table.js";

export const STAGE_TIMEOUT = "stage.timeout";
export const STAGE_ESCALATE = "stage.escalate";

/** One job per kind and run stage; the workflow id is in the key so deleting a workflow can cancel its timers. */
const jobKey = (kind: string, workflowId: string, runStageId: string) => `${kind}:${workflowId}:${runStageId}`;

/**
 * The definition a run's stage follows: the one it was started with (kept on the run stage), so a change to the
 * workflow reaches only runs started after it; runs from before clerk kept it follow the workflow as it is now.
 */
export function stageDefinition(wf: Workflow, rs: RunStagesTable): Stage | undefined {
  if (rs.definition !== null) return JSON.parse(rs.definition) as Stage;
  return wf.stages.find((s) => s.id === rs.stage_id);
}

/** The members who are parties to a run and never review it: its requester and whoever emitted its event. */
export function partiesOf(run: WorkflowRunsTable): Set<string> {
  return new Set([run.requester_id, run.emitter_id].filter((id): id is string => id !== null));
}

/** The run's label in the audit log: `pull-request-approval #123`. */
export const runLabel = (wf: { slug: string }, subject: string | null) =>
  subject ? `${wf.slug} #${subject}` : wf.slug;

/**
 * Moves a run on: the next waiting stage whose condition holds becomes active (the ones before it whose
 * condition is false are recorded as skipped); with none left, the run is approved.
 */
export async function advance(
  tx: ServiceContext,
  org: Organization,
  wf: Workflow,
  run: WorkflowRunsTable,
  data: Record<string, unknown>,
  fileSets?: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  const stages = await tx.db
    .selectFrom("run_stages")
    .selectAll()
    .where("run_id", "=", run.id)
    .where("status", "=", "waiting")
    .orderBy("position")
    .execute();
  let sets = fileSets;
  const label = runLabel(wf, run.subject);
  for (const rs of stages) {
    const def = stageDefinition(wf, rs);
    const now = tx.clock.now();
    let note: string | null = null;
    if (!def) {
      note = "the stage was removed from the workflow";
    } else if (def.condition !== null) {
      sets ??= await fileSetPatterns(tx, org.id);
      const result = evaluateCondition(parseCondition(def.condition), data, sets);
      if (!result.holds) note = `condition ${def.condition} is false (${result.failed})`;
      else if (result.unknownFileSets.length)
        note = `file set(s) ${result.unknownFileSets.join(", ")} do not exist yet, so the condition counts as true`;
      if (result.holds) {
        await activate(tx, org, wf, run, rs, def, note, data);
        return;
      }
    } else {
      await activate(tx, org, wf, run, rs, def, null, data);
      return;
    }
    await tx.db
      .updateTable("run_stages")
      .set({ status: "skipped", note, completed_at: now })
      .where("id", "=", rs.id)
      .execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.stage_skipped",
      target: { type: "run", id: run.id, label },
      after: { stage: rs.name, reason: note },
    });
  }
  const effect = wf.onApprove === "grant" ? await grantApprovedAccess(tx, org, wf, run, data) : null;
  const now = tx.clock.now();
  const approved = await tx.db
    .updateTable("workflow_runs")
    .set({
      status: "approved",
      completed_at: now,
      updated_at: now,
      blocked_reason: null,
      effect: effect && JSON.stringify(effect),
    })
    .where("id", "=", run.id)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (Number(approved.numUpdatedRows) !== 1) throw runNotOpen(run.id, "no longer open");
  const elapsed = formatDuration(now - run.created_at);
  const requester = await emailOf(tx, run.requester_id);
  await announce(tx, {
    organizationId: org.id,
    action: "workflow.run_approved",
    signal: "run:approved",
    target: { type: "run", id: run.id, label },
    after: { workflow: wf.slug, subject: run.subject, elapsedMs: now - run.created_at, elapsed },
    context: {
      workflowId: wf.id,
      values: signalValues({
        workflow: wf,
        organizationSlug: org.slug,
        run: { id: run.id, status: "approved" },
        data,
        requester,
        elapsed,
      }),
      assignees: requester ? [requester] : [],
    },
  });
}

/** Why a stage cannot get all its reviewers, or null when it can. */
function blockedReason(def: Stage, eligible: number): string | null {
  if (def.requiresRole.id === null) return `the role ${def.requiresRole.key} of stage "${def.name}" no longer exists`;
  if (def.strategy === "manual") return null;
  if (eligible === 0)
    return `no eligible reviewer for stage "${def.name}" (it needs a member holding ${def.requiresRole.key} other than the requester)`;
  if (eligible < def.approvals)
    return `only ${eligible} eligible reviewer(s) for stage "${def.name}", which needs ${def.approvals} distinct approvals`;
  return null;
}

/** A user's e-mail, or null. */
export async function emailOf(tx: ServiceContext, userId: string | null): Promise<string | null> {
  if (userId === null) return null;
  return (await tx.db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst())?.email ?? null;
}

async function activate(
  tx: ServiceContext,
  org: Organization,
  wf: Workflow,
  run: WorkflowRunsTable,
  rs: RunStagesTable,
  def: Stage,
  note: string | null,
  data: Record<string, unknown>,
): Promise<void> {
  const now = tx.clock.now();
  await tx.db
    .updateTable("run_stages")
    .set({ status: "active", started_at: now, note })
    .where("id", "=", rs.id)
    .execute();
  const pool = await eligibleReviewers(tx, org.id, def.requiresRole.id, partiesOf(run));
  const picked = await chooseReviewers(tx, {
    organizationId: org.id,
    pool: `stage:${def.id}`,
    strategy: def.strategy,
    candidates: pool,
    count: rs.approvals_needed,
  });
  const label = runLabel(wf, run.subject);
  const requester = picked.length ? await emailOf(tx, run.requester_id) : null;
  for (let i = 0; i < rs.approvals_needed; i++) {
    const reviewer = picked[i];
    const id = newId("task", now);
    await tx.db
      .insertInto("tasks")
      .values({
        id,
        organization_id: org.id,
        run_id: run.id,
        run_stage_id: rs.id,
        assignee_id: reviewer?.userId ?? null,
        assigned_via: def.strategy,
        status: "open",
        decided_by_id: null,
        comment: null,
        reason: null,
        form_data: null,
        escalated: 0,
        created_at: now,
        updated_at: now,
        decided_at: null,
      })
      .execute();
    await announce(tx, {
      organizationId: org.id,
      action: "approval.requested",
      signal: reviewer ? "stage:assigned" : undefined,
      target: { type: "task", id, label },
      after: {
        run: run.id,
        workflow: wf.slug,
        stage: def.name,
        requiresRole: def.requiresRole.key,
        assignee: reviewer?.label ?? null,
        via: def.strategy,
        subject: run.subject,
      },
      context: reviewer
        ? {
            workflowId: wf.id,
            values: signalValues({
              workflow: wf,
              organizationSlug: org.slug,
              run: { id: run.id, status: "open" },
              data,
              requester,
              stage: def.name,
              assignee: reviewer.label,
            }),
            assignees: [reviewer.label],
          }
        : undefined,
    });
  }
  const blocked = blockedReason(def, pool.length);
  if (blocked !== run.blocked_reason)
    await tx.db
      .updateTable("workflow_runs")
      .set({ blocked_reason: blocked, updated_at: now })
      .where("id", "=", run.id)
      .execute();
  if (blocked) {
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.run_blocked",
      target: { type: "run", id: run.id, label },
      after: { stage: def.name, reason: blocked },
    });
  }
  const jobs: JobSpec[] = [];
  const payload = { runStageId: rs.id };
  if (def.timeoutMs !== null)
    jobs.push({
      kind: STAGE_TIMEOUT,
      key: jobKey(STAGE_TIMEOUT, wf.id, rs.id),
      dueAt: now + def.timeoutMs,
      payload,
      organizationId: org.id,
    });
  if (def.escalation)
    jobs.push({
      kind: STAGE_ESCALATE,
      key: jobKey(STAGE_ESCALATE, wf.id, rs.id),
      dueAt: now + def.escalation.afterMs,
      payload,
      organizationId: org.id,
    });
  await scheduleJobs(tx, jobs);
}

/** Ends a stage's timers (it was decided). */
export async function stopStageTimers(tx: ServiceContext, workflowId: string, runStageId: string): Promise<void> {
  await cancelJobs(tx, [jobKey(STAGE_TIMEOUT, workflowId, runStageId), jobKey(STAGE_ESCALATE, workflowId, runStageId)]);
}

/**
 * Locks a run and loads what its next step needs: the run, its workflow, its organization and its event's data.
 * When the actor may not see the run's organization, `notFound` (the error for what the caller named) is thrown.
 * Every decision, cancellation, assignment and timer that changes a run calls this first, inside its transaction,
 * and reads what it decides on (tasks, stages) only after it: the row lock (`FOR UPDATE` where the store has row
 * locks; SQLite's BEGIN IMMEDIATE already serialises writers) makes concurrent changes of one run take turns, and
 * on PostgreSQL (read committed) each read after the lock sees what the previous holder committed.
 */
export async function runContext(
  tx: ServiceContext,
  runId: string,
  notFound: () => ClerkError = () => runNotFound(runId),
): Promise<{ run: WorkflowRunsTable; wf: Workflow; org: Organization; data: Record<string, unknown> }> {
  const query = tx.db.selectFrom("workflow_runs").selectAll().where("id", "=", runId);
  const run = await (tx.dialect.supportsForUpdate ? query.forUpdate() : query).executeTakeFirst();
  if (!run) throw runNotFound(runId);
  const org = await organizationOf(tx, run.organization_id, notFound);
  const wf = await resolveWorkflow(tx, run.workflow_id);
  const event = await tx.db
    .selectFrom("workflow_events")
    .select("data")
    .where("id", "=", run.event_id)
    .executeTakeFirstOrThrow();
  return { run, wf, org, data: JSON.parse(event.data) as Record<string, unknown> };
}

/** Cancels an open run: its open tasks and timers end with it. The requester or a workflow manager may. */
