// How a grant is shown to people and scripts, shared by the role and member commands.
import { when } from "../../cli/output.js";
import type { Grant } from "../policy/index.js";

/** "org:code:read on repository:*-app until 2026-07-01T00:00:00.000Z". */
export const describeGrant = (g: Pick<Grant, "permission" | "scopes" | "expiresAt">) =>
  `${g.permission}${g.scopes.length ? ` on ${g.scopes.join(", ")}` : ""}${g.expiresAt ? ` until ${when(g.expiresAt)}` : ""}`;

/** The API form of a grant (`object: "grant"`). */
export const grantObject = (g: Grant) => ({
  object: "grant" as const,
  id: g.id,
  permission: g.permission,
  scopes: g.scopes,
  expires_at: g.expiresAt,
  role_id: g.roleId,
  membership_id: g.membershipId,
  created_at: g.createdAt,
  updated_at: g.updatedAt,
});
