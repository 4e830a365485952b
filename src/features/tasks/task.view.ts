// The API's event, run, task, statistics and timer-queue objects, and their schemas.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { RunRecord, TaskRecord } from "./run.records.js";
import type { EmitResult } from "./run.service.js";
import type { WorkflowStats } from "./stats.service.js";

const RUN_STATUSES = ["open", "approved", "rejected", "cancelled"] as const;
const STAGE_STATUSES = ["waiting", "active", "skipped", "approved", "rejected", "cancelled"] as const;

const workflowRef = z.object({ id: z.string(), slug: z.string(), name: z.string() });
const duration = z.number().int().nullable().describe("Milliseconds, or null when nothing was counted");

/** `object: "task"`: one approval a stage asks of one reviewer. */
export const taskSchema = z.object({
  object: z.literal("task"),
  id: z.string(),
  organization_id: z.string(),
  run_id: z.string(),
  workflow: workflowRef,
  stage: z.string().describe("The stage's name"),
  subject: z.string().nullable().describe("What the run is about, e.g. a pull request number"),
  assignee: z.string().nullable().describe("The reviewer's e-mail; null while unassigned"),
  assigned_via: z.enum(["round-robin", "least-loaded", "manual", "escalation"]),
  status: z.enum(RUN_STATUSES),
  decided_by: z.string().nullable().describe("The e-mail of who approved or rejected it"),
  comment: z.string().nullable(),
  reason: z.string().nullable().describe("Why it was rejected"),
  form_data: z.record(z.string(), z.unknown()).nullable().describe("The stage's form as the approver filled it in"),
  escalated: z.boolean(),
  overdue: z.boolean(),
  created_at: millis,
  decided_at: millis.nullable(),
});

export type TaskObject = z.infer<typeof taskSchema>;

export function taskObject(t: TaskRecord): TaskObject {
  return {
    object: "task",
    id: t.id,
    organization_id: t.organizationId,
    run_id: t.runId,
    workflow: t.workflow,
    stage: t.stage,
    subject: t.subject,
    assignee: t.assignee?.email ?? null,
    assigned_via: t.assignedVia,
    status: t.status,
    decided_by: t.decidedBy?.email ?? null,
    comment: t.comment,
    reason: t.reason,
    form_data: t.formData,
    escalated: t.escalated,
    overdue: t.overdue,
    created_at: t.createdAt,
    decided_at: t.decidedAt,
  };
}

/** One stage of a run, with its tasks. */
const runStageSchema = z.object({
  name: z.string(),
  position: z.number().int(),
  status: z.enum(STAGE_STATUSES),
  approvals_needed: z.number().int(),
  approvals: z.number().int().describe("Approvals given so far"),
  note: z.string().nullable().describe("Why it was skipped or how it ended"),
  started_at: millis.nullable(),
  completed_at: millis.nullable(),
  due_at: millis.nullable().describe("The deadline: when the stage's timeout makes it overdue (null: no timeout)"),
  overdue_at: millis.nullable().describe("When it went overdue"),
  escalated_at: millis.nullable(),
  tasks: z.array(taskSchema),
});

/** `object: "workflow_run"`: one workflow's progress on one event. */
export const runSchema = z.object({
  object: z.literal("workflow_run"),
  id: z.string(),
  organization_id: z.string(),
  workflow: workflowRef,
  event: z.object({ id: z.string(), type: z.string(), data: z.record(z.string(), z.unknown()) }),
  requester: z.string().nullable().describe("The requester's e-mail"),
  status: z.enum(RUN_STATUSES),
  subject: z.string().nullable(),
  blocked: z.boolean().describe("True when no one can approve its current stage"),
  blocked_reason: z.string().nullable(),
  outcome_reason: z.string().nullable(),
  current_stage: z.string().nullable(),
  granted: z
    .object({
      member: z.string().describe("Who was given the access (the requester's e-mail)"),
      permission: z.string(),
      scopes: z.array(z.string()).describe("Empty: every resource"),
      expires_at: millis.nullable().describe("When the grant ends; null if the member already held it for good"),
      approved_by: z.array(z.string()).describe("The e-mails of the people who approved"),
    })
    .nullable()
    .describe("The grant this run's approval made (a workflow with on_approve: grant); null otherwise"),
  stages: z.array(runStageSchema),
  created_at: millis,
  updated_at: millis,
  completed_at: millis.nullable(),
});

export type RunObject = z.infer<typeof runSchema>;

