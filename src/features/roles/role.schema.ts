// Input shapes for roles; lists may come as arrays or as the CLI's comma-separated strings.
import { z } from "zod";

/** "a, b" or ["a","b"] → ["a","b"]. */
export const listSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === "string" ? v.split(",") : v).map((s) => s.trim()).filter((s) => s !== ""));

export const createRoleSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(128),
  key: z.string().trim().optional(),
  description: z.string().trim().max(2000).optional(),
  organization: z.string().trim().min(1).optional(),
  extends: listSchema.optional(),
  permissions: listSchema.optional(),
});
export type CreateRoleInput = z.input<typeof createRoleSchema>;

export const updateRoleSchema = z.object({
  /** Where to look the role up; null means instance-wide roles only, undefined anywhere it is unambiguous. */
  organization: z.string().trim().min(1).nullable().optional(),
  name: z.string().trim().min(1).max(128).optional(),
  description: z.string().trim().max(2000).optional(),
  /** Replaces the parents. */
  extends: listSchema.optional(),
  addPermissions: listSchema.optional(),
  removePermissions: listSchema.optional(),
});
export type UpdateRoleInput = z.input<typeof updateRoleSchema>;
