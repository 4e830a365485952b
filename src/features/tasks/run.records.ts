// Loads runs, their stages and tasks with the names people read (task.view.ts shapes them for the API).
import type { ServiceContext } from "../../context.js";
import type { GrantEffect } from "./access-request.js";
import type { RunStagesTable, TasksTable, WorkflowRunsTable } from "./task.table.js";

/** A task as services return it. */
export interface TaskRecord {
  id: string;
  organizationId: string;
  runId: string;
  runStageId: string;
  workflow: { id: string; slug: string; name: string };
  stage: string;
  subject: string | null;
  assignee: { id: string; email: string } | null;
  assignedVia: TasksTable["assigned_via"];
  status: TasksTable["status"];
  decidedBy: { id: string; email: string } | null;
  comment: string | null;
  reason: string | null;
  formData: Record<string, unknown> | null;
  escalated: boolean;
  overdue: boolean;
  createdAt: number;
  decidedAt: number | null;
}

/** One stage of a run with its tasks. */
export interface RunStageRecord {
  id: string;
  stageId: string | null;
  position: number;
  name: string;
  status: RunStagesTable["status"];
  approvalsNeeded: number;
  approvals: number;
  note: string | null;
  startedAt: number | null;
  completedAt: number | null;
  overdueAt: number | null;
  /** When the stage's timeout makes it overdue (started + timeout), or null when it has none or has not started. */
  dueAt: number | null;
  escalatedAt: number | null;
  tasks: TaskRecord[];
}

