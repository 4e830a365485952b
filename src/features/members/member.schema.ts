// Input shapes for memberships.
import { z } from "zod";
import { emailSchema, userKindSchema } from "../users/index.js";
import { listSchema } from "../roles/index.js";

export const addMemberSchema = z
  .object({
    organization: z.string().trim().min(1),
    /** A new or existing user's e-mail (created when new)… */
    email: emailSchema.optional(),
    /** …or an existing user's id (Clerk's POST …/memberships). */
    userId: z.string().trim().min(1).optional(),
    roles: listSchema.optional(),
    kind: userKindSchema.optional(),
    publicMetadata: z.record(z.string(), z.unknown()).optional(),
    privateMetadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => v.email !== undefined || v.userId !== undefined, {
    message: "must name the member: an e-mail address or a user id",
    path: ["email"],
  });
export type AddMemberInput = z.input<typeof addMemberSchema>;

export const updateMemberSchema = z.object({
  organization: z.string().trim().min(1),
  email: z.string().trim().min(1),
  /** Replaces the member's roles. */
  roles: listSchema.refine((r) => r.length > 0, "must name at least one role"),
});
export type UpdateMemberInput = z.input<typeof updateMemberSchema>;
