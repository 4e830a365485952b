// Tasks: the approvals a stage asks for. Deciding (approve / reject) under the rules, and lists; assign.service.ts
// assigns them by hand.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { type Organization, organizationOf, resolveOrg } from "../orgs/index.js";
import { resolveUser } from "../users/index.js";
import { type Stage, assertMayReadWorkflows, checkFormData, findForm, resolveWorkflow } from "../workflows/index.js";
import { assertMayApproveAccess } from "./access-request.js";
import { holdsRole } from "./reviewers.js";
import { type RunRecord, type TaskRecord, runRecords, taskRecords } from "./run.records.js";
import { advance, emailOf, runContext, runLabel, stageDefinition, stopStageTimers } from "./run.advance.js";
import { assertMember } from "./run.service.js";
import { alreadyCounted, alreadyDecided, notEligible, runNotOpen, selfApproval, taskNotFound } from "./task.errors.js";
import { type ApproveInput, type RejectInput, approveSchema, rejectSchema } from "./task.schema.js";
import { announce, signalValues } from "./task.signals.js";
import type { RunStagesTable, TasksTable } from "./task.table.js";
import { actingUserId } from "../access/index.js";

/** What a decision returns: the task as decided and the run as it now stands. */
export interface DecisionResult {
  task: TaskRecord;
  run: RunRecord;
}

/** A task row by id, or task.not_found. */
export async function loadTask(tx: ServiceContext, ref: string): Promise<TasksTable> {
  const id = ref.trim();
  const row = isId(id, "task")
    ? await tx.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst()
    : undefined;
  if (!row) throw taskNotFound(id);
  return row;
}

/** The roles whose holders may decide a stage's tasks: the stage's, and its escalation role once it escalated. */
export function decidingRoles(def: Stage, rs: RunStagesTable): { id: string | null; key: string }[] {
  const roles = [def.requiresRole];
  if (def.escalation && rs.escalated_at !== null) roles.push(def.escalation.escalateTo);
  return roles;
}

/** Whether a user holds a role that may decide this stage's tasks now. */
export async function mayDecide(
  tx: ServiceContext,
  org: Organization,
  def: Stage,
  rs: RunStagesTable,
  userId: string,
): Promise<boolean> {
  for (const role of decidingRoles(def, rs)) if (await holdsRole(tx, org.id, role.id, userId)) return true;
  return false;
}

/** A decided or assigned task with its run, as the decision answers. */
export async function record(tx: ServiceContext, taskId: string, runId: string): Promise<DecisionResult> {
  const task = (await taskRecords(tx, [await loadTask(tx, taskId)]))[0] as TaskRecord;
  const run = (
    await runRecords(tx, [
      await tx.db.selectFrom("workflow_runs").selectAll().where("id", "=", runId).executeTakeFirstOrThrow(),
    ])
  )[0] as RunRecord;
  return { task, run };
}

/**
 * Decides a task. The rules: only a member decides; only the assignee or a holder of the stage's role (or,
 * once escalated, of the escalation role) may; the requester never approves their own run; one person counts
 * once per stage; a decision is final. When a holder decides while holding another open task of the same
 * stage, it is their own task that is decided.
 */
