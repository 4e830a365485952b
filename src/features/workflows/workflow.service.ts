// Changing workflow definitions (a trigger, an optional condition, ordered stages that need a role), blank or
// from a template; workflow.records.ts loads and finds them.
import { type ServiceContext, inTransaction } from "../../context.js";
import { parseDurationMs } from "../../duration.js";
import { newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { recordAudit } from "../audit/index.js";
import { cancelJobsContaining } from "../jobs/index.js";
import { type Organization, resolveOrg, slugify } from "../orgs/index.js";
import { type Role, resolveRole } from "../roles/index.js";
import { fileSetsNamed, parseCondition } from "./condition.js";
import { fileSetPatterns } from "./fileset.service.js";
import { findForm } from "./form.service.js";
import {
  invalidDuration,
  invalidStage,
  invalidTrigger,
  templateRolesMissing,
  unknownTemplate,
  workflowNameTaken,
} from "./workflow.errors.js";
import { assertMayManageWorkflows } from "./workflow.guards.js";
import { type Stage, type WithWarnings, type Workflow, resolveWorkflow, toWorkflow } from "./workflow.records.js";
import {
  type WorkflowRow,
  deleteWorkflowRow,
  findWorkflowRow,
  insertStageRow,
  insertWorkflowRow,
  updateWorkflowRow,
  workflowRowsOf,
} from "./workflow.repository.js";
import {
  type AddStageInput,
  type CreateWorkflowInput,
  type UpdateWorkflowInput,
  createWorkflowSchema,
  updateWorkflowSchema,
} from "./workflow.schema.js";
import { TEMPLATES, TEMPLATE_NAMES } from "./workflow.templates.js";

/**
 * The key an event type is matched by: lowercase, with `_`, `-` and `.` dropped, so `pull_request_opened`,
 * `pull-request.opened` and the seed's `pull_requestopened` all name one type.
 */
export function eventTypeKey(type: string): string {
  return type.trim().toLowerCase().replace(/[-_.]/g, "");
}

const EVENT_TYPE = /^[a-z0-9][a-z0-9_.-]{0,99}$/i;

/** Reads `event:<type>`; returns the trigger as given and its type key. */
export function parseTrigger(trigger: string): { trigger: string; typeKey: string } {
  const m = /^event:(.+)$/.exec(trigger.trim());
  const type = m?.[1]?.trim();
  if (!type || !EVENT_TYPE.test(type)) throw invalidTrigger(trigger.trim());
  return { trigger: `event:${type}`, typeKey: eventTypeKey(type) };
}

/** An event type as emitted (`pull_request_opened`): checked like a trigger's. */
export function parseEventType(type: string): { type: string; typeKey: string } {
  const value = type.trim().replace(/^event:/, "");
  if (!EVENT_TYPE.test(value)) throw invalidTrigger(`event:${value}`);
  return { type: value, typeKey: eventTypeKey(value) };
}

export function duration(text: string | null | undefined, param: string): { text: string | null; ms: number | null } {
  if (text === undefined || text === null) return { text: null, ms: null };
  const ms = parseDurationMs(text);
  if (ms === undefined) throw invalidDuration(text, param);
  return { text: text.trim().toLowerCase(), ms };
}

/** Checks a condition and warns of file sets it names that the organization does not have yet. */
export async function checkCondition(
  ctx: ServiceContext,
  org: Organization,
  condition: string | null | undefined,
  warnings: string[],
): Promise<string | null> {
  if (condition === undefined || condition === null) return null;
  const terms = parseCondition(condition);
  const sets = await fileSetPatterns(ctx, org.id);
  for (const name of fileSetsNamed(terms)) {
    if (!sets.has(name)) {
      warnings.push(
        `File set "${name}" does not exist yet; until it does, files:touched:${name} counts as true (the stage is required). Create it with: clerk fileset create ${name} --organization "${org.slug}" --paths "…"`,
      );
    }
  }
  return terms.map((t) => t.text).join(",");
}

const stageView = (s: Stage) => ({
  name: s.name,
  requiresRole: s.requiresRole.key,
  condition: s.condition,
  timeout: s.timeout,
  approvals: s.approvals,
  form: s.form,
  strategy: s.strategy,
  escalation: s.escalation
    ? { after: s.escalation.after, escalateTo: s.escalation.escalateTo.key, notify: s.escalation.notify }
    : null,
});
const workflowView = (w: Workflow) => ({
  name: w.name,
  slug: w.slug,
  trigger: w.trigger,
  condition: w.condition,
  status: w.status,
  onApprove: w.onApprove,
  stages: w.stages.map(stageView),
});

export async function stageRole(ctx: ServiceContext, org: Organization, ref: string): Promise<Role> {
  return resolveRole(ctx, ref, org.id);
}

/** Creates a workflow, blank or from a template (whose roles must exist in the organization). */
export async function createWorkflow(ctx: ServiceContext, input: CreateWorkflowInput): Promise<WithWarnings<Workflow>> {
  const data = parseInput(createWorkflowSchema, input);
  const template =
    data.template === undefined ? undefined : TEMPLATES.find((t) => t.name === data.template?.toLowerCase());
  if (data.template !== undefined && !template) throw unknownTemplate(data.template, TEMPLATE_NAMES);
  const name = data.name ?? template?.title;
  if (!name)
    throw invalidStage(
      'A workflow needs --name (or --template, which names it), e.g. --name "Pull Request Approval".',
      "name",
    );
  const triggerText = data.trigger ?? template?.trigger;
  if (!triggerText) throw invalidTrigger("");
  const { trigger, typeKey } = parseTrigger(triggerText);
  const slug = slugify(name);
  if (slug === "")
    throw invalidStage(`The workflow name "${name}" has no letters or digits to make a slug from.`, "name");
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    await assertMayManageWorkflows(tx, org, "create workflows");
    const warnings: string[] = [];
    const condition = await checkCondition(tx, org, data.condition ?? template?.condition, warnings);
    if ((await workflowRowsOf(tx.db, org.id)).some((r) => r.slug === slug)) throw workflowNameTaken(slug, org.slug);
    const now = tx.clock.now();
    const row: WorkflowRow = {
      id: newId("wf", now),
      organization_id: org.id,
      name,
      slug,
      description: data.description ?? template?.description ?? "",
      trigger,
      trigger_type: typeKey,
      condition,
      status: data.paused ? "paused" : "active",
      on_approve: data.onApprove ?? null,
      created_at: now,
      updated_at: now,
    };
    await insertWorkflowRow(tx.db, row);
    if (template) {
      const roles = new Map<string, Role>();
      const missing: string[] = [];
      for (const s of template.stages) {
        const role = await stageRole(tx, org, s.requiresRole).catch(() => undefined);
        if (role) roles.set(s.requiresRole, role);
        else if (!missing.includes(s.requiresRole)) missing.push(s.requiresRole);
      }
      if (missing.length) throw templateRolesMissing(template.name, org.slug, missing);
      for (const [i, s] of template.stages.entries()) {
        await insertStage(
          tx,
          org,
          row.id,
          i + 1,
          {
            name: s.name,
            requiresRole: s.requiresRole,
            condition: s.condition,
            timeout: s.timeout,
            approvals: s.approvals,
            form: s.form,
          },
          roles.get(s.requiresRole) as Role,
          warnings,
        );
      }
    }
    const wf = await toWorkflow(tx, org, row);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.created",
      target: { type: "workflow", id: wf.id, label: wf.slug },
      after: { ...workflowView(wf), template: template?.name ?? null },
    });
    return { value: wf, warnings };
  });
}

