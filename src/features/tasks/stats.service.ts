// `clerk workflow stats`: a workflow's figures over a period (runs started in it), from the store.
import type { ServiceContext } from "../../context.js";
import { parseDurationMs } from "../../duration.js";
import { ClerkError } from "../../errors.js";
import { resolveOrg } from "../orgs/index.js";
import { assertMayReadWorkflows, resolveWorkflow } from "../workflows/index.js";
import { type WorkflowFigures, computeFigures } from "./stats.js";

/** A workflow's statistics for a period ending now. */
export interface WorkflowStats extends WorkflowFigures {
  workflow: { id: string; slug: string; name: string };
  period: string;
  from: number;
  to: number;
}

export async function workflowStats(
  ctx: ServiceContext,
  ref: string,
  options: { period?: string | undefined; organization?: string | undefined } = {},
): Promise<WorkflowStats> {
  const period = (options.period ?? "30d").trim().toLowerCase();
  const span = parseDurationMs(period);
  if (span === undefined)
    throw new ClerkError(
      "workflow.invalid_duration",
      `--period "${options.period}" is not a period; use e.g. 7d, 30d or 12h.`,
      { param: "period" },
    );
  const wf = await resolveWorkflow(ctx, ref, options.organization);
  await assertMayReadWorkflows(ctx, await resolveOrg(ctx, wf.organization.id));
  const to = ctx.clock.now();
  const from = to - span;
  const runs = await ctx.db
    .selectFrom("workflow_runs")
    .select(["id", "status", "created_at", "completed_at", "outcome_reason"])
    .where("workflow_id", "=", wf.id)
    .where("created_at", ">=", from)
    .where("created_at", "<=", to)
    .execute();
  const stages = runs.length
    ? await ctx.db
        .selectFrom("run_stages")
        .innerJoin("workflow_runs", "workflow_runs.id", "run_stages.run_id")
        .select([
          "run_stages.name",
          "run_stages.position",
          "run_stages.status",
          "run_stages.started_at",
          "run_stages.completed_at",
          "run_stages.overdue_at",
          "run_stages.escalated_at",
        ])
        .where("workflow_runs.workflow_id", "=", wf.id)
        .where("workflow_runs.created_at", ">=", from)
        .where("workflow_runs.created_at", "<=", to)
        .execute()
    : [];
  const figures = computeFigures(
    runs.map((r) => ({
      status: r.status,
      createdAt: r.created_at,
      completedAt: r.completed_at,
      outcomeReason: r.outcome_reason,
    })),
    stages.map((s) => ({
      name: s.name,
      position: s.position,
      status: s.status,
      startedAt: s.started_at,
      completedAt: s.completed_at,
      overdue: s.overdue_at !== null,
      escalated: s.escalated_at !== null,
    })),
  );
  return { workflow: { id: wf.id, slug: wf.slug, name: wf.name }, period, from, to, ...figures };
}