async function decide(
  ctx: ServiceContext,
  ref: string,
  verdict: "approved" | "rejected",
  extra: { comment?: string | undefined; reason?: string | undefined; formData?: Record<string, unknown> | undefined },
): Promise<DecisionResult> {
  return inTransaction(ctx, async (tx) => {
    const actorId = assertMember(tx, verdict === "approved" ? "approve a task" : "reject a task");
    const found = await loadTask(tx, ref);
    const { run, wf, org, data } = await runContext(tx, found.run_id, () => taskNotFound(ref));
    // Everything decided on is read after the run's lock, so a decision committed meanwhile is seen here.
    const given = await loadTask(tx, found.id);
    const rs = await tx.db
      .selectFrom("run_stages")
      .selectAll()
      .where("id", "=", given.run_stage_id)
      .executeTakeFirstOrThrow();
    const stageTasks = await tx.db.selectFrom("tasks").selectAll().where("run_stage_id", "=", rs.id).execute();
    if (given.status !== "open") {
      const by = given.decided_by_id
        ? ((await resolveUser(tx, given.decided_by_id).catch(() => undefined))?.email ?? null)
        : null;
      throw alreadyDecided(given.id, given.status, by, given.decided_at);
    }
    if (run.status !== "open") throw runNotOpen(run.id, run.status);
    if (rs.status !== "active") throw runNotOpen(run.id, `past stage "${rs.name}" (${rs.status})`);
    const def = stageDefinition(wf, rs);
    if (!def)
      throw runNotOpen(run.id, `waiting on stage "${rs.name}", which was removed from the workflow; cancel the run`);
    if (run.requester_id === actorId) throw selfApproval(tx.actor.label, run.id, verdict);
    if (run.emitter_id === actorId)
      throw selfApproval(tx.actor.label, run.id, verdict, "emitted the event that started");
    if (stageTasks.some((t) => t.decided_by_id === actorId)) throw alreadyCounted(tx.actor.label, rs.name);
    const own = stageTasks.find((t) => t.status === "open" && t.assignee_id === actorId);
    const task = own ?? given;
    if (task.assignee_id !== actorId && !(await mayDecide(tx, org, def, rs, actorId))) {
      throw notEligible(
        tx.actor.label,
        given.id,
        decidingRoles(def, rs).map((r) => r.key),
      );
    }
    // An access request: whoever approves must be able to grant it themselves (the escalation guard).
    if (verdict === "approved" && wf.onApprove === "grant") await assertMayApproveAccess(tx, org, data);
    const form =
      verdict === "approved" && def.form !== null
        ? checkFormData(await findForm(tx, org, def.form), extra.formData)
        : null;
    const now = tx.clock.now();
    const decided = await tx.db
      .updateTable("tasks")
      .set({
        status: verdict,
        decided_by_id: actorId,
        decided_at: now,
        updated_at: now,
        comment: extra.comment ?? null,
        reason: extra.reason ?? null,
        form_data: form ? JSON.stringify(form) : null,
      })
      .where("id", "=", task.id)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) throw alreadyDecided(task.id, "decided", null, null);
    const label = runLabel(wf, run.subject);
    const assignee = task.assignee_id
      ? ((await resolveUser(tx, task.assignee_id).catch(() => undefined))?.email ?? null)
      : null;
    await announce(tx, {
      organizationId: org.id,
      action: verdict === "approved" ? "approval.granted" : "approval.rejected",
      target: { type: "task", id: task.id, label },
      after: {
        run: run.id,
        workflow: wf.slug,
        stage: rs.name,
        assignee,
        decidedBy: tx.actor.label,
        comment: extra.comment ?? null,
        reason: extra.reason ?? null,
        form,
      },
    });
    const others = stageTasks.filter((t) => t.id !== task.id && t.status === "open").map((t) => t.id);
    if (verdict === "rejected") {
      if (others.length)
        await tx.db
          .updateTable("tasks")
          .set({ status: "cancelled", updated_at: now })
          .where("id", "in", others)
          .execute();
      await tx.db
        .updateTable("run_stages")
        .set({ status: "rejected", completed_at: now })
        .where("id", "=", rs.id)
        .execute();
      await tx.db
        .updateTable("run_stages")
        .set({ status: "cancelled", completed_at: now })
        .where("run_id", "=", run.id)
        .where("status", "=", "waiting")
        .execute();
      await stopStageTimers(tx, wf.id, rs.id);
      const ended = await tx.db
        .updateTable("workflow_runs")
        .set({
          status: "rejected",
          outcome_reason: extra.reason ?? null,
          completed_at: now,
          updated_at: now,
          blocked_reason: null,
        })
        .where("id", "=", run.id)
        .where("status", "=", "open")
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) !== 1) throw runNotOpen(run.id, "no longer open");
      await announce(tx, {
        organizationId: org.id,
        action: "workflow.run_rejected",
        signal: "run:rejected",
        target: { type: "run", id: run.id, label },
        after: {
          workflow: wf.slug,
          subject: run.subject,
          stage: rs.name,
          reason: extra.reason ?? null,
          rejectedBy: tx.actor.label,
        },
        context: await (async () => {
          const requester = await emailOf(tx, run.requester_id);
          return {
            workflowId: wf.id,
            values: signalValues({
              workflow: wf,
              organizationSlug: org.slug,
              run: { id: run.id, status: "rejected" },
              data,
              requester,
              stage: rs.name,
              assignee: tx.actor.label,
              reason: extra.reason ?? null,
            }),
            assignees: requester ? [requester] : [],
          };
        })(),
      });
      return record(tx, task.id, run.id);
    }
    const approvals = stageTasks.filter((t) => t.status === "approved").length + 1;
    if (approvals >= rs.approvals_needed) {
      if (others.length)
        await tx.db
          .updateTable("tasks")
          .set({ status: "cancelled", updated_at: now })
          .where("id", "in", others)
          .execute();
      await tx.db
        .updateTable("run_stages")
        .set({ status: "approved", completed_at: now })
        .where("id", "=", rs.id)
        .execute();
      await stopStageTimers(tx, wf.id, rs.id);
      await tx.db
        .updateTable("workflow_runs")
        .set({ blocked_reason: null, updated_at: now })
        .where("id", "=", run.id)
        .execute();
      await advance(tx, org, wf, { ...run, blocked_reason: null }, data);
    }
    return record(tx, task.id, run.id);
  });
}

