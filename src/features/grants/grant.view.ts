// How a grant is shown to people and scripts, shared by the role and member commands.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { Grant } from "../policy/index.js";

/** "org:code:read on repository:*-app until 2026-07-01T00:00:00.000Z". */
export const describeGrant = (g: Pick<Grant, "permission" | "scopes" | "expiresAt">) =>
  `${g.permission}${g.scopes.length ? ` on ${g.scopes.join(", ")}` : ""}${g.expiresAt ? ` until ${new Date(g.expiresAt).toISOString()}` : ""}`;

/** `object: "grant"`: a permission held by a role (role_id) or given directly to a member (membership_id). */
export const grantSchema = z.object({
  object: z.literal("grant"),
  id: z.string(),
  permission: z.string().describe("The permission's key, e.g. org:code:read"),
  scopes: z.array(z.string()).describe("type:pattern scopes, e.g. repository:*-app; empty means everywhere"),
  expires_at: millis.nullable(),
  role_id: z.string().nullable(),
  membership_id: z.string().nullable(),
  created_at: millis,
  updated_at: millis,
});

export type GrantObject = z.infer<typeof grantSchema>;

/** The API form of a grant (`object: "grant"`). */
export const grantObject = (g: Grant): GrantObject => ({
  object: "grant",
  id: g.id,
  permission: g.permission,
  scopes: g.scopes,
  expires_at: g.expiresAt,
  role_id: g.roleId,
  membership_id: g.membershipId,
  created_at: g.createdAt,
  updated_at: g.updatedAt,
});
