// What the configuration operations answer: a plan as data.
import { z } from "zod";
import type { Plan } from "./config.plan.js";

const value = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

export const planSchema = z
  .object({
    object: z.literal("config_plan"),
    base: z.string().describe("sha256 of the state the plan was made from"),
    hash: z.string().describe("sha256 of the base and the changes"),
    prune: z.boolean(),
    with_members: z.boolean().describe("members were compared (--with-members)"),
    applied: z.boolean().describe("true when apply made these changes"),
    changes: z.array(
      z.object({
        action: z.enum(["create", "update", "delete"]),
        kind: z.enum([
          "permission",
          "organization",
          "role",
          "role_defaults",
          "file_set",
          "form",
          "workflow",
          "member",
          "notification_provider",
          "settings",
        ]),
        organization: z.string().nullable(),
        key: z.string(),
        fields: z.array(z.object({ field: z.string(), before: value, after: value })),
      }),
    ),
  })
  .strict();

export type PlanObject = z.input<typeof planSchema>;

export function planObject(plan: Plan, applied: boolean): PlanObject {
  return {
    object: "config_plan",
    base: plan.base,
    hash: plan.hash,
    prune: plan.prune,
    with_members: plan.withMembers,
    applied,
    changes: plan.changes,
  };
}