/** Approves a task (with form data when its stage has a form). */
export async function approveTask(ctx: ServiceContext, ref: string, input: ApproveInput = {}): Promise<DecisionResult> {
  const data = parseInput(approveSchema, input);
  return decide(ctx, ref, "approved", { comment: data.comment, formData: data.formData });
}

/** Rejects a task, and with it the run; the reason is kept for the requester and the stats. */
export async function rejectTask(ctx: ServiceContext, ref: string, input: RejectInput): Promise<DecisionResult> {
  const data = parseInput(rejectSchema, input);
  return decide(ctx, ref, "rejected", { reason: data.reason });
}

/** Which tasks to list. */
export interface TaskQuery {
  organization?: string | undefined;
  /** Only the acting member's. */
  mine?: boolean | undefined;
  assignee?: string | undefined;
  workflow?: string | undefined;
  /** Comma-separated statuses; default open. */
  status?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

const TASK_STATUSES = ["open", "approved", "rejected", "cancelled"] as const;

/** Tasks, oldest open first: the acting member's (`mine`), an assignee's, or an organization's. */
export async function listTasks(
  ctx: ServiceContext,
  q: TaskQuery,
): Promise<{ data: TaskRecord[]; totalCount: number }> {
  const statuses = (q.status ?? "open")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  for (const s of statuses) {
    if (!(TASK_STATUSES as readonly string[]).includes(s))
      throw new ClerkError("input.invalid", `--status "${s}" is not a task status; use ${TASK_STATUSES.join(", ")}.`, {
        param: "status",
      });
  }
  let base = ctx.db.selectFrom("tasks").where("status", "in", statuses as TasksTable["status"][]);
  if (q.mine) base = base.where("assignee_id", "=", assertMember(ctx, "list their own tasks (--mine)"));
  if (q.assignee !== undefined) base = base.where("assignee_id", "=", (await resolveUser(ctx, q.assignee)).id);
  if (q.workflow !== undefined) {
    const wf = await resolveWorkflow(ctx, q.workflow, q.organization);
    await assertMayReadWorkflows(ctx, await resolveOrg(ctx, wf.organization.id));
    base = base.where("run_id", "in", ctx.db.selectFrom("workflow_runs").select("id").where("workflow_id", "=", wf.id));
  } else if (q.organization !== undefined) {
    const org = await resolveOrg(ctx, q.organization);
    if (!q.mine) await assertMayReadWorkflows(ctx, org);
    base = base.where("organization_id", "=", org.id);
  } else if (!q.mine) {
    throw new ClerkError(
      "input.invalid",
      "Name the organization whose tasks to list (--organization), or list your own with --mine.",
      { param: "organization" },
    );
  }
  const { n } = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy("created_at")
    .orderBy("id")
    .limit(q.limit ?? 100)
    .offset(q.offset ?? 0)
    .execute();
  return { data: await taskRecords(ctx, rows), totalCount: Number(n) };
}

/** One task, readable by its assignee and by whoever may read the organization's workflows. */
export async function getTask(ctx: ServiceContext, ref: string): Promise<TaskRecord> {
  const row = await loadTask(ctx, ref);
  if (row.assignee_id === null || actingUserId(ctx) !== row.assignee_id)
    await assertMayReadWorkflows(ctx, await organizationOf(ctx, row.organization_id, () => taskNotFound(ref)));
  return (await taskRecords(ctx, [row]))[0] as TaskRecord;
}
