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

/** One answer of a batch: the check's, or the error that check alone met (a denial is an answer, not an error). */
export const checkBatchResultSchema = z.discriminatedUnion("object", [
  checkSchema.extend({ correlation_id: z.string().nullable() }),
  z.object({
    correlation_id: z.string().nullable(),
    object: z.literal("error"),
    error: z.object({
      code: z.string().describe("clerk's error code, as in errors[].meta.clerk_code, e.g. org.not_found"),
      message: z.string(),
      param: z.string().nullable(),
    }),
  }),
]);

export type CheckBatchResult = z.infer<typeof checkBatchResultSchema>;

/** `object: "check_batch"`: one result per check, in the order asked. */
export const checkBatchSchema = z.object({
  object: z.literal("check_batch"),
  results: z.array(checkBatchResultSchema),
});

/** A member who may do it, and through what. */
export const whoCanSchema = z.object({
  user_id: z.string(),
  identifier: z.string().describe("The member as people know them: their e-mail address"),
  reason: z.string().describe('The path that allows it, without the "allowed: " of a check'),
});