export async function insertStage(
  ctx: ServiceContext,
  org: Organization,
  workflowId: string,
  position: number,
  data: Omit<AddStageInput, "requiresRole" | "position"> & { requiresRole: string },
  role: Role,
  warnings: string[],
): Promise<void> {
  const timeout = duration(data.timeout, "timeout");
  const condition = await checkCondition(ctx, org, data.condition, warnings);
  const form = data.form === undefined ? null : (await findForm(ctx, org, data.form)).name;
  const now = ctx.clock.now();
  await insertStageRow(ctx.db, {
    id: newId("stg", now),
    workflow_id: workflowId,
    position,
    name: data.name,
    requires_role_id: role.id,
    requires_role_key: role.key,
    condition,
    timeout: timeout.text,
    timeout_ms: timeout.ms,
    approvals: data.approvals ?? 1,
    form,
    strategy: data.strategy ?? "round-robin",
    escalate_after: null,
    escalate_after_ms: null,
    escalate_to_role_id: null,
    escalate_to_role_key: null,
    escalate_notify: null,
    created_at: now,
    updated_at: now,
  });
}

/** Runs a change to one workflow's definition: resolved, guarded, audited with before and after. */
export async function changeWorkflow(
  ctx: ServiceContext,
  ref: string,
  organization: string | null | undefined,
  action: string,
  change: (tx: ServiceContext, org: Organization, wf: Workflow, warnings: string[]) => Promise<void>,
): Promise<WithWarnings<Workflow>> {
  return inTransaction(ctx, async (tx) => {
    const before = await resolveWorkflow(tx, ref, organization);
    const org = await resolveOrg(tx, before.organization.id);
    await assertMayManageWorkflows(tx, org, "change workflows");
    const warnings: string[] = [];
    await change(tx, org, before, warnings);
    await updateWorkflowRow(tx.db, before.id, { updated_at: tx.clock.now() });
    const after = await toWorkflow(tx, org, (await findWorkflowRow(tx.db, before.id)) as WorkflowRow);
    await recordAudit(tx, {
      organizationId: org.id,
      action,
      target: { type: "workflow", id: after.id, label: after.slug },
      before: workflowView(before),
      after: workflowView(after),
    });
    return { value: after, warnings };
  });
}

