// Input shapes for events, decisions and assignments, parsed once at the edge.
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";

/** Event data is a JSON object of attributes, at most 256 KB and 32 levels deep. */
const eventData = jsonObject(262_144);

export const emitEventSchema = z.object({
  organization: z.string().trim().min(1),
  type: z.string().trim().min(1, "must name the event type, e.g. pull_request_opened"),
  data: eventData.default({}),
  idempotencyKey: z.string().trim().min(1).max(200, "must be at most 200 characters").optional(),
  /** Who asked for the change (e-mail or user id); default: the acting member. Never assigned their own run. */
  requester: z.string().trim().min(1).optional(),
});
export type EmitEventInput = z.input<typeof emitEventSchema>;

export const approveSchema = z.object({
  comment: z.string().max(4000, "must be at most 4000 characters").optional(),
  formData: jsonObject().optional(),
});
export type ApproveInput = z.input<typeof approveSchema>;

export const rejectSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, "must say why (it is shown to the requester and counted in stats)")
    .max(4000, "must be at most 4000 characters"),
});
export type RejectInput = z.input<typeof rejectSchema>;

export const assignSchema = z
  .object({
    reviewer: z.string().trim().min(1),
    task: z.string().trim().min(1).optional(),
    run: z.string().trim().min(1).optional(),
    workflow: z.string().trim().min(1).optional(),
    organization: z.string().trim().min(1).optional(),
    pullRequest: z.string().trim().min(1).optional(),
  })
  .refine(
    (a) => a.task !== undefined || a.run !== undefined || (a.workflow !== undefined && a.pullRequest !== undefined),
    {
      message:
        "name the task, the run, or the workflow and pull request (--task, --run, or --workflow with --pull-request)",
      path: ["run"],
    },
  );
export type AssignInput = z.input<typeof assignSchema>;