export function runObject(r: RunRecord): RunObject {
  return {
    object: "workflow_run",
    id: r.id,
    organization_id: r.organizationId,
    workflow: r.workflow,
    event: r.event,
    requester: r.requester?.email ?? null,
    status: r.status,
    subject: r.subject,
    blocked: r.blockedReason !== null,
    blocked_reason: r.blockedReason,
    outcome_reason: r.outcomeReason,
    current_stage: r.currentStage,
    granted: r.effect && {
      member: r.effect.member,
      permission: r.effect.permission,
      scopes: r.effect.scopes,
      expires_at: r.effect.expires_at,
      approved_by: r.effect.approved_by,
    },
    stages: r.stages.map((s) => ({
      name: s.name,
      position: s.position,
      status: s.status,
      approvals_needed: s.approvalsNeeded,
      approvals: s.approvals,
      note: s.note,
      started_at: s.startedAt,
      completed_at: s.completedAt,
      due_at: s.dueAt,
      overdue_at: s.overdueAt,
      escalated_at: s.escalatedAt,
      tasks: s.tasks.map(taskObject),
    })),
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    completed_at: r.completedAt,
  };
}

/** A task with the run it belongs to, as a decision or an assignment answers. */
export const decidedTaskSchema = taskSchema.extend({ run: runSchema });

/** `object: "event"`: what emitting an event did. */
export const eventSchema = z.object({
  object: z.literal("event"),
  id: z.string(),
  organization_id: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  subject: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  duplicate: z.boolean().describe("True for a redelivery: the runs are those the first delivery started"),
  runs: z.array(runSchema),
  created_at: millis,
});

export type EventObject = z.infer<typeof eventSchema>;

export function eventObject(r: EmitResult, subject: string | null): EventObject {
  return {
    object: "event",
    id: r.event.id,
    organization_id: r.event.organizationId,
    type: r.event.type,
    data: r.event.data,
    subject,
    idempotency_key: r.event.idempotencyKey,
    duplicate: r.duplicate,
    runs: r.runs.map(runObject),
    created_at: r.event.createdAt,
  };
}

/** `object: "workflow_stats"`: a workflow's figures over the runs started in a period. */
export const statsSchema = z.object({
  object: z.literal("workflow_stats"),
  workflow: workflowRef,
  period: z.string().describe("e.g. 30d"),
  from: millis,
  to: millis,
  runs: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  open: z.number().int(),
  cancelled: z.number().int(),
  approval_rate: z.number().nullable().describe("approved / (approved + rejected), null when nothing was decided"),
  completion_ms: z.object({ average: duration, p50: duration, p90: duration }),
  stages: z.array(z.object({ name: z.string(), completed: z.number().int(), average_ms: duration })),
  overdue: z.number().int(),
  escalations: z.number().int(),
  top_rejection_reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
});

export type StatsObject = z.infer<typeof statsSchema>;

export function statsObject(s: WorkflowStats): StatsObject {
  return {
    object: "workflow_stats",
    workflow: s.workflow,
    period: s.period,
    from: s.from,
    to: s.to,
    runs: s.runs,
    approved: s.approved,
    rejected: s.rejected,
    open: s.open,
    cancelled: s.cancelled,
    approval_rate: s.approvalRate,
    completion_ms: { average: s.completion.averageMs, p50: s.completion.p50Ms, p90: s.completion.p90Ms },
    stages: s.stages.map((x) => ({ name: x.name, completed: x.completed, average_ms: x.averageMs })),
    overdue: s.overdue,
    escalations: s.escalations,
    top_rejection_reasons: s.topRejectionReasons,
  };
}

/** The timer queue's counts. */
const queueShape = {
  pending: z.number().int(),
  done: z.number().int(),
  failed_total: z.number().int().describe("Timers that failed for good"),
  cancelled: z.number().int(),
  next_due_at: millis.nullable(),
};

export type QueueCounts = z.infer<z.ZodObject<typeof queueShape>>;

/** `object: "job_summary"`: the timer queue by state. */
export const jobSummarySchema = z.object({ object: z.literal("job_summary"), ...queueShape });

/** `object: "job_run"`: what one pass over the due timers did, and the queue after it. */
export const jobRunSchema = z.object({
  object: z.literal("job_run"),
  ran: z.number().int(),
  retried: z.number().int().describe("Failed this time, to be tried again"),
  failed: z.number().int().describe("Failed for good this time"),
  ...queueShape,
});
