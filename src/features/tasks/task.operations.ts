// The operations on events, runs, tasks and workflow stats; and the timer queue's manual run.
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import type { ServiceContext } from "../../context.js";
import { operation, pageOf } from "../../operations/index.js";
import { jobSummary, runDueJobs } from "../jobs/index.js";
import { cancelRun, emitEvent, getRun, listRuns, subjectOf } from "./run.service.js";
import { workflowStats } from "./stats.service.js";
import { TASK_JOB_HANDLERS } from "./task.jobs.js";
import { requestAccess } from "./access-request.service.js";
import { assignTask } from "./assign.service.js";
import { approveTask, getTask, listTasks, rejectTask } from "./task.service.js";
import { assertAllowedNow } from "../access/index.js";
import {
  type QueueCounts,
  decidedTaskSchema,
  eventObject,
  eventSchema,
  jobRunSchema,
  jobSummarySchema,
  runObject,
  runSchema,
  statsObject,
  statsSchema,
  taskObject,
  taskSchema,
} from "./task.view.js";

const tag = "Workflow runs";
const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

const eventBody = z
  .object({
    organization_id: z.string(),
    type: z.string(),
    data: jsonObject(262_144).optional(),
    idempotency_key: z.string().optional(),
    requester: z.string().optional(),
  })
  .strict();
const accessParams = z.object({ organization_id: z.string() });
const accessBody = z
  .object({
    permission: z.string().describe("The permission you ask for, org:<feature>:<action>, e.g. org:deploys:write"),
    scope: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe(
        "Limit it to resources: type:id (repository:frontend-app) or type:pattern (repository:*-app); leave out for every resource",
      ),
    duration: z.string().describe("For how long, counted from the approval: e.g. 30m, 1h, 2d"),
    reason: z.string().max(2000).optional().describe("Why you need it, for the people who decide"),
    idempotency_key: z.string().optional(),
  })
  .strict();
const runsQuery = z
  .object({
    ...pageFields,
    organization_id: z.string().optional(),
    workflow: z.string().optional(),
    status: z.string().optional(),
    subject: z.string().optional(),
    requester: z.string().optional().describe("only runs this member asked for (e-mail or user id)"),
  })
  .strict();
const idParams = z.object({ id: z.string() });
const cancelBody = z.object({ reason: z.string().optional() }).strict();
const tasksQuery = z
  .object({
    ...pageFields,
    organization_id: z.string().optional(),
    mine: flag.optional(),
    assignee: z.string().optional(),
    workflow: z.string().optional(),
    status: z.string().optional(),
  })
  .strict();
const approveBody = z.object({ comment: z.string().optional(), form_data: jsonObject().optional() }).strict();
const rejectBody = z.object({ reason: z.string() }).strict();
const assignBody = z
  .object({
    reviewer: z.string(),
    task: z.string().optional(),
    run: z.string().optional(),
    workflow: z.string().optional(),
    organization_id: z.string().optional(),
    pull_request: z.union([z.string(), z.number()]).optional(),
  })
  .strict();
const statsQuery = z.object({ period: z.string().optional(), organization_id: z.string().optional() }).strict();
const jobsBody = z.object({ limit: z.number().int().min(1).max(100_000).optional() }).strict();

function instanceAdminOnly(ctx: ServiceContext): void {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "run the timer queue" });
}

