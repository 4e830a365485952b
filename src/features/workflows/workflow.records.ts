// Workflow definitions as services return them: loaded with their stages, found by id, slug or name.
import type { ServiceContext } from "../../context.js";
import { isId } from "../../ids.js";
import { type Organization, organizationOf, resolveOrg, slugify, visibleOrgIds } from "../orgs/index.js";
import { workflowAmbiguous, workflowNotFound } from "./workflow.errors.js";
import { assertMayReadWorkflows } from "./workflow.guards.js";
import {
  type StageRow,
  type WorkflowRow,
  findWorkflowRow,
  stageRowsOf,
  triggeredRows,
  workflowCount,
  workflowRowsNamed,
  workflowRowsOf,
} from "./workflow.repository.js";

/** A stage as services return it. */
export interface Stage {
  id: string;
  position: number;
  name: string;
  requiresRole: { id: string | null; key: string };
  condition: string | null;
  timeout: string | null;
  timeoutMs: number | null;
  approvals: number;
  form: string | null;
  strategy: "round-robin" | "least-loaded" | "manual";
  escalation: {
    after: string;
    afterMs: number;
    escalateTo: { id: string | null; key: string };
    notify: string | null;
  } | null;
}

/** A workflow as services return it. */
export interface Workflow {
  id: string;
  organization: { id: string; slug: string; name: string };
  name: string;
  slug: string;
  description: string;
  trigger: string;
  triggerType: string;
  condition: string | null;
  status: "active" | "paused";
  /** What an approved run does: `grant` gives the requester the access the event asked for; null, nothing. */
  onApprove: "grant" | null;
  stages: Stage[];
  createdAt: number;
  updatedAt: number;
}

/** A definition change, with what the caller should know (a condition naming a file set not defined yet). */
export interface WithWarnings<T> {
  value: T;
  warnings: string[];
}

function toStage(r: StageRow): Stage {
  return {
    id: r.id,
    position: r.position,
    name: r.name,
    requiresRole: { id: r.requires_role_id, key: r.requires_role_key },
    condition: r.condition,
    timeout: r.timeout,
    timeoutMs: r.timeout_ms,
    approvals: r.approvals,
    form: r.form,
    strategy: r.strategy,
    escalation:
      r.escalate_after !== null && r.escalate_after_ms !== null && r.escalate_to_role_key !== null
        ? {
            after: r.escalate_after,
            afterMs: r.escalate_after_ms,
            escalateTo: { id: r.escalate_to_role_id, key: r.escalate_to_role_key },
            notify: r.escalate_notify,
          }
        : null,
  };
}

/** Workflows with their stages, from rows of one organization. */
async function toWorkflows(ctx: ServiceContext, org: Organization, rows: readonly WorkflowRow[]): Promise<Workflow[]> {
  const stages = await stageRowsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    organization: { id: org.id, slug: org.slug, name: org.name },
    name: r.name,
    slug: r.slug,
    description: r.description,
    trigger: r.trigger,
    triggerType: r.trigger_type,
    condition: r.condition,
    status: r.status,
    onApprove: r.on_approve ?? null,
    stages: stages.filter((s) => s.workflow_id === r.id).map(toStage),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** One workflow with its stages. */
export async function toWorkflow(ctx: ServiceContext, org: Organization, row: WorkflowRow): Promise<Workflow> {
  return (await toWorkflows(ctx, org, [row]))[0] as Workflow;
}

/**
 * Finds a workflow by id, slug or name: in the organization when one is given, else anywhere it is
 * unambiguous (the seed's `--workflow "pull-request-approval"` names no organization).
 */
export async function resolveWorkflow(
  ctx: ServiceContext,
  ref: string,
  organization?: string | null,
): Promise<Workflow> {
  const value = ref.trim();
  if (organization) {
    const org = await resolveOrg(ctx, organization);
    const rows = await workflowRowsOf(ctx.db, org.id);
    const row = rows.find(
      (r) => r.id === value || r.slug === slugify(value) || r.name.toLowerCase() === value.toLowerCase(),
    );
    if (!row)
      throw workflowNotFound(
        value,
        rows.map((r) => r.slug),
        org.slug,
      );
    return toWorkflow(ctx, org, row);
  }
  if (isId(value, "wf")) {
    const row = await findWorkflowRow(ctx.db, value);
    if (!row) throw workflowNotFound(value, [], null);
    return toWorkflow(
      ctx,
      await organizationOf(ctx, row.organization_id, () => workflowNotFound(value, [], null)),
      row,
    );
  }
  // Named without an organization: only workflows of organizations the actor can see match or are suggested.
  const visible = await visibleOrgIds(ctx);
  const seen = (r: { organization_id: string }) => visible === null || visible.has(r.organization_id);
  const rows = (await workflowRowsNamed(ctx.db, slugify(value), value.toLowerCase())).filter(seen);
  if (rows.length > 1) {
    const orgs = await Promise.all(rows.map(async (r) => (await resolveOrg(ctx, r.organization_id)).slug));
    throw workflowAmbiguous(value, orgs);
  }
  const row = rows[0];
  if (!row) {
    const all = (await ctx.db.selectFrom("workflows").select(["slug", "organization_id"]).execute()).filter(seen);
    throw workflowNotFound(
      value,
      all.map((r) => r.slug),
      null,
    );
  }
  return toWorkflow(ctx, await resolveOrg(ctx, row.organization_id), row);
}

/** The active workflows of an organization that an event type triggers, oldest first. */
export async function triggeredWorkflows(ctx: ServiceContext, org: Organization, typeKey: string): Promise<Workflow[]> {
  return toWorkflows(ctx, org, await triggeredRows(ctx.db, org.id, typeKey));
}

/** How many workflows an organization has (for `clerk org info`). */
export async function countWorkflows(ctx: ServiceContext, organizationId: string): Promise<number> {
  return workflowCount(ctx.db, organizationId);
}

/** A workflow the actor may read. */
export async function getWorkflow(ctx: ServiceContext, ref: string, organization?: string | null): Promise<Workflow> {
  const wf = await resolveWorkflow(ctx, ref, organization);
  await assertMayReadWorkflows(ctx, await resolveOrg(ctx, wf.organization.id));
  return wf;
}

/** The workflows of an organization, by name. */
export async function listWorkflows(ctx: ServiceContext, organization: string): Promise<Workflow[]> {
  const org = await resolveOrg(ctx, organization);
  await assertMayReadWorkflows(ctx, org);
  return toWorkflows(ctx, org, await workflowRowsOf(ctx.db, org.id));
}
