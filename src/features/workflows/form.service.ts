// Forms: JSON Schema templates an approver fills in; a built-in change-request-template; data checked against them.
import { z } from "zod";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, resolveOrg } from "../orgs/index.js";
import { assertMayManageWorkflows, assertMayReadWorkflows } from "./workflow.guards.js";
import { formExists, formInUse, formNotFound, invalidFormSchema } from "./workflow.errors.js";
import { type FormInput, formSchema } from "./workflow.schema.js";

/** A form as services return it. */
export interface Form {
  id: string | null;
  name: string;
  description: string;
  builtIn: boolean;
  schema: Record<string, unknown>;
  createdAt: number | null;
}

/** Forms every organization has. */
export const BUILT_IN_FORMS: readonly Form[] = Object.freeze([
  {
    id: null,
    name: "change-request-template",
    description: "A change record: what changes, how risky it is, how to roll it back, and the ticket.",
    builtIn: true,
    createdAt: null,
    schema: {
      type: "object",
      required: ["summary", "risk", "rollback_plan", "ticket"],
      properties: {
        summary: { type: "string", minLength: 1, description: "What changes and why" },
        risk: { enum: ["low", "medium", "high"], description: "low, medium or high" },
        rollback_plan: { type: "string", minLength: 1, description: "How to undo it" },
        ticket: { type: "string", minLength: 1, description: "The change ticket, e.g. CHG-1234" },
      },
      additionalProperties: false,
    },
  },
]);

/** Compiles a JSON Schema of an object into a validator, or says why it cannot. */
function compileFormSchema(name: string, schema: Record<string, unknown>): z.ZodType {
  if (schema.type !== "object")
    throw invalidFormSchema(name, 'its top level must be {"type": "object", …} (form data is an object).');
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw invalidFormSchema(name, error instanceof Error ? error.message : String(error));
  }
}

/** Checks form data against a form; the error lists every problem by field. */
export function checkFormData(form: Form, data: unknown): Record<string, unknown> {
  if (data === undefined || data === null) {
    const fields = Object.keys((form.schema.properties ?? {}) as Record<string, unknown>);
    throw new ClerkError(
      "approval.form_invalid",
      `This stage needs the form ${form.name}; pass --form-data '{${fields.map((f) => `"${f}": …`).join(", ")}}'.`,
      {
        param: "form_data",
      },
    );
  }
  const result = compileFormSchema(form.name, form.schema).safeParse(data);
  if (result.success) return result.data as Record<string, unknown>;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "form"}: ${i.message}`);
  throw new ClerkError("approval.form_invalid", `The form data does not fit ${form.name}: ${problems.join("; ")}.`, {
    param: "form_data",
    details: { issues: result.error.issues },
  });
}

function toForm(row: { id: string; name: string; description: string; schema: string; created_at: number }): Form {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtIn: false,
    schema: JSON.parse(row.schema) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

async function orgForms(ctx: ServiceContext, org: Organization): Promise<Form[]> {
  const rows = await ctx.db
    .selectFrom("forms")
    .selectAll()
    .where("organization_id", "=", org.id)
    .orderBy("name")
    .execute();
  return [...BUILT_IN_FORMS, ...rows.map(toForm)];
}

/** The forms usable in an organization: the built-in ones, then its own. */
export async function listForms(ctx: ServiceContext, organization: string): Promise<Form[]> {
  const org = await resolveOrg(ctx, organization);
  await assertMayReadWorkflows(ctx, org);
  return orgForms(ctx, org);
}

/** A form of the organization (or built in) by name, or an error listing those there are. */
export async function findForm(ctx: ServiceContext, org: Organization, name: string): Promise<Form> {
  const forms = await orgForms(ctx, org);
  const wanted = name.trim().toLowerCase();
  const found = forms.find((f) => f.name === wanted);
  if (!found)
    throw formNotFound(
      name.trim(),
      org.slug,
      forms.map((f) => f.name),
    );
  return found;
}

/** Adds a form template to an organization. */
export async function createForm(ctx: ServiceContext, input: FormInput): Promise<Form> {
  const data = parseInput(formSchema, input);
  compileFormSchema(data.name, data.schema);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    await assertMayManageWorkflows(tx, org, "create forms");
    if ((await orgForms(tx, org)).some((f) => f.name === data.name)) throw formExists(data.name, org.slug);
    const now = tx.clock.now();
    const row = {
      id: newId("form", now),
      organization_id: org.id,
      name: data.name,
      description: data.description ?? "",
      schema: JSON.stringify(data.schema),
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto("forms").values(row).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.form_created",
      target: { type: "form", id: row.id, label: row.name },
      after: { name: row.name, schema: data.schema },
    });
    return toForm(row);
  });
}

/** Replaces a form's description and schema; stages name forms by name, so open runs see the new one. */
export async function updateForm(ctx: ServiceContext, input: FormInput): Promise<Form> {
  const data = parseInput(formSchema, input);
  compileFormSchema(data.name, data.schema);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    await assertMayManageWorkflows(tx, org, "change forms");
    const row = await ownForm(tx, org, data.name);
    const after = {
      ...row,
      description: data.description ?? row.description,
      schema: JSON.stringify(data.schema),
      updated_at: tx.clock.now(),
    };
    await tx.db
      .updateTable("forms")
      .set({ description: after.description, schema: after.schema, updated_at: after.updated_at })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.form_updated",
      target: { type: "form", id: row.id, label: row.name },
      before: { description: row.description, schema: JSON.parse(row.schema) },
      after: { description: after.description, schema: data.schema },
    });
    return toForm(after);
  });
}

/** Deletes an organization's form; refused while a stage asks for it. */
export async function deleteForm(ctx: ServiceContext, organization: string, name: string): Promise<Form> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, organization);
    await assertMayManageWorkflows(tx, org, "delete forms");
    const row = await ownForm(tx, org, name);
    const users = await tx.db
      .selectFrom("workflow_stages")
      .innerJoin("workflows", "workflows.id", "workflow_stages.workflow_id")
      .select(["workflows.slug as workflow", "workflow_stages.name as stage"])
      .where("workflows.organization_id", "=", org.id)
      .where("workflow_stages.form", "=", row.name)
      .execute();
    if (users.length > 0)
      throw formInUse(
        row.name,
        users.map((u) => `${u.workflow} / ${u.stage}`),
      );
    await tx.db.deleteFrom("forms").where("id", "=", row.id).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.form_deleted",
      target: { type: "form", id: row.id, label: row.name },
      before: { description: row.description, schema: JSON.parse(row.schema) },
    });
    return toForm(row);
  });
}

async function ownForm(ctx: ServiceContext, org: Organization, name: string) {
  const wanted = name.trim().toLowerCase();
  const row = await ctx.db
    .selectFrom("forms")
    .selectAll()
    .where("organization_id", "=", org.id)
    .where("name", "=", wanted)
    .executeTakeFirst();
  if (!row) {
    const forms = await orgForms(ctx, org);
    throw formNotFound(
      wanted,
      org.slug,
      forms.filter((f) => !f.builtIn).map((f) => f.name),
    );
  }
  return row;
}
