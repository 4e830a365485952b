// How roles look in the API: Clerk's Role object for /organization_roles, and clerk's own richer one.
import type { ServiceContext } from "../../context.js";
import { type Grant, grantObject } from "../grants/index.js";
import { type Permission, listPermissions, permissionObject } from "../permissions/index.js";
import type { RoleDefaults } from "./role.defaults.js";
import type { Role } from "./role.service.js";

const CREATOR_NEEDS = ["org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:delete"];

/** Clerk's Role object: permissions as Permission objects, and whether it could be the creator role. */
export async function roleObject(ctx: ServiceContext, role: Role, catalogue?: Permission[]) {
  const all = catalogue ?? (await listPermissions(ctx));
  const byId = new Map(all.map((p) => [p.id, p]));
  const keys = new Set(role.grants.map((g) => g.permission));
  return {
    object: "role" as const,
    id: role.id,
    name: role.name,
    key: role.key,
    description: role.description || null,
    is_creator_eligible: CREATOR_NEEDS.every((k) => keys.has(k)),
    permissions: role.grants
      .map((g) => byId.get(g.permissionId))
      .filter((p): p is Permission => p !== undefined)
      .map(permissionObject),
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}

/** clerk's own role object: where it lives, its parents (keys and names), and its scoped, expiring grants. */
export function scopedRoleObject(role: Role) {
  return {
    object: "role" as const,
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description || null,
    organization_id: role.organizationId,
    extends: role.parents.map((p) => p.key),
    extends_names: role.parents.map((p) => p.name),
    grants: role.grants.map(grantObject),
    effective_grants: role.effectiveGrants.map((g) => ({
      permission: g.permission,
      scopes: g.scopes,
      expires_at: g.expiresAt,
      from_role: g.fromRole.key,
      from_role_name: g.fromRole.name,
      inherited: g.fromRole.id !== role.id,
    })),
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}

/** A role in a list: also how many members hold it, and its organization's slug (null when instance-wide). */
export function listedRoleObject(role: Role & { members: number; organizationSlug: string | null }) {
  return { ...scopedRoleObject(role), organization_slug: role.organizationSlug, members_count: role.members };
}

/** A role's grant after assigning it: the role's key and name, and the grant it replaced (null when new). */
export function roleGrantObject(role: Role, grant: Grant, before: Grant | undefined) {
  return { ...grantObject(grant), role: role.key, role_name: role.name, previous: before ? grantObject(before) : null };
}

/** A deleted role: its id, key and name, for a confirmation that names it. */
export function deletedRoleObject(role: Role) {
  return { object: "role" as const, id: role.id, key: role.key, name: role.name, deleted: true };
}

/** The instance's creator and default roles, by key as Clerk's organization settings name them, with ids and names. */
export function roleDefaultsObject(d: RoleDefaults) {
  return {
    object: "role_defaults" as const,
    creator_role: d.creator.key,
    creator_role_id: d.creator.id,
    creator_role_name: d.creator.name,
    default_role: d.default.key,
    default_role_id: d.default.id,
    default_role_name: d.default.name,
  };
}
