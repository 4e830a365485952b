// What the workflow-definition commands share: their flags, the strategy and count parsers, and how a
// workflow prints for people.
import { organizationOrDefault } from "../../cli/context.js";
import type { FlagSpec } from "../../cli/command.js";
import { orgHint } from "../../cli/input.js";
import { fields } from "../../cli/output.js";
import { ClerkError } from "../../errors.js";
import { STRATEGIES } from "./workflow.schema.js";
import type { StageObject, WorkflowObject } from "./workflow.view.js";

/** `--organization <org>` for an organization's own objects: clerk org use when left out. */
export const orgOrDefault = (help = "slug, id or name (default: clerk org use)"): FlagSpec => ({
  flag: "organization",
  value: "org",
  help,
  resolve: organizationOrDefault,
});
/** `--organization <org>` telling which organization's workflow a slug names. */
export const orgHintFlag = (help = "slug, id or name"): FlagSpec => ({
  flag: "organization",
  value: "org",
  help,
  resolve: orgHint,
});
/** `--workflow <workflow>` and `--stage <stage>`, as every definition command spells them. */
export const workflowFlag: FlagSpec = { flag: "workflow", value: "workflow", help: "slug, id or name" };
export const stageFlag: FlagSpec = { flag: "stage", value: "stage", help: "the stage's name or id" };

/** `--strategy`, any case, or a message listing the strategies. */
export function parseStrategy(value: string | undefined) {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (!(STRATEGIES as readonly string[]).includes(v))
    throw new ClerkError("input.invalid", `--strategy "${value}" is not a strategy; use ${STRATEGIES.join(", ")}.`, {
      param: "strategy",
    });
  return v as (typeof STRATEGIES)[number];
}

/** `--approvals` and `--position`: a whole number from 1 to 20. */
export function parseCount(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new ClerkError("input.invalid", `--${param} "${value}" is not a whole number from 1 to 20.`, { param });
  return n;
}

/** One stage on one line: its role, approvals, condition, timeout, form, strategy and escalation. */
function stageLine(s: StageObject): string {
  const parts = [`needs ${s.requires_role}${s.role_exists ? "" : " (role deleted)"}`];
  if (s.approvals > 1) parts.push(`${s.approvals} approvals`);
  if (s.condition) parts.push(`when ${s.condition}`);
  if (s.timeout) parts.push(`timeout ${s.timeout}`);
  if (s.form) parts.push(`form ${s.form}`);
  parts.push(s.strategy);
  if (s.escalation)
    parts.push(
      `escalates to ${s.escalation.escalate_to} after ${s.escalation.after}${s.escalation.notify ? `, notifying ${s.escalation.notify}` : ""}`,
    );
  return `  ${s.position}. ${s.name}: ${parts.join(", ")}`;
}

/** A workflow for people: its fields, its stages, then any warning. */
export function workflowText(w: WorkflowObject, headline?: string): string {
  const body = fields([
    ["Workflow", `${w.name} (${w.slug})`],
    ["Organization", w.organization_slug],
    ["Trigger", w.trigger],
    ["Condition", w.condition],
    ["Status", w.status],
    ["On approval", w.on_approve === "grant" ? "grant the requester the access asked for" : null],
    ["ID", w.id],
  ]);
  const stages = w.stages.length
    ? `Stages:\n${w.stages.map(stageLine).join("\n")}`
    : "Stages: none yet (add one with: clerk workflow stage add)";
  const warnings = w.warnings.map((x) => `warning: ${x}`).join("\n");
  return [headline, body, stages, warnings].filter((x) => x).join("\n");
}
