// The API's workflow, stage, file set, form and template objects, and their schemas.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { FileSet } from "./fileset.service.js";
import type { Form } from "./form.service.js";
import { ON_APPROVE, STRATEGIES } from "./workflow.schema.js";
import type { Stage, Workflow } from "./workflow.records.js";
import type { WorkflowTemplate } from "./workflow.templates.js";

/** `object: "workflow_stage"`: one step of a workflow, approved by holders of a role. */
export const stageSchema = z.object({
  object: z.literal("workflow_stage"),
  id: z.string(),
  position: z.number().int().describe("Counted from 1"),
  name: z.string(),
  requires_role: z.string().describe("The key of the role whose holders approve, e.g. org:code_reviewer"),
  role_exists: z.boolean().describe("False when that role was deleted: the stage then blocks its runs"),
  condition: z.string().nullable().describe("When the stage applies, e.g. files:touched:security-sensitive"),
  timeout: z.string().nullable().describe("After how long it is overdue, e.g. 24h"),
  approvals: z.number().int().describe("Distinct approvers needed"),
  form: z.string().nullable().describe("The form an approver fills in"),
  strategy: z.enum(STRATEGIES).describe("How its tasks are assigned"),
  escalation: z
    .object({
      after: z.string(),
      escalate_to: z.string().describe("The key of the role that takes over"),
      notify: z.string().nullable(),
    })
    .nullable(),
});

export type StageObject = z.infer<typeof stageSchema>;

export function stageObject(s: Stage): StageObject {
  return {
    object: "workflow_stage",
    id: s.id,
    position: s.position,
    name: s.name,
    requires_role: s.requiresRole.key,
    role_exists: s.requiresRole.id !== null,
    condition: s.condition,
    timeout: s.timeout,
    approvals: s.approvals,
    form: s.form,
    strategy: s.strategy,
    escalation: s.escalation
      ? { after: s.escalation.after, escalate_to: s.escalation.escalateTo.key, notify: s.escalation.notify }
      : null,
  };
}

/** `object: "workflow"`: a trigger, an optional condition and its stages in order. */
export const workflowSchema = z.object({
  object: z.literal("workflow"),
  id: z.string(),
  organization_id: z.string(),
  organization_slug: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  trigger: z.string().describe("event:<type>, e.g. event:pull_request_opened"),
  condition: z.string().nullable().describe("key:value pairs joined by , that the event must have"),
  status: z.enum(["active", "paused"]).describe("A paused workflow starts no runs"),
  on_approve: z
    .enum(ON_APPROVE)
    .nullable()
    .describe(
      "What an approved run does: grant gives the requester the permission its event asked for (an access request); null, nothing",
    ),
  stages: z.array(stageSchema),
  warnings: z
    .array(z.string())
    .describe("What the caller should know about this change, e.g. a condition naming a file set not defined yet"),
  created_at: millis,
  updated_at: millis,
});

export type WorkflowObject = z.infer<typeof workflowSchema>;

export function workflowObject(w: Workflow, warnings: readonly string[] = []): WorkflowObject {
  return {
    object: "workflow",
    id: w.id,
    organization_id: w.organization.id,
    organization_slug: w.organization.slug,
    name: w.name,
    slug: w.slug,
    description: w.description,
    trigger: w.trigger,
    condition: w.condition,
    status: w.status,
    on_approve: w.onApprove,
    stages: w.stages.map(stageObject),
    warnings: [...warnings],
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

/** `object: "file_set"`: named glob patterns for files:touched:<name> conditions. */
export const fileSetObjectSchema = z.object({
  object: z.literal("file_set"),
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  patterns: z.array(z.string()).describe("Globs: * within a folder, ** across folders"),
  created_at: millis,
  updated_at: millis,
});

export type FileSetObject = z.infer<typeof fileSetObjectSchema>;

export function fileSetObject(f: FileSet): FileSetObject {
  return {
    object: "file_set",
    id: f.id,
    organization_id: f.organizationId,
    name: f.name,
    patterns: f.patterns,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  };
}

/** `object: "form"`: a JSON Schema approvers fill in; built-in forms have no id or creation time. */
export const formObjectSchema = z.object({
  object: z.literal("form"),
  id: z.string().nullable().describe("Null for a built-in form"),
  name: z.string(),
  description: z.string(),
  built_in: z.boolean(),
  schema: z.record(z.string(), z.unknown()).describe("A JSON Schema of an object"),
  created_at: millis.nullable().describe("Null for a built-in form"),
});

export type FormObject = z.infer<typeof formObjectSchema>;

export function formObject(f: Form): FormObject {
  return {
    object: "form",
    id: f.id,
    name: f.name,
    description: f.description,
    built_in: f.builtIn,
    schema: f.schema,
    created_at: f.createdAt,
  };
}

/** `object: "workflow_template"`: a built-in starting point; its stages keep the template's own spelling. */
export const templateSchema = z.object({
  object: z.literal("workflow_template"),
  name: z.string().describe("What --template takes, e.g. code-review"),
  title: z.string(),
  description: z.string(),
  trigger: z.string(),
  condition: z.string().nullable(),
  stages: z.array(
    z.object({
      name: z.string(),
      requiresRole: z.string().describe("A role name, resolved in the organization"),
      condition: z.string().optional(),
      timeout: z.string().optional(),
      approvals: z.number().int().optional(),
      form: z.string().optional(),
    }),
  ),
});

export type TemplateObject = z.infer<typeof templateSchema>;

export function templateObject(t: WorkflowTemplate): TemplateObject {
  return {
    object: "workflow_template",
    name: t.name,
    title: t.title,
    description: t.description,
    trigger: t.trigger,
    condition: t.condition ?? null,
    stages: t.stages.map((s) => ({ ...s })),
  };
}
