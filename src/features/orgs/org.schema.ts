// Input shapes for organizations.
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { int32 } from "../../validation.js";

const name = z.string().trim().min(1, "must not be empty").max(256, "must be at most 256 characters");
const slugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single dashes, e.g. "engineering-team"')
  .max(128);

export const createOrgSchema = z.object({
  name,
  slug: slugSchema.optional(),
  description: z.string().trim().max(2000).optional(),
  parent: z.string().trim().min(1).optional(),
  maxAllowedMemberships: int32(0).optional(),
  inheritAncestorRead: z.boolean().optional(),
  publicMetadata: jsonObject().optional(),
  privateMetadata: jsonObject().optional(),
  /** The user recorded as creator (the members feature also makes them a member). */
  createdBy: z.string().optional(),
});
export type CreateOrgInput = z.input<typeof createOrgSchema>;

export const updateOrgSchema = z.object({
  name: name.optional(),
  slug: slugSchema.optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  /** A new parent (id, slug or name), or null to make the organization top-level. */
  parent: z.string().trim().min(1).nullable().optional(),
  maxAllowedMemberships: int32(0).optional(),
  inheritAncestorRead: z.boolean().optional(),
});
export type UpdateOrgInput = z.input<typeof updateOrgSchema>;

/** "Engineering Team" → "engineering-team"; accents dropped, other runs become one dash. */
export function slugify(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 128);
}
