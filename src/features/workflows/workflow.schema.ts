// Input shapes for workflow definitions, parsed once at the edge (CLI flags, HTTP bodies).
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { int32 } from "../../validation.js";

/** What a workflow may do when one of its runs is approved: `grant` gives the requester the access they asked for. */
export const ON_APPROVE = ["grant"] as const;
export type OnApprove = (typeof ON_APPROVE)[number];

export const STRATEGIES = ["round-robin", "least-loaded", "manual"] as const;
const strategySchema = z.enum(STRATEGIES);

const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** A new workflow; `template` fills its trigger, condition and stages from a built-in template. */
export const createWorkflowSchema = z.object({
  organization: text(256),
  name: text(128).optional(),
  description: z.string().max(2000).optional(),
  trigger: text(200).optional(),
  condition: text(1000).optional(),
  template: text(64).optional(),
  /** Create it paused (no runs until resumed). */
  paused: z.boolean().optional(),
  /** What an approved run does: `grant` makes the access request's grant (see access-request.ts). */
  onApprove: z.enum(ON_APPROVE).optional(),
});
export type CreateWorkflowInput = z.input<typeof createWorkflowSchema>;

/** A change to a workflow; what is left out stays. `condition: null` removes it. */
export const updateWorkflowSchema = z.object({
  name: text(128).optional(),
  description: z.string().max(2000).optional(),
  trigger: text(200).optional(),
  condition: text(1000).nullable().optional(),
  status: z.enum(["active", "paused"]).optional(),
  onApprove: z.enum(ON_APPROVE).nullable().optional(),
});
export type UpdateWorkflowInput = z.input<typeof updateWorkflowSchema>;

/** A stage added to a workflow (last, or at `position`, counted from 1). */
export const addStageSchema = z.object({
  name: text(128),
  requiresRole: text(256),
  condition: text(1000).optional(),
  timeout: text(32).optional(),
  approvals: z.number().int().min(1, "must be at least 1").max(20, "must be at most 20").optional(),
  form: text(128).optional(),
  strategy: strategySchema.optional(),
  position: int32(1).optional(),
});
export type AddStageInput = z.input<typeof addStageSchema>;

/** A change to a stage; `null` removes a condition, timeout or form. */
export const updateStageSchema = z.object({
  name: text(128).optional(),
  requiresRole: text(256).optional(),
  condition: text(1000).nullable().optional(),
  timeout: text(32).nullable().optional(),
  approvals: z.number().int().min(1, "must be at least 1").max(20, "must be at most 20").optional(),
  form: text(128).nullable().optional(),
  strategy: strategySchema.optional(),
});
export type UpdateStageInput = z.input<typeof updateStageSchema>;

/** `clerk workflow assign`: the strategy for the stages that need `role` (or one `stage`, or all). */
export const assignStrategySchema = z.object({
  strategy: strategySchema,
  role: text(256).optional(),
  stage: text(128).optional(),
});
export type AssignStrategyInput = z.input<typeof assignStrategySchema>;

/** `clerk workflow escalation set`: after how long a stage's open tasks go to another role, and who hears of it. */
export const escalationSchema = z.object({
  stage: text(128),
  after: text(32),
  escalateTo: text(256),
  notify: text(320).optional(),
});
export type EscalationInput = z.input<typeof escalationSchema>;

/** A named set of glob patterns. */
export const fileSetSchema = z.object({
  organization: text(256),
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, "-" or "_" (e.g. security-sensitive)'),
  paths: z.array(z.string()).min(1, "must list at least one pattern").max(200, "must list at most 200 patterns"),
});
export type FileSetInput = z.input<typeof fileSetSchema>;

/** A form template: a JSON Schema of an object. */
export const formSchema = z.object({
  organization: text(256),
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,63}$/,
      'must be lowercase letters, digits, "-" or "_" (e.g. change-request-template)',
    ),
  description: z.string().max(2000).optional(),
  schema: jsonObject(),
});
export type FormInput = z.input<typeof formSchema>;

/** The happenings of a run that notification rules can be set `--on`. */
export const SIGNALS = ["stage:assigned", "stage:overdue", "stage:escalated", "run:approved", "run:rejected"] as const;
export type Signal = (typeof SIGNALS)[number];
