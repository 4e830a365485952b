// The workflow-definition operations: workflows, stages, assignment, escalation, file sets, forms, templates.
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { operation, pageOf } from "../../operations/index.js";
import { deleteFileSet, listFileSets, saveFileSet } from "./fileset.service.js";
import { createForm, listForms } from "./form.service.js";
import { ON_APPROVE, STRATEGIES } from "./workflow.schema.js";
import { addStage, clearEscalation, removeStage, setAssignment, setEscalation, updateStage } from "./stage.service.js";
import { getWorkflow, listWorkflows } from "./workflow.records.js";
import { createWorkflow, deleteWorkflow, updateWorkflow } from "./workflow.service.js";
import { TEMPLATES } from "./workflow.templates.js";
import {
  fileSetObject,
  fileSetObjectSchema,
  formObject,
  formObjectSchema,
  templateObject,
  templateSchema,
  workflowObject,
  workflowSchema,
} from "./workflow.view.js";

const tag = "Workflows";
const list = <T>(data: T[]) => ({ data, total_count: data.length });
const orgParams = z.object({ organization_id: z.string() });
const wfParams = z.object({ workflow_id: z.string() });
const stageParams = z.object({ workflow_id: z.string(), stage: z.string() });
// A workflow is named by id, or by slug with organization_id when several organizations use the slug.
const wfQuery = z.object({ organization_id: z.string().optional() }).strict();
const strategy = z.enum(STRATEGIES);

const createBody = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    trigger: z.string().optional(),
    condition: z.string().optional(),
    template: z.string().optional(),
    paused: z.boolean().optional(),
    on_approve: z.enum(ON_APPROVE).optional(),
  })
  .strict();
const updateBody = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    trigger: z.string().optional(),
    condition: z.string().nullable().optional(),
    status: z.enum(["active", "paused"]).optional(),
    on_approve: z.enum(ON_APPROVE).nullable().optional(),
  })
  .strict();
const stageBody = z
  .object({
    name: z.string(),
    requires_role: z.string(),
    condition: z.string().optional(),
    timeout: z.string().optional(),
    approvals: z.number().int().optional(),
    form: z.string().optional(),
    strategy: strategy.optional(),
    position: z.number().int().optional(),
  })
  .strict();
const stageUpdateBody = z
  .object({
    name: z.string().optional(),
    requires_role: z.string().optional(),
    condition: z.string().nullable().optional(),
    timeout: z.string().nullable().optional(),
    approvals: z.number().int().optional(),
    form: z.string().nullable().optional(),
    strategy: strategy.optional(),
  })
  .strict();
const assignBody = z.object({ strategy, role: z.string().optional(), stage: z.string().optional() }).strict();
const escalationBody = z
  .object({ stage: z.string(), after: z.string(), escalate_to: z.string(), notify: z.string().optional() })
  .strict();
const fileSetBody = z
  .object({
    name: z.string(),
    paths: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])),
  })
  .strict();
const fileSetParams = z.object({ organization_id: z.string(), name: z.string() });
const formBody = z.object({ name: z.string(), description: z.string().optional(), schema: jsonObject() }).strict();

const view = (r: { value: Parameters<typeof workflowObject>[0]; warnings: string[] }) =>
  workflowObject(r.value, r.warnings);

const deleted = z.literal(true).describe("Always true: it is gone");

