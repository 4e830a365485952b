// How the access engine's answers look in the API: a check (with its path when explained) and who can.
import { z } from "zod";

/** One hop of the path that allowed (or would have allowed) a check. */
export const explainStepSchema = z.object({
  kind: z.enum(["member", "ancestor", "role", "parent_role", "grant", "scope"]),
  id: z.string().describe("User id, organization id, role id, grant id, or the scope as type:pattern"),
  label: z.string().describe("E-mail, slug, role name, permission key, or how the scope matched"),
});

/** `object: "check"`: the decision; with explain=true also the path and the nearest miss. */
export const checkSchema = z.object({
  object: z.literal("check"),
  allowed: z.boolean(),
  reason: z.string().describe('Starts with the verdict: "allowed: …" or "denied: …"'),
  path: z
    .array(explainStepSchema)
    .optional()
    .describe("With explain=true: member (or ancestor) → role → parent roles → grant → scope; empty when denied"),
  nearest_miss: z
    .string()
    .nullable()
    .optional()
    .describe("With explain=true: for a denial, the grant that came closest and why it did not apply; else null"),
});

export type CheckObject = z.infer<typeof checkSchema>;

/** A member who may do it, and through what. */
export const whoCanSchema = z.object({
  user_id: z.string(),
  identifier: z.string().describe("The member as people know them: their e-mail address"),
  reason: z.string().describe('The path that allows it, without the "allowed: " of a check'),
});
