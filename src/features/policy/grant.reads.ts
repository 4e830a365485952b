// Reads of grants: a permission held by a role or directly by a membership, with scopes and an optional expiry.
import type { Kysely } from "kysely";
import type { ServiceContext } from "../../context.js";
import type { Database } from "../../store/database.js";

/** Who holds a grant. */
export type GrantHolder = { roleId: string; membershipId?: undefined } | { membershipId: string; roleId?: undefined };

/** A grant as services return it. */
export interface Grant {
  id: string;
  roleId: string | null;
  membershipId: string | null;
  permissionId: string;
  permission: string;
  scopes: string[];
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The grants held by these roles or memberships, by permission key. */
export async function grantsOf(ctx: ServiceContext, holderIds: readonly string[]): Promise<Grant[]> {
  if (holderIds.length === 0) return [];
  const rows = await ctx.db
    .selectFrom("grants")
    .innerJoin("permissions", "permissions.id", "grants.permission_id")
    .selectAll("grants")
    .select("permissions.key as permission")
    .where("grants.holder_id", "in", holderIds)
    .orderBy("permissions.key")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    roleId: r.role_id,
    membershipId: r.membership_id,
    permissionId: r.permission_id,
    permission: r.permission,
    scopes: JSON.parse(r.scopes) as string[],
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** A grant of one permission with where its holder lives, for deleting a permission everywhere. */
export interface PermissionHolder {
  roleId: string | null;
  role: string | null;
  roleKey: string | null;
  membershipId: string | null;
  /** The organization of the holding role or membership; null for an instance-wide role. */
  organizationId: string | null;
  scopes: string[];
  expiresAt: number | null;
}

/** Every grant of a permission, with its holder. */
export async function holdersOfPermission(db: Kysely<Database>, permissionId: string): Promise<PermissionHolder[]> {
  const rows = await db
    .selectFrom("grants")
    .leftJoin("roles", "roles.id", "grants.role_id")
    .leftJoin("memberships", "memberships.id", "grants.membership_id")
    .select([
      "roles.name as role",
      "roles.key as roleKey",
      "roles.organization_id as roleOrg",
      "memberships.organization_id as memberOrg",
      "grants.membership_id",
      "grants.role_id",
      "grants.scopes",
      "grants.expires_at",
    ])
    .where("grants.permission_id", "=", permissionId)
    .execute();
  return rows.map((h) => ({
    roleId: h.role_id,
    role: h.role,
    roleKey: h.roleKey,
    membershipId: h.membership_id,
    organizationId: h.roleOrg ?? h.memberOrg ?? null,
    scopes: JSON.parse(h.scopes) as string[],
    expiresAt: h.expires_at,
  }));
}

/** When each grant was made, by grant id. */
export async function grantCreationTimes(
  db: Kysely<Database>,
  grantIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < grantIds.length; i += 500) {
    const rows = await db
      .selectFrom("grants")
      .select(["id", "created_at"])
      .where("id", "in", grantIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.created_at);
  }
  return out;
}
