// How roles look in the API: Clerk's Role object for /organization_roles, and clerk's own richer one.
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { millis } from "../../operations/index.js";
import { type Grant, grantObject, grantSchema } from "../grants/index.js";
import { type Permission, listPermissions, permissionObject, permissionSchema } from "../permissions/index.js";
import type { RoleDefaults } from "./role.defaults.js";
import type { Role } from "./role.service.js";

const CREATOR_NEEDS = ["org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:delete"];

/** Clerk's Role object (`object: "role"`), as /organization_roles answers it. */
export const roleSchema = z.object({
  object: z.literal("role"),
  id: z.string(),
  name: z.string(),
  key: z.string().describe("org:<name>, what session tokens carry"),
  description: z.string().nullable(),
  is_creator_eligible: z
    .boolean()
    .describe("Holds what an organization's creator needs: manage and read members, delete the organization"),
  permissions: z.array(permissionSchema).describe("The role's own permissions (not those it inherits)"),
  created_at: millis,
  updated_at: millis,
});

export type RoleObject = z.infer<typeof roleSchema>;

/** Clerk's Role object: permissions as Permission objects, and whether it could be the creator role. */
export async function roleObject(ctx: ServiceContext, role: Role, catalogue?: Permission[]): Promise<RoleObject> {
  const all = catalogue ?? (await listPermissions(ctx));
  const byId = new Map(all.map((p) => [p.id, p]));
  const keys = new Set(role.grants.map((g) => g.permission));
  return {
    object: "role",
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

/** A grant a role holds, its own or inherited from an ancestor. */
const effectiveGrantSchema = z.object({
  permission: z.string(),
  scopes: z.array(z.string()).describe("type:pattern scopes; empty means everywhere"),
  expires_at: millis.nullable(),
  from_role: z.string().describe("Key of the role holding the grant: this one or an ancestor"),
  from_role_name: z.string(),
  inherited: z.boolean().describe("True when the grant comes from an ancestor"),
});

/** clerk's own role object (`object: "role"`): where it lives, its parents, its own and effective grants. */
export const scopedRoleSchema = z.object({
  object: z.literal("role"),
  id: z.string(),
  key: z.string().describe("org:<name>, what session tokens carry"),
  name: z.string(),
  description: z.string().nullable(),
  organization_id: z.string().nullable().describe("The organization the role belongs to; null when instance-wide"),
  extends: z.array(z.string()).describe("Keys of the direct parents, in order"),
  extends_names: z.array(z.string()).describe("Names of the direct parents, in order"),
  grants: z.array(grantSchema).describe("The role's own grants"),
  effective_grants: z
    .array(effectiveGrantSchema)
    .describe("Everything it can do: its own grants first, then each parent's in order, each grant once"),
  created_at: millis,
  updated_at: millis,
});

export type ScopedRoleObject = z.infer<typeof scopedRoleSchema>;

/** clerk's own role object: where it lives, its parents (keys and names), and its scoped, expiring grants. */
export function scopedRoleObject(role: Role): ScopedRoleObject {
  return {
    object: "role",
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

/** A role in a list: also its organization's slug and how many members hold it. */
export const listedRoleSchema = scopedRoleSchema.extend({
  organization_slug: z.string().nullable().describe("null when instance-wide"),
  members_count: z.number().int().min(0).describe("Members holding the role"),
});

export type ListedRoleObject = z.infer<typeof listedRoleSchema>;

/** A role in a list: also how many members hold it, and its organization's slug (null when instance-wide). */
export function listedRoleObject(role: Role & { members: number; organizationSlug: string | null }): ListedRoleObject {
  return { ...scopedRoleObject(role), organization_slug: role.organizationSlug, members_count: role.members };
}

/** A role's grant after assigning it (`object: "grant"`), with the role and the grant it replaced. */
export const roleGrantSchema = grantSchema.extend({
  role: z.string().describe("The role's key"),
  role_name: z.string(),
  previous: grantSchema.nullable().describe("The grant of this permission it replaced; null when new"),
});

export type RoleGrantObject = z.infer<typeof roleGrantSchema>;

/** A role's grant after assigning it: the role's key and name, and the grant it replaced (null when new). */
export function roleGrantObject(role: Role, grant: Grant, before: Grant | undefined): RoleGrantObject {
  return { ...grantObject(grant), role: role.key, role_name: role.name, previous: before ? grantObject(before) : null };
}

/** A deleted role, as clerk's own role endpoints answer. */
export const deletedRoleSchema = z.object({
  object: z.literal("role"),
  id: z.string(),
  key: z.string(),
  name: z.string(),
  deleted: z.literal(true),
});

/** A deleted role: its id, key and name, for a confirmation that names it. */
export function deletedRoleObject(role: Role): z.infer<typeof deletedRoleSchema> {
  return { object: "role", id: role.id, key: role.key, name: role.name, deleted: true };
}

/** Clerk's DeletedObject for a role. */
export const clerkDeletedRoleSchema = z.object({ object: z.literal("role"), id: z.string(), deleted: z.literal(true) });

/** `object: "role_defaults"`: the instance's creator and default roles. */
export const roleDefaultsSchema = z.object({
  object: z.literal("role_defaults"),
  creator_role: z.string().describe("Key of the role given to whoever creates an organization"),
  creator_role_id: z.string(),
  creator_role_name: z.string(),
  default_role: z.string().describe("Key of the role new members get"),
  default_role_id: z.string(),
  default_role_name: z.string(),
});

export type RoleDefaultsObject = z.infer<typeof roleDefaultsSchema>;

/** The instance's creator and default roles, by key as Clerk's organization settings name them, with ids and names. */
export function roleDefaultsObject(d: RoleDefaults): RoleDefaultsObject {
  return {
    object: "role_defaults",
    creator_role: d.creator.key,
    creator_role_id: d.creator.id,
    creator_role_name: d.creator.name,
    default_role: d.default.key,
    default_role_id: d.default.id,
    default_role_name: d.default.name,
  };
}

/** Clerk's OrganizationSettings object: fixed answers but for the creator and default role. */
export const organizationSettingsSchema = z.object({
  object: z.literal("organization_settings"),
  enabled: z.boolean().describe("Always true"),
  max_allowed_memberships: z.number().int().describe("Always 0: no limit"),
  max_allowed_roles: z.number().int().describe("Always 0: no limit"),
  max_allowed_permissions: z.number().int().describe("Always 0: no limit"),
  max_allowed_domains: z.number().int().describe("Always 0: no limit"),
  creator_role: z.string().describe("Key of the role given to whoever creates an organization"),
  admin_delete_enabled: z.boolean().describe("Always true"),
  domains_enabled: z.boolean().describe("Always true: organizations may verify domains"),
  slug_disabled: z.boolean().describe("Always false"),
  domains_enrollment_modes: z.array(z.string()).describe("The enrollment modes a domain may have"),
  domains_default_role: z.string().describe("Key of the default role, which new members get"),
});

/** Clerk's organization settings, answered from the instance's role defaults. */
export function organizationSettingsObject(d: RoleDefaults): z.infer<typeof organizationSettingsSchema> {
  return {
    object: "organization_settings",
    enabled: true,
    max_allowed_memberships: 0,
    max_allowed_roles: 0,
    max_allowed_permissions: 0,
    max_allowed_domains: 0,
    creator_role: d.creator.key,
    admin_delete_enabled: true,
    domains_enabled: true,
    slug_disabled: false,
    domains_enrollment_modes: ["manual_invitation", "automatic_invitation", "automatic_suggestion"],
    domains_default_role: d.default.key,
  };
}
