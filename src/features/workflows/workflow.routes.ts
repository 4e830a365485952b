// Workflow definitions over HTTP: workflows, stages, assignment, escalation, file sets, forms, templates.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { endpoint, mountAll } from "../../http/route.js";
import { deleteFileSet, listFileSets, saveFileSet } from "./fileset.service.js";
import { createForm, listForms } from "./form.service.js";
import { STRATEGIES } from "./workflow.schema.js";
import { addStage, clearEscalation, removeStage, setAssignment, setEscalation, updateStage } from "./stage.service.js";
import { createWorkflow, deleteWorkflow, getWorkflow, listWorkflows, updateWorkflow } from "./workflow.service.js";
import { TEMPLATES } from "./workflow.templates.js";
import { fileSetObject, formObject, workflowObject } from "./workflow.view.js";

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
  })
  .strict();
const updateBody = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    trigger: z.string().optional(),
    condition: z.string().nullable().optional(),
    status: z.enum(["active", "paused"]).optional(),
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

/** The workflow-definition operations, served under /v1 and called by the CLI. */
export const workflowEndpoints = {
  create: endpoint(
    {
      method: "POST",
      url: "/organizations/:organization_id/workflows",
      tag,
      summary: "Create a workflow (trigger event:<type>, optional condition), blank or from a template",
      params: orgParams,
      body: createBody,
    },
    async ({ ctx, params: p, body }) => view(await createWorkflow(ctx, { organization: p.organization_id, ...body })),
  ),
  list: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/workflows",
      tag,
      summary: "An organization's workflows with their stages",
      params: orgParams,
    },
    async ({ ctx, params: p }) => list((await listWorkflows(ctx, p.organization_id)).map((w) => workflowObject(w))),
  ),
  get: endpoint(
    {
      method: "GET",
      url: "/workflows/:workflow_id",
      tag,
      summary: "One workflow (id, or slug with organization_id)",
      params: wfParams,
      query: wfQuery,
    },
    async ({ ctx, params: p, query: q }) => workflowObject(await getWorkflow(ctx, p.workflow_id, q.organization_id)),
  ),
  update: endpoint(
    {
      method: "PATCH",
      url: "/workflows/:workflow_id",
      tag,
      summary: "Rename, change the trigger or condition, pause (status: paused) or resume a workflow",
      params: wfParams,
      query: wfQuery,
      body: updateBody,
    },
    async ({ ctx, params: p, query: q, body }) =>
      view(await updateWorkflow(ctx, p.workflow_id, body, q.organization_id)),
  ),
  remove: endpoint(
    {
      method: "DELETE",
      url: "/workflows/:workflow_id",
      tag,
      summary: "Delete a workflow with its runs and tasks",
      params: wfParams,
      query: wfQuery,
    },
    async ({ ctx, params: p, query: q }) => ({
      ...workflowObject(await deleteWorkflow(ctx, p.workflow_id, q.organization_id)),
      deleted: true as const,
    }),
  ),
  addStage: endpoint(
    {
      method: "POST",
      url: "/workflows/:workflow_id/stages",
      tag,
      summary: "Add a stage that needs a role (optional condition, timeout, approvals, form, strategy)",
      params: wfParams,
      query: wfQuery,
      body: stageBody,
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
  updateStage: endpoint(
    {
      method: "PATCH",
      url: "/workflows/:workflow_id/stages/:stage",
      tag,
      summary: "Change a stage (stage: id or name); null removes a condition, timeout or form",
      params: stageParams,
      query: wfQuery,
      body: stageUpdateBody,
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
  removeStage: endpoint(
    {
      method: "DELETE",
      url: "/workflows/:workflow_id/stages/:stage",
      tag,
      summary: "Remove a stage (stage: id or name)",
      params: stageParams,
      query: wfQuery,
    },
    async ({ ctx, params: p, query: q }) => view(await removeStage(ctx, p.workflow_id, p.stage, q.organization_id)),
  ),
  assign: endpoint(
    {
      method: "POST",
      url: "/workflows/:workflow_id/assignment",
      tag,
      summary: "Set the assignment strategy of the stages that need a role (or one stage, or all)",
      params: wfParams,
      query: wfQuery,
      body: assignBody,
    },
    async ({ ctx, params: p, query: q, body }) =>
      view(await setAssignment(ctx, p.workflow_id, body, q.organization_id)),
  ),
  escalation: endpoint(
    {
      method: "POST",
      url: "/workflows/:workflow_id/escalation",
      tag,
      summary: "Escalate a stage's open tasks to another role after a while, telling someone",
      params: wfParams,
      query: wfQuery,
      body: escalationBody,
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
  clearEscalation: endpoint(
    {
      method: "DELETE",
      url: "/workflows/:workflow_id/stages/:stage/escalation",
      tag,
      summary: "Remove a stage's escalation",
      params: stageParams,
      query: wfQuery,
    },
    async ({ ctx, params: p, query: q }) => view(await clearEscalation(ctx, p.workflow_id, p.stage, q.organization_id)),
  ),
  templates: endpoint(
    { method: "GET", url: "/workflow_templates", tag, summary: "The built-in workflow templates" },
    async () =>
      list(
        TEMPLATES.map((t) => ({
          object: "workflow_template" as const,
          name: t.name,
          title: t.title,
          description: t.description,
          trigger: t.trigger,
          condition: t.condition ?? null,
          stages: t.stages,
        })),
      ),
  ),
  saveFileSet: endpoint(
    {
      method: "POST",
      url: "/organizations/:organization_id/file_sets",
      tag,
      summary: "Create a file set of glob patterns (src/auth/**, **/*.pem)",
      params: orgParams,
      body: fileSetBody,
    },
    async ({ ctx, params: p, body }) =>
      fileSetObject(await saveFileSet(ctx, { organization: p.organization_id, name: body.name, paths: body.paths })),
  ),
  replaceFileSet: endpoint(
    {
      method: "PUT",
      url: "/organizations/:organization_id/file_sets/:name",
      tag,
      summary: "Replace a file set's patterns",
      params: fileSetParams,
      body: z.object({ paths: fileSetBody.shape.paths }).strict(),
    },
    async ({ ctx, params: p, body }) =>
      fileSetObject(
        await saveFileSet(ctx, { organization: p.organization_id, name: p.name, paths: body.paths }, { replace: true }),
      ),
  ),
  listFileSets: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/file_sets",
      tag,
      summary: "An organization's file sets",
      params: orgParams,
    },
    async ({ ctx, params: p }) => list((await listFileSets(ctx, p.organization_id)).map(fileSetObject)),
  ),
  deleteFileSet: endpoint(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/file_sets/:name",
      tag,
      summary: "Delete a file set",
      params: fileSetParams,
    },
    async ({ ctx, params: p }) => ({
      ...fileSetObject(await deleteFileSet(ctx, p.organization_id, p.name)),
      deleted: true as const,
    }),
  ),
  createForm: endpoint(
    {
      method: "POST",
      url: "/organizations/:organization_id/forms",
      tag,
      summary: "Create a form template (a JSON Schema of an object)",
      params: orgParams,
      body: formBody,
    },
    async ({ ctx, params: p, body }) => formObject(await createForm(ctx, { organization: p.organization_id, ...body })),
  ),
  listForms: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/forms",
      tag,
      summary: "The forms usable in an organization (built-in first)",
      params: orgParams,
    },
    async ({ ctx, params: p }) => list((await listForms(ctx, p.organization_id)).map(formObject)),
  ),
};

export function registerWorkflowRoutes(app: FastifyInstance): void {
  mountAll(app, workflowEndpoints);
}