/** The workflow-definition operations, served under /v1 and called by the CLI. */
export const workflowOperations = {
  create: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/workflows",
      tag,
      summary: "Create a workflow (trigger event:<type>, optional condition), blank or from a template",
      params: orgParams,
      body: createBody,
      output: workflowSchema,
    },
    async ({ ctx, params: p, body: { on_approve, ...body } }) =>
      view(await createWorkflow(ctx, { organization: p.organization_id, ...body, onApprove: on_approve })),
  ),
  list: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/workflows",
      tag,
      summary: "An organization's workflows with their stages",
      params: orgParams,
      output: pageOf(workflowSchema),
    },
    async ({ ctx, params: p }) => list((await listWorkflows(ctx, p.organization_id)).map((w) => workflowObject(w))),
  ),
  get: operation(
    {
      method: "GET",
      url: "/workflows/:workflow_id",
      tag,
      summary: "One workflow (id, or slug with organization_id)",
      params: wfParams,
      query: wfQuery,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q }) => workflowObject(await getWorkflow(ctx, p.workflow_id, q.organization_id)),
  ),
  update: operation(
    {
      method: "PATCH",
      url: "/workflows/:workflow_id",
      tag,
      summary: "Rename, change the trigger or condition, pause (status: paused) or resume a workflow",
      params: wfParams,
      query: wfQuery,
      body: updateBody,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q, body: { on_approve, ...body } }) =>
      view(await updateWorkflow(ctx, p.workflow_id, { ...body, onApprove: on_approve }, q.organization_id)),
  ),
  remove: operation(
    {
      method: "DELETE",
      url: "/workflows/:workflow_id",
      tag,
      summary: "Delete a workflow with its runs and tasks",
      params: wfParams,
      query: wfQuery,
      output: workflowSchema.extend({ deleted }),
    },
    async ({ ctx, params: p, query: q }) => ({
      ...workflowObject(await deleteWorkflow(ctx, p.workflow_id, q.organization_id)),
      deleted: true as const,
    }),
  ),
  addStage: operation(
    {
      method: "POST",
      url: "/workflows/:workflow_id/stages",
      tag,
      summary: "Add a stage that needs a role (optional condition, timeout, approvals, form, strategy)",
      params: wfParams,
      query: wfQuery,
      body: stageBody,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q, body }) =>
      view(
        await addStage(
          ctx,
          p.workflow_id,
          {
            name: body.name,
            requiresRole: body.requires_role,
            condition: body.condition,
            timeout: body.timeout,
            approvals: body.approvals,
            form: body.form,
            strategy: body.strategy,
            position: body.position,
          },
          q.organization_id,
        ),
      ),
  ),
  updateStage: operation(
    {
      method: "PATCH",
      url: "/workflows/:workflow_id/stages/:stage",
      tag,
      summary: "Change a stage (stage: id or name); null removes a condition, timeout or form",
      params: stageParams,
      query: wfQuery,
      body: stageUpdateBody,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q, body }) =>
      view(
        await updateStage(
          ctx,
          p.workflow_id,
          p.stage,
          {
            name: body.name,
            requiresRole: body.requires_role,
            condition: body.condition,
            timeout: body.timeout,
            approvals: body.approvals,
            form: body.form,
            strategy: body.strategy,
          },
          q.organization_id,
        ),
      ),
  ),
  removeStage: operation(
    {
      method: "DELETE",
      url: "/workflows/:workflow_id/stages/:stage",
      tag,
      summary: "Remove a stage (stage: id or name)",
      params: stageParams,
      query: wfQuery,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q }) => view(await removeStage(ctx, p.workflow_id, p.stage, q.organization_id)),
  ),
  assign: operation(
    {
      method: "POST",
      url: "/workflows/:workflow_id/assignment",
      tag,
      summary: "Set the assignment strategy of the stages that need a role (or one stage, or all)",
      params: wfParams,
      query: wfQuery,
      body: assignBody,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q, body }) =>
      view(await setAssignment(ctx, p.workflow_id, body, q.organization_id)),
  ),
  escalation: operation(
    {
      method: "POST",
      url: "/workflows/:workflow_id/escalation",
      tag,
      summary: "Escalate a stage's open tasks to another role after a while, telling someone",
      params: wfParams,
      query: wfQuery,
      body: escalationBody,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q, body }) =>
      view(
        await setEscalation(
          ctx,
          p.workflow_id,
          { stage: body.stage, after: body.after, escalateTo: body.escalate_to, notify: body.notify },
          q.organization_id,
        ),
      ),
  ),
  clearEscalation: operation(
    {
      method: "DELETE",
      url: "/workflows/:workflow_id/stages/:stage/escalation",
      tag,
      summary: "Remove a stage's escalation",
      params: stageParams,
      query: wfQuery,
      output: workflowSchema,
    },
    async ({ ctx, params: p, query: q }) => view(await clearEscalation(ctx, p.workflow_id, p.stage, q.organization_id)),
  ),
  templates: operation(
    {
      method: "GET",
      url: "/workflow_templates",
      tag,
      summary: "The built-in workflow templates",
      output: pageOf(templateSchema),
    },
    async () => list(TEMPLATES.map(templateObject)),
  ),
  saveFileSet: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/file_sets",
      tag,
      summary: "Create a file set of glob patterns (src/auth/**, **/*.pem)",
      params: orgParams,
      body: fileSetBody,
      output: fileSetObjectSchema,
    },
    async ({ ctx, params: p, body }) =>
      fileSetObject(await saveFileSet(ctx, { organization: p.organization_id, name: body.name, paths: body.paths })),
  ),
  replaceFileSet: operation(
    {
      method: "PUT",
      url: "/organizations/:organization_id/file_sets/:name",
      tag,
      summary: "Replace a file set's patterns",
      params: fileSetParams,
      body: z.object({ paths: fileSetBody.shape.paths }).strict(),
      output: fileSetObjectSchema,
    },
    async ({ ctx, params: p, body }) =>
      fileSetObject(
        await saveFileSet(ctx, { organization: p.organization_id, name: p.name, paths: body.paths }, { replace: true }),
      ),
  ),
  listFileSets: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/file_sets",
      tag,
      summary: "An organization's file sets",
      params: orgParams,
      output: pageOf(fileSetObjectSchema),
    },
    async ({ ctx, params: p }) => list((await listFileSets(ctx, p.organization_id)).map(fileSetObject)),
  ),
  deleteFileSet: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/file_sets/:name",
      tag,
      summary: "Delete a file set",
      params: fileSetParams,
      output: fileSetObjectSchema.extend({ deleted }),
    },
    async ({ ctx, params: p }) => ({
      ...fileSetObject(await deleteFileSet(ctx, p.organization_id, p.name)),
      deleted: true as const,
    }),
  ),
  createForm: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/forms",
      tag,
      summary: "Create a form template (a JSON Schema of an object)",
      params: orgParams,
      body: formBody,
      output: formObjectSchema,
    },
    async ({ ctx, params: p, body }) => formObject(await createForm(ctx, { organization: p.organization_id, ...body })),
  ),
  listForms: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/forms",
      tag,
      summary: "The forms usable in an organization (built-in first)",
      params: orgParams,
      output: pageOf(formObjectSchema),
    },
    async ({ ctx, params: p }) => list((await listForms(ctx, p.organization_id)).map(formObject)),
  ),
};