/** A run as services return it. */
export interface RunRecord {
  id: string;
  organizationId: string;
  workflow: { id: string; slug: string; name: string };
  event: { id: string; type: string; data: Record<string, unknown> };
  requester: { id: string; email: string } | null;
  status: WorkflowRunsTable["status"];
  subject: string | null;
  blockedReason: string | null;
  outcomeReason: string | null;
  /** What the workflow's on_approve did when the run was approved (the grant made), else null. */
  effect: GrantEffect | null;
  currentStage: string | null;
  stages: RunStageRecord[];
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

/** A started stage's deadline, from the timeout of the definition it runs under. */
function dueAt(s: RunStagesTable): number | null {
  if (s.started_at === null || s.definition === null) return null;
  const timeoutMs = (JSON.parse(s.definition) as { timeoutMs?: number | null }).timeoutMs;
  return typeof timeoutMs === "number" ? s.started_at + timeoutMs : null;
}

async function emails(ctx: ServiceContext, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await ctx.db.selectFrom("users").select(["id", "email"]).where("id", "in", wanted).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}

const person = (id: string | null, names: Map<string, string>) =>
  id === null ? null : { id, email: names.get(id) ?? id };

/** What tasks are shown with: their stages, runs and people, when the caller has them already. */
interface TaskContext {
  stages: { id: string; name: string; overdue_at: number | null }[];
  runs: { id: string; subject: string | null; workflow_id: string; slug: string; name: string }[];
  names: Map<string, string>;
}

function toTaskRecords(rows: readonly TasksTable[], c: TaskContext): TaskRecord[] {
  return rows.map((r) => {
    const stage = c.stages.find((s) => s.id === r.run_stage_id);
    const run = c.runs.find((x) => x.id === r.run_id);
    return {
      id: r.id,
      organizationId: r.organization_id,
      runId: r.run_id,
      runStageId: r.run_stage_id,
      workflow: { id: run?.workflow_id ?? "", slug: run?.slug ?? "", name: run?.name ?? "" },
      stage: stage?.name ?? "",
      subject: run?.subject ?? null,
      assignee: person(r.assignee_id, c.names),
      assignedVia: r.assigned_via,
      status: r.status,
      decidedBy: person(r.decided_by_id, c.names),
      comment: r.comment,
      reason: r.reason,
      formData: r.form_data === null ? null : (JSON.parse(r.form_data) as Record<string, unknown>),
      escalated: r.escalated === 1,
      overdue: r.status === "open" && (stage?.overdue_at ?? null) !== null,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
    };
  });
}

/** Tasks with their workflow, stage and people, in creation order. */
export async function taskRecords(ctx: ServiceContext, rows: readonly TasksTable[]): Promise<TaskRecord[]> {
  if (rows.length === 0) return [];
  const stages = await ctx.db
    .selectFrom("run_stages")
    .select(["id", "name", "overdue_at"])
    .where("id", "in", [...new Set(rows.map((r) => r.run_stage_id))])
    .execute();
  const runs = await ctx.db
    .selectFrom("workflow_runs")
    .innerJoin("workflows", "workflows.id", "workflow_runs.workflow_id")
    .select([
      "workflow_runs.id",
      "workflow_runs.subject",
      "workflows.id as workflow_id",
      "workflows.slug",
      "workflows.name",
    ])
    .where("workflow_runs.id", "in", [...new Set(rows.map((r) => r.run_id))])
    .execute();
  const names = await emails(
    ctx,
    rows.flatMap((r) => [r.assignee_id, r.decided_by_id]),
  );
  return toTaskRecords(rows, { stages, runs, names });
}

/** Runs with their event, stages and tasks. */
export async function runRecords(ctx: ServiceContext, rows: readonly WorkflowRunsTable[]): Promise<RunRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const workflows = await ctx.db
    .selectFrom("workflows")
    .select(["id", "slug", "name"])
    .where("id", "in", [...new Set(rows.map((r) => r.workflow_id))])
    .execute();
  const events = await ctx.db
    .selectFrom("workflow_events")
    .select(["id", "type", "data"])
    .where("id", "in", [...new Set(rows.map((r) => r.event_id))])
    .execute();
  const stages = await ctx.db
    .selectFrom("run_stages")
    .selectAll()
    .where("run_id", "in", ids)
    .orderBy("position")
    .execute();
  const taskRows = await ctx.db
    .selectFrom("tasks")
    .selectAll()
    .where("run_id", "in", ids)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const names = await emails(ctx, [
    ...rows.map((r) => r.requester_id),
    ...taskRows.flatMap((r) => [r.assignee_id, r.decided_by_id]),
  ]);
  const tasks = toTaskRecords(taskRows, {
    stages,
    runs: rows.map((r) => {
      const wf = workflows.find((w) => w.id === r.workflow_id);
      return { id: r.id, subject: r.subject, workflow_id: r.workflow_id, slug: wf?.slug ?? "", name: wf?.name ?? "" };
    }),
    names,
  });
  return rows.map((r) => {
    const wf = workflows.find((w) => w.id === r.workflow_id);
    const ev = events.find((e) => e.id === r.event_id);
    const mine = stages.filter((s) => s.run_id === r.id);
    return {
      id: r.id,
      organizationId: r.organization_id,
      workflow: { id: r.workflow_id, slug: wf?.slug ?? "", name: wf?.name ?? "" },
      event: { id: r.event_id, type: ev?.type ?? "", data: ev ? (JSON.parse(ev.data) as Record<string, unknown>) : {} },
      requester: person(r.requester_id, names),
      status: r.status,
      subject: r.subject,
      blockedReason: r.blocked_reason,
      outcomeReason: r.outcome_reason,
      effect: r.effect === null ? null : (JSON.parse(r.effect) as GrantEffect),
      currentStage: mine.find((s) => s.status === "active")?.name ?? null,
      stages: mine.map((s) => {
        const own = tasks.filter((t) => t.runStageId === s.id);
        return {
          id: s.id,
          stageId: s.stage_id,
          position: s.position,
          name: s.name,
          status: s.status,
          approvalsNeeded: s.approvals_needed,
          approvals: own.filter((t) => t.status === "approved").length,
          note: s.note,
          startedAt: s.started_at,
          completedAt: s.completed_at,
          overdueAt: s.overdue_at,
          dueAt: dueAt(s),
          escalatedAt: s.escalated_at,
          tasks: own,
        };
      }),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      completedAt: r.completed_at,
    };
  });
}
