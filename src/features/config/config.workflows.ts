// Workflows, their file sets and forms in the configuration: normalized state, file entries, the diff and how
// apply carries it out through the workflows and notifications services (their guards and audit). Open runs keep
// the stages they started with, so a changed stage reaches only new runs; a workflow with open runs is not pruned.
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { formatChannel, parseChannel } from "../notifications/index.js";
import { addRule, listRules, removeRule } from "../notifications/index.js";
import { slugify } from "../orgs/index.js";
import { listRuns } from "../tasks/index.js";
import {
  addStage,
  clearEscalation,
  createForm,
  createWorkflow,
  deleteFileSet,
  deleteForm,
  deleteWorkflow,
  listFileSets,
  listForms,
  listWorkflows,
  parseCondition,
  parseTrigger,
  removeStage,
  saveFileSet,
  setEscalation,
  updateForm,
  updateStage,
  updateWorkflow,
} from "../workflows/index.js";
import { workflowHasOpenRuns } from "./config.errors.js";
import type { Change, FieldChange } from "./config.plan.js";
import type { ConfigStage, ConfigWorkflow } from "./config.schema.js";

export interface StateFileSet {
  name: string;
  patterns: string[];
}

export interface StateForm {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

export interface StateStage {
  name: string;
  requiresRole: string;
  condition: string | null;
  timeout: string | null;
  approvals: number;
  form: string | null;
  strategy: "round-robin" | "least-loaded" | "manual";
  escalation: { after: string; escalateTo: string; notify: string | null } | null;
}

export interface StateRule {
  on: string;
  channel: string;
  message: string;
}

export interface StateWorkflow {
  slug: string;
  name: string;
  description: string;
  trigger: string;
  condition: string | null;
  paused: boolean;
  stages: StateStage[];
  /** Sorted by signal, then channel. */
  rules: StateRule[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function invalid(message: string, param: string): ClerkError {
  return new ClerkError("input.invalid", message, { param });
}

const conditionText = (c: string | null | undefined) =>
  c === undefined || c === null
    ? null
    : parseCondition(c)
        .map((t) => t.text)
        .join(",");

/** Keys in a fixed order, so equal schemas compare equal however they were written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value as object)
        .sort(byString)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

export function normalizeFileSets(sets: readonly { name: string; patterns: string[] }[], org: string) {
  const out = new Map<string, StateFileSet>();
  for (const s of sets) {
    if (out.has(s.name)) throw invalid(`File set ${s.name} is listed twice in organization ${org}.`, "file_sets");
    out.set(s.name, { name: s.name, patterns: [...new Set(s.patterns.map((p) => p.trim()))] });
  }
  return out;
}

export function normalizeForms(
  forms: readonly { name: string; description?: string | undefined; schema: Record<string, unknown> }[],
  org: string,
) {
  const out = new Map<string, StateForm>();
  for (const f of forms) {
    if (out.has(f.name)) throw invalid(`Form ${f.name} is listed twice in organization ${org}.`, "forms");
    out.set(f.name, { name: f.name, description: f.description ?? "", schema: f.schema });
  }
  return out;
}

function normalizeStage(s: ConfigStage): StateStage {
  return {
    name: s.name.trim(),
    requiresRole: s.requires_role.trim(),
    condition: conditionText(s.condition),
    timeout: s.timeout === undefined ? null : s.timeout.trim().toLowerCase(),
    approvals: s.approvals ?? 1,
    form: s.form === undefined ? null : s.form.trim().toLowerCase(),
    strategy: s.assignment ?? "round-robin",
    escalation: s.escalation
      ? {
          after: s.escalation.after.trim().toLowerCase(),
          escalateTo: s.escalation.escalate_to.trim(),
          notify: s.escalation.notify?.trim().toLowerCase() ?? null,
        }
      : null,
  };
}

const ruleKey = (r: StateRule) => `${r.on} ${r.channel}`;
const sortRules = (rules: StateRule[]) => rules.sort((a, b) => byString(ruleKey(a), ruleKey(b)));

export function normalizeWorkflows(workflows: readonly ConfigWorkflow[], org: string): Map<string, StateWorkflow> {
  const out = new Map<string, StateWorkflow>();
  for (const w of workflows) {
    const slug = slugify(w.name);
    if (out.has(slug)) throw invalid(`Workflow ${slug} is listed twice in organization ${org}.`, "workflows");
    const stages = (w.stages ?? []).map(normalizeStage);
    const names = new Set<string>();
    for (const s of stages) {
      if (names.has(s.name.toLowerCase()))
        throw invalid(`Workflow ${slug} in ${org} has two stages named "${s.name}".`, "stages");
      names.add(s.name.toLowerCase());
    }
    const rules = sortRules(
      (w.notifications ?? []).map((r) => ({
        on: r.on,
        channel: formatChannel(parseChannel(r.channel)),
        message: r.message,
      })),
    );
    for (let i = 1; i < rules.length; i++)
      if (ruleKey(rules[i - 1] as StateRule) === ruleKey(rules[i] as StateRule))
        throw invalid(
          `Workflow ${slug} in ${org} has two notifications on ${rules[i]?.on} to ${rules[i]?.channel}; join their messages.`,
          "notifications",
        );
    out.set(slug, {
      slug,
      name: w.name.trim(),
      description: w.description ?? "",
      trigger: parseTrigger(w.trigger).trigger,
      condition: conditionText(w.condition),
      paused: w.paused ?? false,
      stages,
      rules,
    });
  }
  return out;
}

/** The current file sets, forms and workflows of one organization, through the services (which authorize). */
export async function currentWorkflowState(ctx: ServiceContext, slug: string) {
  const fileSets = new Map(
    (await listFileSets(ctx, slug)).map((s) => [s.name, { name: s.name, patterns: s.patterns }] as const),
  );
  const forms = new Map(
    (await listForms(ctx, slug))
      .filter((f) => !f.builtIn)
      .map((f) => [f.name, { name: f.name, description: f.description, schema: f.schema }] as const),
  );
  const workflows = new Map<string, StateWorkflow>();
  for (const w of await listWorkflows(ctx, slug)) {
    const rules = (await listRules(ctx, w.id)).map((r) => ({
      on: r.on as string,
      channel: r.channel,
      message: r.message,
    }));
    workflows.set(w.slug, {
      slug: w.slug,
      name: w.name,
      description: w.description,
      trigger: w.trigger,
      condition: w.condition,
      paused: w.status === "paused",
      stages: w.stages.map((s) => ({
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
      })),
      rules: sortRules(rules),
    });
  }
  return { fileSets, forms, workflows };
}

// ---- file entries -------------------------------------------------------------------------------------------

export const fileSetEntries = (m: Map<string, StateFileSet>) =>
  [...m.values()].sort((a, b) => byString(a.name, b.name)).map((s) => ({ name: s.name, patterns: s.patterns }));

export const formEntries = (m: Map<string, StateForm>) =>
  [...m.values()]
    .sort((a, b) => byString(a.name, b.name))
    .map((f) => ({
      name: f.name,
      ...(f.description !== "" && { description: f.description }),
      schema: canonical(f.schema) as Record<string, unknown>,
    }));

function stageEntry(s: StateStage): ConfigStage {
  return {
    name: s.name,
    requires_role: s.requiresRole,
    ...(s.condition !== null && { condition: s.condition }),
    ...(s.timeout !== null && { timeout: s.timeout }),
    ...(s.approvals !== 1 && { approvals: s.approvals }),
    ...(s.form !== null && { form: s.form }),
    ...(s.strategy !== "round-robin" && { assignment: s.strategy }),
    ...(s.escalation && {
      escalation: {
        after: s.escalation.after,
        escalate_to: s.escalation.escalateTo,
        ...(s.escalation.notify !== null && { notify: s.escalation.notify }),
      },
    }),
  };
}

export const workflowEntries = (m: Map<string, StateWorkflow>): ConfigWorkflow[] =>
  [...m.values()]
    .sort((a, b) => byString(a.slug, b.slug))
    .map((w) => ({
      name: w.name,
      ...(w.description !== "" && { description: w.description }),
      trigger: w.trigger,
      ...(w.condition !== null && { condition: w.condition }),
      ...(w.paused && { paused: true }),
      ...(w.stages.length > 0 && { stages: w.stages.map(stageEntry) }),
      ...(w.rules.length > 0 && {
        notifications: w.rules.map((r) => ({ on: r.on as "stage:assigned", channel: r.channel, message: r.message })),
      }),
    }));

// ---- the diff -----------------------------------------------------------------------------------------------

type Value = FieldChange["before"];

function compare(fields: FieldChange[], field: string, before: Value, after: Value) {
  if (JSON.stringify(before) !== JSON.stringify(after)) fields.push({ field, before, after });
}

/** A stage in one line, for a stage that is added or removed. */
export function stageText(s: StateStage): string {
  const parts = [`requires ${s.requiresRole}`];
  if (s.condition !== null) parts.push(`when ${s.condition}`);
  if (s.timeout !== null) parts.push(`timeout ${s.timeout}`);
  if (s.approvals !== 1) parts.push(`${s.approvals} approvals`);
  if (s.form !== null) parts.push(`form ${s.form}`);
  if (s.strategy !== "round-robin") parts.push(s.strategy);
  if (s.escalation) parts.push(`escalation ${escalationText(s.escalation)}`);
  return parts.join("; ");
}

const escalationText = (e: StateStage["escalation"]) =>
  e === null ? null : `after ${e.after} to ${e.escalateTo}${e.notify ? ` (notify ${e.notify})` : ""}`;

function stageFields(fields: FieldChange[], before: StateStage, after: StateStage) {
  const at = `stages[${after.name}]`;
  compare(fields, `${at}.requires_role`, before.requiresRole, after.requiresRole);
  compare(fields, `${at}.condition`, before.condition, after.condition);
  compare(fields, `${at}.timeout`, before.timeout, after.timeout);
  compare(fields, `${at}.approvals`, before.approvals, after.approvals);
  compare(fields, `${at}.form`, before.form, after.form);
  compare(fields, `${at}.assignment`, before.strategy, after.strategy);
  compare(fields, `${at}.escalation`, escalationText(before.escalation), escalationText(after.escalation));
}

function workflowFields(before: StateWorkflow | undefined, after: StateWorkflow): FieldChange[] {
  const fields: FieldChange[] = [];
  compare(fields, "name", before?.name ?? null, after.name);
  if (before || after.description !== "")
    compare(fields, "description", before?.description ?? null, after.description);
  compare(fields, "trigger", before?.trigger ?? null, after.trigger);
  if (before || after.condition !== null) compare(fields, "condition", before?.condition ?? null, after.condition);
  if (before || after.paused) compare(fields, "paused", before?.paused ?? null, after.paused);
  const had = new Map((before?.stages ?? []).map((s) => [s.name, s]));
  for (const s of after.stages) {
    const old = had.get(s.name);
    if (old) stageFields(fields, old, s);
    else fields.push({ field: `stages[${s.name}]`, before: null, after: stageText(s) });
  }
  for (const s of before?.stages ?? [])
    if (!after.stages.some((x) => x.name === s.name))
      fields.push({ field: `stages[${s.name}]`, before: stageText(s), after: null });
  if (before) {
    const kept = (list: StateStage[], other: StateStage[]) =>
      list.filter((s) => other.some((o) => o.name === s.name)).map((s) => s.name);
    compare(fields, "stages.order", kept(before.stages, after.stages), kept(after.stages, before.stages));
  }
  const oldRules = new Map((before?.rules ?? []).map((r) => [ruleKey(r), r.message]));
  const newRules = new Map(after.rules.map((r) => [ruleKey(r), r.message]));
  for (const key of [...new Set([...oldRules.keys(), ...newRules.keys()])].sort(byString))
    compare(fields, `notifications[${key}]`, oldRules.get(key) ?? null, newRules.get(key) ?? null);
  return fields;
}

/** The changes to one organization's file sets, forms and workflows (deletes only with prune). */
export function diffWorkflowKinds(
  changes: Change[],
  organization: string,
  want: {
    fileSets?: Map<string, StateFileSet> | undefined;
    forms?: Map<string, StateForm> | undefined;
    workflows?: Map<string, StateWorkflow> | undefined;
  },
  have: {
    fileSets?: Map<string, StateFileSet> | undefined;
    forms?: Map<string, StateForm> | undefined;
    workflows?: Map<string, StateWorkflow> | undefined;
  },
  prune: boolean,
): void {
  const push = (action: Change["action"], kind: Change["kind"], key: string, fields: FieldChange[]) =>
    changes.push({ action, kind, organization, key, fields });
  const diff = <T>(
    kind: Change["kind"],
    desired: Map<string, T> | undefined,
    current: Map<string, T> | undefined,
    fieldsOf: (before: T | undefined, after: T) => FieldChange[],
  ) => {
    if (!desired) return;
    const now = current ?? new Map<string, T>();
    for (const [key, item] of [...desired].sort(([a], [b]) => byString(a, b))) {
      const fields = fieldsOf(now.get(key), item);
      if (!now.has(key)) push("create", kind, key, fields);
      else if (fields.length > 0) push("update", kind, key, fields);
    }
    if (prune) for (const key of [...now.keys()].sort(byString)) if (!desired.has(key)) push("delete", kind, key, []);
  };
  diff<StateFileSet>("file_set", want.fileSets, have.fileSets, (b, a) => {
    const fields: FieldChange[] = [];
    compare(fields, "patterns", b?.patterns ?? null, a.patterns);
    return fields;
  });
  diff<StateForm>("form", want.forms, have.forms, (b, a) => {
    const fields: FieldChange[] = [];
    if (b || a.description !== "") compare(fields, "description", b?.description ?? null, a.description);
    const text = (f: StateForm | undefined) => (f ? JSON.stringify(canonical(f.schema)) : null);
    compare(fields, "schema", text(b), text(a));
    return fields;
  });
  diff<StateWorkflow>("workflow", want.workflows, have.workflows, workflowFields);
}

// ---- apply --------------------------------------------------------------------------------------------------

function stageInput(s: StateStage) {
  return {
    name: s.name,
    requiresRole: s.requiresRole,
    ...(s.condition !== null && { condition: s.condition }),
    ...(s.timeout !== null && { timeout: s.timeout }),
    approvals: s.approvals,
    ...(s.form !== null && { form: s.form }),
    strategy: s.strategy,
  };
}

async function addFullStage(tx: ServiceContext, org: string, slug: string, s: StateStage, position: number) {
  await addStage(tx, slug, { ...stageInput(s), position }, org);
  if (s.escalation)
    await setEscalation(
      tx,
      slug,
      {
        stage: s.name,
        after: s.escalation.after,
        escalateTo: s.escalation.escalateTo,
        ...(s.escalation.notify !== null && { notify: s.escalation.notify }),
      },
      org,
    );
}

/** Creates and updates file sets, forms and workflows (before anything that deletes). */
export async function applyWorkflowKinds(
  tx: ServiceContext,
  changes: readonly Change[],
  want: (org: string) =>
    | {
        fileSets?: Map<string, StateFileSet> | undefined;
        forms?: Map<string, StateForm> | undefined;
        workflows?: Map<string, StateWorkflow> | undefined;
      }
    | undefined,
  have: (org: string) => { workflows?: Map<string, StateWorkflow> | undefined } | undefined,
): Promise<void> {
  const upserts = (kind: Change["kind"]) => changes.filter((c) => c.kind === kind && c.action !== "delete");
  for (const c of upserts("file_set")) {
    const s = want(c.organization as string)?.fileSets?.get(c.key) as StateFileSet;
    await saveFileSet(
      tx,
      { organization: c.organization as string, name: s.name, paths: s.patterns },
      { replace: c.action === "update" },
    );
  }
  for (const c of upserts("form")) {
    const f = want(c.organization as string)?.forms?.get(c.key) as StateForm;
    const input = {
      organization: c.organization as string,
      name: f.name,
      description: f.description,
      schema: f.schema,
    };
    if (c.action === "create") await createForm(tx, input);
    else await updateForm(tx, input);
  }
  for (const c of upserts("workflow")) {
    const org = c.organization as string;
    const w = want(org)?.workflows?.get(c.key) as StateWorkflow;
    const before = have(org)?.workflows?.get(c.key);
    if (!before) {
      await createWorkflow(tx, {
        organization: org,
        name: w.name,
        description: w.description,
        trigger: w.trigger,
        ...(w.condition !== null && { condition: w.condition }),
        paused: w.paused,
      });
      for (const [i, s] of w.stages.entries()) await addFullStage(tx, org, w.slug, s, i + 1);
      for (const r of w.rules) await addRule(tx, { workflow: w.slug, organization: org, ...r });
      continue;
    }
    const changed = new Set(c.fields.map((f) => f.field));
    if (["name", "description", "trigger", "condition", "paused"].some((f) => changed.has(f)))
      await updateWorkflow(
        tx,
        w.slug,
        {
          ...(changed.has("name") && { name: w.name }),
          ...(changed.has("description") && { description: w.description }),
          ...(changed.has("trigger") && { trigger: w.trigger }),
          ...(changed.has("condition") && { condition: w.condition }),
          ...(changed.has("paused") && { status: w.paused ? ("paused" as const) : ("active" as const) }),
        },
        org,
      );
    await applyStages(tx, org, w, before);
    const wanted = new Set(w.rules.map((r) => `${ruleKey(r)} ${r.message}`));
    const had = new Set(before.rules.map((r) => `${ruleKey(r)} ${r.message}`));
    for (const r of await listRules(tx, w.slug, org))
      if (!wanted.has(`${r.on} ${r.channel} ${r.message}`)) await removeRule(tx, r.id);
    for (const r of w.rules)
      if (!had.has(`${ruleKey(r)} ${r.message}`)) await addRule(tx, { workflow: w.slug, organization: org, ...r });
  }
}

/** Brings a workflow's stages to the wanted list: removed, changed, added, then moved into order. */
async function applyStages(tx: ServiceContext, org: string, w: StateWorkflow, before: StateWorkflow) {
  for (const s of before.stages)
    if (!w.stages.some((x) => x.name === s.name)) await removeStage(tx, w.slug, s.name, org);
  for (const [i, s] of w.stages.entries()) {
    const old = before.stages.find((x) => x.name === s.name);
    if (!old) {
      await addFullStage(tx, org, w.slug, s, i + 1);
      continue;
    }
    const patch = {
      ...(old.requiresRole !== s.requiresRole && { requiresRole: s.requiresRole }),
      ...(old.condition !== s.condition && { condition: s.condition }),
      ...(old.timeout !== s.timeout && { timeout: s.timeout }),
      ...(old.approvals !== s.approvals && { approvals: s.approvals }),
      ...(old.form !== s.form && { form: s.form }),
      ...(old.strategy !== s.strategy && { strategy: s.strategy }),
    };
    if (Object.keys(patch).length > 0) await updateStage(tx, w.slug, s.name, patch, org);
    if (escalationText(old.escalation) !== escalationText(s.escalation)) {
      if (s.escalation === null) await clearEscalation(tx, w.slug, s.name, org);
      else
        await setEscalation(
          tx,
          w.slug,
          {
            stage: s.name,
            after: s.escalation.after,
            escalateTo: s.escalation.escalateTo,
            ...(s.escalation.notify !== null && { notify: s.escalation.notify }),
          },
          org,
        );
    }
  }
  // No stage move exists: a stage out of place is removed and added again where it belongs (runs keep theirs).
  let order = (await listWorkflows(tx, org)).find((x) => x.slug === w.slug)?.stages.map((s) => s.name) ?? [];
  for (const [i, s] of w.stages.entries()) {
    if (order[i] === s.name) continue;
    await removeStage(tx, w.slug, s.name, org);
    await addFullStage(tx, org, w.slug, s, i + 1);
    order = order.filter((n) => n !== s.name);
    order.splice(i, 0, s.name);
  }
}

/** Deletes workflows, forms and file sets the plan prunes; a workflow with open runs is refused. */
export async function deleteWorkflowKinds(tx: ServiceContext, changes: readonly Change[]): Promise<void> {
  const deletes = (kind: Change["kind"]) => changes.filter((c) => c.kind === kind && c.action === "delete");
  for (const c of deletes("workflow")) {
    const open = await listRuns(tx, {
      organization: c.organization as string,
      workflow: c.key,
      status: "open",
      limit: 1,
    });
    if (open.totalCount > 0) throw workflowHasOpenRuns(c.organization as string, c.key, open.totalCount);
    await deleteWorkflow(tx, c.key, c.organization);
  }
  for (const c of deletes("form")) await deleteForm(tx, c.organization as string, c.key);
  for (const c of deletes("file_set")) await deleteFileSet(tx, c.organization as string, c.key);
}
