// What the health report asks of workflows: runs blocked for lack of eligible reviewers, and overdue stages.
import type { ServiceContext } from "../../context.js";
import { formatDuration } from "../../duration.js";

/** A run that cannot get its reviewers. */
export interface BlockedRunFinding {
  check: "workflow.blocked";
  organization: string;
  summary: string;
  fix: string[];
  run: string;
  workflow: string;
  stage: string | null;
  reason: string;
}

/** A stage past its timeout with tasks still open. */
export interface OverdueTaskFinding {
  check: "task.overdue";
  organization: string;
  summary: string;
  fix: string[];
  run: string;
  workflow: string;
  stage: string;
  overdue_since: number;
  tasks: { id: string; assignee: string | null }[];
}

async function openRuns(ctx: ServiceContext, organizationId: string) {
  return ctx.db
    .selectFrom("workflow_runs")
    .innerJoin("workflows", "workflows.id", "workflow_runs.workflow_id")
    .select(["workflow_runs.id", "workflow_runs.subject", "workflow_runs.blocked_reason", "workflows.slug"])
    .where("workflow_runs.organization_id", "=", organizationId)
    .where("workflow_runs.status", "=", "open")
    .orderBy("workflow_runs.created_at")
    .execute();
}

/** Open runs that are blocked, each with the commands that unblock it. */
export async function blockedRunFindings(
  ctx: ServiceContext,
  org: { id: string; slug: string },
): Promise<BlockedRunFinding[]> {
  const runs = (await openRuns(ctx, org.id)).filter((r) => r.blocked_reason !== null);
  const out: BlockedRunFinding[] = [];
  for (const r of runs) {
    const stage = await ctx.db
      .selectFrom("run_stages")
      .innerJoin("workflow_stages", "workflow_stages.id", "run_stages.stage_id")
      .select(["run_stages.name", "workflow_stages.requires_role_key"])
      .where("run_stages.run_id", "=", r.id)
      .where("run_stages.status", "=", "active")
      .executeTakeFirst();
    const label = r.subject ? `${r.slug} #${r.subject}` : r.slug;
    out.push({
      check: "workflow.blocked",
      organization: org.slug,
      summary: `Run ${r.id} (${label}) is blocked: ${r.blocked_reason}.`,
      fix: [
        `clerk org member add --organization "${org.slug}" --email <reviewer> --role "${stage?.requires_role_key ?? "<role>"}"`,
        `clerk task assign --run ${r.id} --reviewer <member holding ${stage?.requires_role_key ?? "the role"}>`,
      ],
      run: r.id,
      workflow: r.slug,
      stage: stage?.name ?? null,
      reason: r.blocked_reason as string,
    });
  }
  return out;
}

/** Active stages past their timeout that still have open tasks. */
export async function overdueTaskFindings(
  ctx: ServiceContext,
  org: { id: string; slug: string },
): Promise<OverdueTaskFinding[]> {
  const rows = await ctx.db
    .selectFrom("run_stages")
    .innerJoin("workflow_runs", "workflow_runs.id", "run_stages.run_id")
    .innerJoin("workflows", "workflows.id", "workflow_runs.workflow_id")
    .select([
      "run_stages.id",
      "run_stages.name",
      "run_stages.overdue_at",
      "workflow_runs.id as run_id",
      "workflow_runs.subject",
      "workflows.slug",
    ])
    .where("workflow_runs.organization_id", "=", org.id)
    .where("workflow_runs.status", "=", "open")
    .where("run_stages.status", "=", "active")
    .where("run_stages.overdue_at", "is not", null)
    .orderBy("run_stages.overdue_at")
    .execute();
  const now = ctx.clock.now();
  const out: OverdueTaskFinding[] = [];
  for (const r of rows) {
    const tasks = await ctx.db
      .selectFrom("tasks")
      .leftJoin("users", "users.id", "tasks.assignee_id")
      .select(["tasks.id", "users.email"])
      .where("tasks.run_stage_id", "=", r.id)
      .where("tasks.status", "=", "open")
      .execute();
    const label = r.subject ? `${r.slug} #${r.subject}` : r.slug;
    const who = tasks.map((t) => t.email ?? "unassigned").join(", ");
    out.push({
      check: "task.overdue",
      organization: org.slug,
      summary: `Stage "${r.name}" of ${label} is overdue by ${formatDuration(now - (r.overdue_at as number))} (waiting on ${who}).`,
      fix: [
        `clerk task assign --run ${r.run_id} --reviewer <another reviewer>`,
        `clerk workflow escalation set --workflow ${r.slug} --stage "${r.name}" --after 48h --escalate-to <role>`,
      ],
      run: r.run_id,
      workflow: r.slug,
      stage: r.name,
      overdue_since: r.overdue_at as number,
      tasks: tasks.map((t) => ({ id: t.id, assignee: t.email })),
    });
  }
  return out;
}
