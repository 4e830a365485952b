// The timers of stages: a timeout marks the stage overdue, an escalation hands its open tasks to the
// escalation role. Each handler checks the stage first, so running twice changes nothing the second time.
import type { ServiceContext } from "../../context.js";
import { formatDuration } from "../../duration.js";
import type { Job, JobHandler } from "../jobs/index.js";
import { enqueueEmail } from "../notifications/index.js";
import { resolveUser } from "../users/index.js";
import { chooseReviewers, eligibleReviewers } from "./reviewers.js";
import {
  STAGE_ESCALATE,
  STAGE_TIMEOUT,
  emailOf,
  partiesOf,
  runContext,
  runLabel,
  stageDefinition,
} from "./run.advance.js";
import { announce, runUrl, signalValues } from "./task.signals.js";

/** The job's stage when it is still active in an open run, read under the run's lock (a decision may race the timer). */
async function activeStage(tx: ServiceContext, job: Job) {
  const id = String(job.payload.runStageId ?? "");
  const stage = () => tx.db.selectFrom("run_stages").selectAll().where("id", "=", id).executeTakeFirst();
  const runId = (await stage())?.run_id;
  if (runId === undefined) return undefined;
  const context = await runContext(tx, runId);
  const rs = await stage();
  if (!rs || rs.status !== "active" || rs.started_at === null) return undefined;
  if (context.run.status !== "open") return undefined;
  return { rs, ...context, def: stageDefinition(context.wf, rs) };
}

async function emails(tx: ServiceContext, ids: readonly (string | null)[]): Promise<(string | null)[]> {
  return Promise.all(
    ids.map(async (id) => (id === null ? null : ((await resolveUser(tx, id).catch(() => undefined))?.email ?? id))),
  );
}

/** Stage timeout: the stage is overdue; the run stays open and `stage:overdue` goes out. */
const onTimeout: JobHandler = async (tx, job) => {
  const found = await activeStage(tx, job);
  if (!found || found.rs.overdue_at !== null) return;
  const { rs, run, wf, org, def, data } = found;
  const now = tx.clock.now();
  // Overdue since the deadline, not since this timer ran (it may run late, after downtime or from cron).
  const deadline = def?.timeoutMs != null ? (rs.started_at as number) + def.timeoutMs : now;
  await tx.db
    .updateTable("run_stages")
    .set({ overdue_at: Math.min(deadline, now) })
    .where("id", "=", rs.id)
    .execute();
  const open = await tx.db
    .selectFrom("tasks")
    .select(["id", "assignee_id"])
    .where("run_stage_id", "=", rs.id)
    .where("status", "=", "open")
    .execute();
  const elapsed = now - (rs.started_at as number);
  const assignees = (
    await emails(
      tx,
      open.map((t) => t.assignee_id),
    )
  ).filter((e): e is string => e !== null);
  await announce(tx, {
    organizationId: org.id,
    action: "approval.overdue",
    signal: "stage:overdue",
    target: { type: "run", id: run.id, label: runLabel(wf, run.subject) },
    after: {
      run: run.id,
      workflow: wf.slug,
      stage: rs.name,
      timeout: def?.timeout ?? null,
      elapsedMs: elapsed,
      elapsed: formatDuration(elapsed),
      assignees: await emails(
        tx,
        open.map((t) => t.assignee_id),
      ),
      tasks: open.map((t) => t.id),
    },
    context: {
      workflowId: wf.id,
      values: signalValues({
        workflow: wf,
        organizationSlug: org.slug,
        run: { id: run.id, status: run.status },
        data,
        requester: await emailOf(tx, run.requester_id),
        stage: rs.name,
        assignee: assignees[0] ?? null,
        elapsed: formatDuration(elapsed),
      }),
      assignees,
    },
  });
};

/**
 * Escalation: each open task goes to a member of the escalation role (same strategy, its own rotation),
 * never the requester nor anyone already on the stage; the original assignee stays in the audit event.
 */
