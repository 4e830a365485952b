// Stages of a workflow: adding, changing and removing them, how their tasks are assigned, and escalation.
import type { ServiceContext } from "../../context.js";
import { parseInput } from "../../validation.js";
import { findForm } from "./form.service.js";
import { invalidStage, stageExists, stageNotFound } from "./workflow.errors.js";
import { deleteStageRow, renumberStages, updateStageRow } from "./workflow.repository.js";
import {
  type AddStageInput,
  type AssignStrategyInput,
  type EscalationInput,
  type UpdateStageInput,
  addStageSchema,
  assignStrategySchema,
  escalationSchema,
  updateStageSchema,
} from "./workflow.schema.js";
import type { Stage, WithWarnings, Workflow } from "./workflow.records.js";
import { changeWorkflow, duration, checkCondition, insertStage, stageRole } from "./workflow.service.js";

function findStage(wf: Workflow, ref: string): Stage {
  const value = ref.trim();
  const found = wf.stages.find((s) => s.id === value || s.name.toLowerCase() === value.toLowerCase());
  if (!found)
    throw stageNotFound(
      value,
      wf.slug,
      wf.stages.map((s) => s.name),
    );
  return found;
}

/** Adds a stage (last, or at a position); its role must be usable in the organization. */
export async function addStage(
  ctx: ServiceContext,
  ref: string,
  input: AddStageInput,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  const data = parseInput(addStageSchema, input);
  duration(data.timeout, "timeout");
  return changeWorkflow(ctx, ref, organization, "workflow.stage_added", async (tx, org, wf, warnings) => {
    if (wf.stages.some((s) => s.name.toLowerCase() === data.name.toLowerCase())) throw stageExists(data.name, wf.slug);
    const role = await stageRole(tx, org, data.requiresRole);
    const position = Math.min(data.position ?? wf.stages.length + 1, wf.stages.length + 1);
    await insertStage(tx, org, wf.id, wf.stages.length + 1, { ...data, requiresRole: role.key }, role, warnings);
    if (position <= wf.stages.length) {
      const added = await tx.db
        .selectFrom("workflow_stages")
        .select("id")
        .where("workflow_id", "=", wf.id)
        .where("name", "=", data.name)
        .executeTakeFirstOrThrow();
      const ids = wf.stages.map((s) => s.id);
      ids.splice(position - 1, 0, added.id);
      await renumberStages(tx.db, ids);
    }
  });
}

/** Changes a stage; runs already past it keep what they had. */
export async function updateStage(
  ctx: ServiceContext,
  ref: string,
  stageRef: string,
  input: UpdateStageInput,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  const data = parseInput(updateStageSchema, input);
  return changeWorkflow(ctx, ref, organization, "workflow.stage_updated", async (tx, org, wf, warnings) => {
    const stage = findStage(wf, stageRef);
    if (
      data.name !== undefined &&
      data.name.toLowerCase() !== stage.name.toLowerCase() &&
      wf.stages.some((s) => s.name.toLowerCase() === data.name?.toLowerCase())
    ) {
      throw stageExists(data.name, wf.slug);
    }
    const role = data.requiresRole === undefined ? undefined : await stageRole(tx, org, data.requiresRole);
    const timeout = data.timeout === undefined ? undefined : duration(data.timeout, "timeout");
    await updateStageRow(tx.db, stage.id, {
      name: data.name ?? stage.name,
      requires_role_id: role?.id ?? stage.requiresRole.id,
      requires_role_key: role?.key ?? stage.requiresRole.key,
      condition:
        data.condition === undefined ? stage.condition : await checkCondition(tx, org, data.condition, warnings),
      timeout: timeout === undefined ? stage.timeout : timeout.text,
      timeout_ms: timeout === undefined ? stage.timeoutMs : timeout.ms,
      approvals: data.approvals ?? stage.approvals,
      form:
        data.form === undefined ? stage.form : data.form === null ? null : (await findForm(tx, org, data.form)).name,
      strategy: data.strategy ?? stage.strategy,
      updated_at: tx.clock.now(),
    });
  });
}

/** Removes a stage; the others close ranks. */
export async function removeStage(
  ctx: ServiceContext,
  ref: string,
  stageRef: string,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  return changeWorkflow(ctx, ref, organization, "workflow.stage_removed", async (tx, _org, wf) => {
    const stage = findStage(wf, stageRef);
    await deleteStageRow(tx.db, stage.id);
    await renumberStages(
      tx.db,
      wf.stages.filter((s) => s.id !== stage.id).map((s) => s.id),
    );
  });
}

/** Sets how tasks are assigned: for the stages that need `role`, for one `stage`, or for every stage. */
export async function setAssignment(
  ctx: ServiceContext,
  ref: string,
  input: AssignStrategyInput,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  const data = parseInput(assignStrategySchema, input);
  return changeWorkflow(ctx, ref, organization, "workflow.assignment_set", async (tx, org, wf) => {
    let stages = wf.stages;
    if (data.stage !== undefined) stages = [findStage(wf, data.stage)];
    if (data.role !== undefined) {
      const role = await stageRole(tx, org, data.role);
      stages = stages.filter((s) => s.requiresRole.id === role.id);
      if (stages.length === 0) {
        throw invalidStage(
          `No stage of ${wf.slug} needs the role ${role.name} (${role.key}); its stages need ${wf.stages.map((s) => `${s.requiresRole.key} (${s.name})`).join(", ") || "nothing yet"}. Add one with: clerk workflow stage add --workflow ${wf.slug} --requires-role "${role.name}" …`,
          "role",
        );
      }
    }
    if (stages.length === 0)
      throw invalidStage(
        `Workflow ${wf.slug} has no stages yet; add one with: clerk workflow stage add --workflow ${wf.slug} …`,
        "workflow",
      );
    for (const s of stages) await updateStageRow(tx.db, s.id, { strategy: data.strategy, updated_at: tx.clock.now() });
  });
}

/** Sets a stage's escalation: after how long its open tasks go to members of another role, and who is told. */
export async function setEscalation(
  ctx: ServiceContext,
  ref: string,
  input: EscalationInput,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  const data = parseInput(escalationSchema, input);
  const after = duration(data.after, "after");
  const notify = data.notify?.trim();
  if (notify !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) {
    throw invalidStage(`--notify "${notify}" is not an e-mail address such as tech-lead@acme.com.`, "notify");
  }
  return changeWorkflow(ctx, ref, organization, "workflow.escalation_set", async (tx, org, wf) => {
    const stage = findStage(wf, data.stage);
    const role = await stageRole(tx, org, data.escalateTo);
    await updateStageRow(tx.db, stage.id, {
      escalate_after: after.text,
      escalate_after_ms: after.ms,
      escalate_to_role_id: role.id,
      escalate_to_role_key: role.key,
      escalate_notify: notify?.toLowerCase() ?? null,
      updated_at: tx.clock.now(),
    });
  });
}

/** Removes a stage's escalation. */
export async function clearEscalation(
  ctx: ServiceContext,
  ref: string,
  stageRef: string,
  organization?: string | null,
): Promise<WithWarnings<Workflow>> {
  return changeWorkflow(ctx, ref, organization, "workflow.escalation_cleared", async (tx, _org, wf) => {
    const stage = findStage(wf, stageRef);
    await updateStageRow(tx.db, stage.id, {
      escalate_after: null,
      escalate_after_ms: null,
      escalate_to_role_id: null,
      escalate_to_role_key: null,
      escalate_notify: null,
      updated_at: tx.clock.now(),
    });
  });
}