/** The run and task operations, served under /v1 and called by the CLI. */
export const taskOperations = {
  emit: operation(
    {
      method: "POST",
      url: "/events",
      tag,
      summary:
        "Emit an event: starts a run of each active workflow whose trigger and condition match (idempotency_key makes redelivery safe)",
      body: eventBody,
      output: eventSchema,
    },
    async ({ ctx, body }) => {
      const r = await emitEvent(ctx, {
        organization: body.organization_id,
        type: body.type,
        data: body.data,
        idempotencyKey: body.idempotency_key,
        requester: body.requester,
      });
      return eventObject(r, subjectOf(r.event.data));
    },
  ),
  requestAccess: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/access_requests",
      tag,
      summary:
        "Ask for a permission (optionally scoped) for a while, as yourself: starts the organization's access-request workflows (event:access_requested, on_approve: grant) and returns at once; on approval the grant is made",
      params: accessParams,
      body: accessBody,
      output: eventSchema,
    },
    async ({ ctx, params: p, body }) => {
      const r = await requestAccess(ctx, {
        organization: p.organization_id,
        permission: body.permission,
        scope: body.scope,
        duration: body.duration,
        reason: body.reason,
        idempotencyKey: body.idempotency_key,
      });
      return eventObject(r, subjectOf(r.event.data));
    },
  ),
  listRuns: operation(
    {
      method: "GET",
      url: "/runs",
      tag,
      summary: "Runs of a workflow or an organization, newest first (status, subject filters)",
      query: runsQuery,
      output: pageOf(runSchema),
    },
    async ({ ctx, query: q }) => {
      const page = await listRuns(ctx, {
        organization: q.organization_id,
        workflow: q.workflow,
        status: q.status,
        subject: q.subject,
        requester: q.requester,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(runObject), total_count: page.totalCount };
    },
  ),
  getRun: operation(
    {
      method: "GET",
      url: "/runs/:id",
      tag,
      summary: "One run with its stages and tasks",
      params: idParams,
      output: runSchema,
    },
    async ({ ctx, params: p }) => runObject(await getRun(ctx, p.id)),
  ),
  cancelRun: operation(
    {
      method: "POST",
      url: "/runs/:id/cancel",
      tag,
      summary: "Cancel an open run (its requester or a workflow manager)",
      params: idParams,
      body: cancelBody,
      output: runSchema,
    },
    async ({ ctx, params: p, body }) => runObject(await cancelRun(ctx, p.id, body?.reason)),
  ),
  listTasks: operation(
    {
      method: "GET",
      url: "/tasks",
      tag,
      summary: "Tasks: mine=true for the caller's, or an organization's (status defaults to open)",
      query: tasksQuery,
      output: pageOf(taskSchema),
    },
    async ({ ctx, query: q }) => {
      const page = await listTasks(ctx, {
        organization: q.organization_id,
        mine: q.mine,
        assignee: q.assignee,
        workflow: q.workflow,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(taskObject), total_count: page.totalCount };
    },
  ),
  getTask: operation(
    {
      method: "GET",
      url: "/tasks/:id",
      tag,
      summary: "One task",
      params: idParams,
      output: taskSchema,
    },
    async ({ ctx, params: p }) => taskObject(await getTask(ctx, p.id)),
  ),
  approve: operation(
    {
      method: "POST",
      url: "/tasks/:id/approve",
      tag,
      summary: "Approve a task as the acting member (form_data when the stage has a form)",
      params: idParams,
      body: approveBody,
      output: decidedTaskSchema,
    },
    async ({ ctx, params: p, body }) => {
      const r = await approveTask(ctx, p.id, { comment: body?.comment, formData: body?.form_data });
      return { ...taskObject(r.task), run: runObject(r.run) };
    },
  ),
  reject: operation(
    {
      method: "POST",
      url: "/tasks/:id/reject",
      tag,
      summary: "Reject a task, and with it the run, saying why",
      params: idParams,
      body: rejectBody,
      output: decidedTaskSchema,
    },
    async ({ ctx, params: p, body }) => {
      const r = await rejectTask(ctx, p.id, { reason: body.reason });
      return { ...taskObject(r.task), run: runObject(r.run) };
    },
  ),
  assign: operation(
    {
      method: "POST",
      url: "/tasks/assign",
      tag,
      summary: "Assign a reviewer by hand: to a task, a run's open task, or a workflow's run for a pull request",
      body: assignBody,
      output: decidedTaskSchema,
    },
    async ({ ctx, body }) => {
      const r = await assignTask(ctx, {
        reviewer: body.reviewer,
        task: body.task,
        run: body.run,
        workflow: body.workflow,
        organization: body.organization_id,
        pullRequest: body.pull_request === undefined ? undefined : String(body.pull_request),
      });
      return { ...taskObject(r.task), run: runObject(r.run) };
    },
  ),
  stats: operation(
    {
      method: "GET",
      url: "/workflows/:workflow_id/stats",
      tag,
      summary:
        "A workflow's figures for a period (default 30d): outcomes, approval rate, completion times, stages, rejections",
      params: z.object({ workflow_id: z.string() }),
      query: statsQuery,
      output: statsSchema,
    },
    async ({ ctx, params: p, query: q }) => {
      const s = await workflowStats(ctx, p.workflow_id, { period: q.period, organization: q.organization_id });
      return statsObject(s);
    },
  ),
  runJobs: operation(
    {
      method: "POST",
      url: "/jobs/run",
      tag,
      summary: "Run the timers that are due now (clerk serve does this every 250 ms)",
      body: jobsBody,
      output: jobRunSchema,
    },
    async ({ ctx, body }) => {
      instanceAdminOnly(ctx);
      const report = await runDueJobs(ctx, TASK_JOB_HANDLERS, { limit: body?.limit });
      return {
        object: "job_run" as const,
        ran: report.ran,
        retried: report.retried,
        failed: report.failed,
        ...(await summary(ctx)),
      };
    },
  ),
  jobs: operation(
    {
      method: "GET",
      url: "/jobs",
      tag,
      summary: "The timer queue: pending, done, failed and cancelled counts, and the next due time",
      output: jobSummarySchema,
    },
    async ({ ctx }) => {
      instanceAdminOnly(ctx);
      return { object: "job_summary" as const, ...(await summary(ctx)) };
    },
  ),
};

async function summary(ctx: ServiceContext): Promise<QueueCounts> {
  const s = await jobSummary(ctx);
  return { pending: s.pending, done: s.done, failed_total: s.failed, cancelled: s.cancelled, next_due_at: s.nextDueAt };
}