const onEscalate: JobHandler = async (tx, job) => {
  const found = await activeStage(tx, job);
  if (!found || found.rs.escalated_at !== null || !found.def?.escalation) return;
  const { rs, run, wf, org, def, data } = found;
  const escalation = def.escalation as NonNullable<typeof def.escalation>;
  const now = tx.clock.now();
  await tx.db.updateTable("run_stages").set({ escalated_at: now }).where("id", "=", rs.id).execute();
  const tasks = await tx.db
    .selectFrom("tasks")
    .selectAll()
    .where("run_stage_id", "=", rs.id)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const open = tasks.filter((t) => t.status === "open");
  const busy = new Set([...partiesOf(run), ...tasks.flatMap((t) => (t.decided_by_id ? [t.decided_by_id] : []))]);
  const pool = await eligibleReviewers(tx, org.id, escalation.escalateTo.id, busy);
  const picked = await chooseReviewers(tx, {
    organizationId: org.id,
    pool: `escalation:${def.id}`,
    strategy: def.strategy,
    candidates: pool,
    count: open.length,
  });
  for (const [i, task] of open.entries()) {
    const to = picked[i];
    if (to)
      await tx.db
        .updateTable("tasks")
        .set({ assignee_id: to.userId, assigned_via: "escalation", escalated: 1, updated_at: now })
        .where("id", "=", task.id)
        .where("status", "=", "open")
        .execute();
    else
      await tx.db
        .updateTable("tasks")
        .set({ escalated: 1, updated_at: now })
        .where("id", "=", task.id)
        .where("status", "=", "open")
        .execute();
    const [from] = await emails(tx, [task.assignee_id]);
    await announce(tx, {
      organizationId: org.id,
      action: "approval.escalated",
      signal: "stage:escalated",
      target: { type: "task", id: task.id, label: runLabel(wf, run.subject) },
      before: { assignee: from ?? null, via: task.assigned_via },
      after: {
        run: run.id,
        workflow: wf.slug,
        stage: rs.name,
        after: escalation.after,
        escalateTo: escalation.escalateTo.key,
        assignee: to?.label ?? null,
        notify: escalation.notify,
        elapsed: formatDuration(now - (rs.started_at as number)),
      },
      context: {
        workflowId: wf.id,
        values: {
          ...signalValues({
            workflow: wf,
            organizationSlug: org.slug,
            run: { id: run.id, status: run.status },
            data,
            requester: await emailOf(tx, run.requester_id),
            stage: rs.name,
            assignee: to?.label ?? null,
            elapsed: formatDuration(now - (rs.started_at as number)),
          }),
          "escalation.notify": escalation.notify,
        },
        assignees: to ? [to.label] : [],
      },
    });
  }
  // The seed's `--notify tech-lead@acme.com`: told by e-mail once per escalation, rule or no rule.
  if (escalation.notify) {
    const label = run.subject ? `${wf.name} #${run.subject}` : wf.name;
    const to = picked.map((p) => p.label).join(", ") || "nobody (no eligible reviewer)";
    const text = `Stage "${rs.name}" of ${label} was not decided within ${escalation.after}; its open tasks went to ${escalation.escalateTo.key}: ${to}.\n\n${runUrl(run.id)}\n`;
    await enqueueEmail(tx, {
      organizationId: org.id,
      source: "stage:escalated",
      to: escalation.notify,
      subject: `[clerk] ${wf.name}: Review escalated - ${rs.name}`,
      text,
      html: null,
    });
  }
  if (open.length > picked.length) {
    const reason = `no eligible reviewer in escalation role ${escalation.escalateTo.key} for stage "${rs.name}"`;
    await tx.db
      .updateTable("workflow_runs")
      .set({ blocked_reason: reason, updated_at: now })
      .where("id", "=", run.id)
      .execute();
  } else if (run.blocked_reason !== null) {
    await tx.db
      .updateTable("workflow_runs")
      .set({ blocked_reason: null, updated_at: now })
      .where("id", "=", run.id)
      .execute();
  }
};

/** The job handlers of workflow runs, by job kind. */
export const TASK_JOB_HANDLERS: Readonly<Record<string, JobHandler>> = Object.freeze({
  [STAGE_TIMEOUT]: onTimeout,
  [STAGE_ESCALATE]: onEscalate,
});
