// `clerk task assign`: a reviewer assigned by hand to a task, a run's open task, or a workflow's run for a pull request.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { resolveUser } from "../users/index.js";
import { assertMayManageWorkflows, resolveWorkflow } from "../workflows/index.js";
import { emailOf, partiesOf, runContext, runLabel, stageDefinition } from "./run.advance.js";
import { alreadyDecided, reviewerNotEligible, runNotFound, runNotOpen } from "./task.errors.js";
import { type AssignInput, assignSchema } from "./task.schema.js";
import { type DecisionResult, decidingRoles, loadTask, mayDecide, record } from "./task.service.js";
import { announce, signalValues } from "./task.signals.js";

async function targetRun(
  tx: ServiceContext,
  a: {
    task?: string | undefined;
    run?: string | undefined;
    workflow?: string | undefined;
    organization?: string | undefined;
    pullRequest?: string | undefined;
  },
) {
  if (a.task !== undefined) return (await loadTask(tx, a.task)).run_id;
  if (a.run !== undefined) {
    if (!isId(a.run, "run")) throw runNotFound(a.run);
    return a.run;
  }
  const wf = await resolveWorkflow(tx, a.workflow as string, a.organization);
  const subject = (a.pullRequest as string).replace(/^#/, "");
  const row = await tx.db
    .selectFrom("workflow_runs")
    .select("id")
    .where("workflow_id", "=", wf.id)
    .where("subject", "=", subject)
    .where("status", "=", "open")
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  if (!row) {
    throw new ClerkError(
      "run.not_found",
      `Workflow ${wf.slug} has no open run for pull request ${subject}. List its runs with: clerk run list --workflow ${wf.slug}`,
      { param: "pull_request" },
    );
  }
  return row.id;
}

/**
 * Assigns a reviewer by hand (the seed's `clerk task assign --workflow … --reviewer … --pull-request 123`):
 * the named task, or the active stage's first unassigned task, else its first open one. The reviewer must
 * be eligible for the stage and must not be the requester; the previous assignee stays in the audit log.
 */
export async function assignTask(ctx: ServiceContext, input: AssignInput): Promise<DecisionResult> {
  const a = parseInput(assignSchema, input);
  return inTransaction(ctx, async (tx) => {
    const runId = await targetRun(tx, a);
    const { run, wf, org, data } = await runContext(tx, runId);
    await assertMayManageWorkflows(tx, org, "assign tasks");
    if (run.status !== "open") throw runNotOpen(run.id, run.status);
    const rs = await tx.db
      .selectFrom("run_stages")
      .selectAll()
      .where("run_id", "=", run.id)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!rs) throw runNotOpen(run.id, "between stages");
    const def = stageDefinition(wf, rs);
    if (!def)
      throw runNotOpen(run.id, `waiting on stage "${rs.name}", which was removed from the workflow; cancel the run`);
    const tasks = await tx.db
      .selectFrom("tasks")
      .selectAll()
      .where("run_stage_id", "=", rs.id)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    const open = tasks.filter((t) => t.status === "open");
    const task =
      a.task !== undefined ? open.find((t) => t.id === a.task) : (open.find((t) => t.assignee_id === null) ?? open[0]);
    if (!task) {
      const given = tasks.find((t) => t.id === a.task);
      if (given) throw alreadyDecided(given.id, given.status, null, given.decided_at);
      throw runNotOpen(run.id, `without open tasks in stage "${rs.name}"`);
    }
    const reviewer = await resolveUser(tx, a.reviewer);
    if (partiesOf(run).has(reviewer.id))
      throw reviewerNotEligible(
        reviewer.email,
        `they ${reviewer.id === run.requester_id ? "requested this run" : "emitted the event that started this run"}, and nobody reviews their own change.`,
      );
    if (!(await mayDecide(tx, org, def, rs, reviewer.id))) {
      throw reviewerNotEligible(
        reviewer.email,
        `stage "${rs.name}" needs a member of ${org.slug} holding ${decidingRoles(def, rs)
          .map((r) => r.key)
          .join(" or ")}.`,
      );
    }
    if (
      tasks.some(
        (t) =>
          t.id !== task.id &&
          (t.decided_by_id === reviewer.id || (t.status === "open" && t.assignee_id === reviewer.id)),
      )
    ) {
      throw reviewerNotEligible(
        reviewer.email,
        `they already have a task in stage "${rs.name}"; each approval needs a different person.`,
      );
    }
    const now = tx.clock.now();
    const assigned = await tx.db
      .updateTable("tasks")
      .set({ assignee_id: reviewer.id, assigned_via: "manual", updated_at: now })
      .where("id", "=", task.id)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(assigned.numUpdatedRows) !== 1) throw alreadyDecided(task.id, "decided", null, null);
    const unassigned = open.filter((t) => t.id !== task.id && t.assignee_id === null).length;
    if (unassigned === 0 && run.blocked_reason !== null)
      await tx.db
        .updateTable("workflow_runs")
        .set({ blocked_reason: null, updated_at: now })
        .where("id", "=", run.id)
        .execute();
    const previous = task.assignee_id
      ? ((await resolveUser(tx, task.assignee_id).catch(() => undefined))?.email ?? task.assignee_id)
      : null;
    await announce(tx, {
      organizationId: org.id,
      action: "approval.assigned",
      signal: "stage:assigned",
      target: { type: "task", id: task.id, label: runLabel(wf, run.subject) },
      before: { assignee: previous, via: task.assigned_via },
      after: {
        run: run.id,
        workflow: wf.slug,
        stage: rs.name,
        assignee: reviewer.email,
        via: "manual",
        subject: run.subject,
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
          assignee: reviewer.email,
        }),
        assignees: [reviewer.email],
      },
    });
    return record(tx, task.id, run.id);
  });
}