/** Renames a workflow, changes its trigger or condition, or pauses and resumes it. */
export async function updateWorkflow(
  ctx: ServiceContext,
  ref: string,
  input: UpdateWorkflowInput,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  const data = parseInput(updateWorkflowSchema, input);
  const trigger = data.trigger === undefined ? undefined : parseTrigger(data.trigger);
  return changeWorkflow(ctx, ref, organization, "workflow.updated", async (tx, org, wf, warnings) => {
    const slug = data.name === undefined ? wf.slug : slugify(data.name);
    if (slug !== wf.slug && (await workflowRowsOf(tx.db, org.id)).some((r) => r.slug === slug))
      throw workflowNameTaken(slug, org.slug);
    await updateWorkflowRow(tx.db, wf.id, {
      name: data.name ?? wf.name,
      slug,
      description: data.description ?? wf.description,
      trigger: trigger?.trigger ?? wf.trigger,
      trigger_type: trigger?.typeKey ?? wf.triggerType,
      condition: data.condition === undefined ? wf.condition : await checkCondition(tx, org, data.condition, warnings),
      status: data.status ?? wf.status,
      on_approve: data.onApprove === undefined ? wf.onApprove : data.onApprove,
    });
  });
}

/** Deletes a workflow with its runs and tasks. */
export async function deleteWorkflow(
  ctx: ServiceContext,
  ref: string,
  organization?: string | null,
): Promise<Workflow> {
  return inTransaction(ctx, async (tx) => {
    const wf = await resolveWorkflow(tx, ref, organization);
    const org = await resolveOrg(tx, wf.organization.id);
    await assertMayManageWorkflows(tx, org, "delete workflows");
    // Pending timers of its runs go too: they would find nothing to do.
    await cancelJobsContaining(tx, `:${wf.id}:`);
    await deleteWorkflowRow(tx.db, wf.id);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.deleted",
      target: { type: "workflow", id: wf.id, label: wf.slug },
      before: workflowView(wf),
    });
    return wf;
  });
}
