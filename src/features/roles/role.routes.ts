// Clerk-compatible /organization_roles (instance-wide roles, permissions given as ids).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { route } from "../../http/route.js";
import { grantObject } from "../grants/index.js";
import { type Permission, listPermissions, page, pageQuery, permissionObject, resolvePermission } from "../permissions/index.js";
import { type Role, assignPermission, createRole, deleteRole, getRoleDefaults, listRoles, resolveRole, revokePermission, updateRole } from "./index.js";

const CREATOR_NEEDS = ["org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:delete"];

async function roleObject(ctx: ServiceContext, role: Role, catalogue?: Permission[]) {
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
    permissions: role.grants.map((g) => byId.get(g.permissionId)).filter((p): p is Permission => p !== undefined).map(permissionObject),
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}

async function permissionKeys(ctx: ServiceContext, ids: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const id of ids) keys.push((await resolvePermission(ctx, id)).key);
  return keys;
}

const idParams = z.object({ organization_role_id: z.string() });
const pairParams = z.object({ organization_role_id: z.string(), permission_id: z.string() });
const createBody = z
  .object({
    name: z.string().min(1),
    key: z.string(),
    description: z.string().nullable().optional(),
    permissions: z.array(z.string()).optional(),
    include_in_initial_role_set: z.boolean().optional(),
  })
  .strict();
const updateBody = z
  .object({ name: z.string().min(1).optional(), key: z.string().optional(), description: z.string().nullable().optional(), permissions: z.array(z.string()).optional() })
  .strict();

/** Our richer role object for organization-scoped roles: parents and scoped, expiring grants. */
function scopedRoleObject(role: Role) {
  return {
    object: "role" as const,
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description || null,
    organization_id: role.organizationId,
    extends: role.parents.map((p) => p.key),
    grants: role.grants.map(grantObject),
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}

const orgParams = z.object({ organization_id: z.string() });
const orgRoleParams = z.object({ organization_id: z.string(), role: z.string() });
const orgGrantParams = z.object({ organization_id: z.string(), role: z.string(), permission: z.string() });
const orgCreateBody = z
  .object({
    name: z.string().min(1),
    key: z.string().optional(),
    description: z.string().optional(),
    extends: z.array(z.string()).optional(),
    permissions: z.array(z.string()).optional(),
  })
  .strict();
const orgUpdateBody = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    extends: z.array(z.string()).optional(),
    add_permissions: z.array(z.string()).optional(),
    remove_permissions: z.array(z.string()).optional(),
  })
  .strict();
const grantBody = z.object({ scopes: z.array(z.string()).optional(), expires_at: z.union([z.number().int(), z.string()]).nullable().optional() }).strict();

function registerClerkRoleRoutes(app: FastifyInstance): void {
  const tag = "Roles (Clerk)";
  route(app, { method: "GET", url: "/organization_roles", tag, summary: "List instance-wide roles", query: pageQuery }, async ({ ctx, query }) => {
    const catalogue = await listPermissions(ctx);
    const result = page(await listRoles(ctx, null), query);
    return { data: await Promise.all(result.data.map((r) => roleObject(ctx, r, catalogue))), total_count: result.total_count };
  });

  route(app, { method: "POST", url: "/organization_roles", tag, summary: "Create an instance-wide role (permissions as ids)", body: createBody }, async ({ ctx, body }) => {
    const role = await createRole(ctx, { name: body.name, key: body.key, description: body.description ?? undefined, permissions: await permissionKeys(ctx, body.permissions ?? []) });
    return roleObject(ctx, role);
  });

  route(app, { method: "GET", url: "/organization_roles/:organization_role_id", tag, summary: "Get an instance-wide role", params: idParams }, async ({ ctx, params }) =>
    roleObject(ctx, await resolveRole(ctx, params.organization_role_id, null)),
  );

  route(app, { method: "PATCH", url: "/organization_roles/:organization_role_id", tag, summary: "Update a role; permissions (ids) replace the role's own", params: idParams, body: updateBody }, async ({ ctx, params, body }) => {
    const current = await resolveRole(ctx, params.organization_role_id, null);
    if (body.key !== undefined && body.key !== current.key) {
      throw new ClerkError("input.invalid", "Changing a role's key is not supported; create a new role and move members to it.", { param: "key" });
    }
    const wanted = body.permissions === undefined ? undefined : await permissionKeys(ctx, body.permissions);
    const held = current.grants.map((g) => g.permission);
    const role = await updateRole(ctx, current.id, {
      organization: null,
      name: body.name,
      description: body.description ?? undefined,
      addPermissions: wanted?.filter((k) => !held.includes(k)),
      removePermissions: wanted === undefined ? undefined : held.filter((k) => !wanted.includes(k)),
    });
    return roleObject(ctx, role);
  });

  route(app, { method: "DELETE", url: "/organization_roles/:organization_role_id", tag, summary: "Delete a role (refused while creator/default, held, or extended)", params: idParams }, async ({ ctx, params }) => {
    const role = await deleteRole(ctx, params.organization_role_id, null);
    return { object: "role", id: role.id, deleted: true };
  });

  route(app, { method: "POST", url: "/organization_roles/:organization_role_id/permissions/:permission_id", tag, summary: "Add a permission to a role (409 if present)", params: pairParams }, async ({ ctx, params }) => {
    const permission = await resolvePermission(ctx, params.permission_id);
    const current = await resolveRole(ctx, params.organization_role_id, null);
    if (current.grants.some((g) => g.permissionId === permission.id)) {
      throw new ClerkError("grant.exists", `${current.key} already has ${permission.key}.`, { param: "permission_id" });
    }
    const { role } = await assignPermission(ctx, { role: current.id, organization: null, permission: permission.key });
    return roleObject(ctx, role);
  });

  route(app, { method: "DELETE", url: "/organization_roles/:organization_role_id/permissions/:permission_id", tag, summary: "Remove a permission from a role", params: pairParams }, async ({ ctx, params }) => {
    const permission = await resolvePermission(ctx, params.permission_id);
    return roleObject(ctx, await revokePermission(ctx, { role: params.organization_role_id, organization: null, permission: permission.key }));
  });

  route(app, { method: "GET", url: "/instance/organization_settings", tag, summary: "Instance organization settings (creator and default role)" }, async ({ ctx }) => {
    const defaults = await getRoleDefaults(ctx);
    return {
      object: "organization_settings",
      enabled: true,
      max_allowed_memberships: 0,
      max_allowed_roles: 0,
      max_allowed_permissions: 0,
      creator_role: defaults.creator.key,
      admin_delete_enabled: true,
      domains_enabled: false,
      slug_disabled: false,
      domains_enrollment_modes: [],
      domains_default_role: defaults.default.key,
    };
  });
}

function registerScopedRoleRoutes(app: FastifyInstance): void {
  const tag = "Roles (organization)";
  route(app, { method: "GET", url: "/organizations/:organization_id/roles", tag, summary: "Roles usable in an organization: instance-wide, ancestors', its own", params: orgParams }, async ({ ctx, params }) => {
    const roles = await listRoles(ctx, params.organization_id);
    return { data: roles.map(scopedRoleObject), total_count: roles.length };
  });

  route(app, { method: "POST", url: "/organizations/:organization_id/roles", tag, summary: "Create a role in an organization, extending several parents", params: orgParams, body: orgCreateBody }, async ({ ctx, params, body }) =>
    scopedRoleObject(await createRole(ctx, { ...body, organization: params.organization_id })),
  );

  route(app, { method: "GET", url: "/organizations/:organization_id/roles/:role", tag, summary: "Get a role by id, key or name", params: orgRoleParams }, async ({ ctx, params }) =>
    scopedRoleObject(await resolveRole(ctx, params.role, params.organization_id)),
  );

  route(app, { method: "PATCH", url: "/organizations/:organization_id/roles/:role", tag, summary: "Rename, re-parent, add or remove permissions", params: orgRoleParams, body: orgUpdateBody }, async ({ ctx, params, body }) =>
    scopedRoleObject(
      await updateRole(ctx, params.role, {
        organization: params.organization_id,
        name: body.name,
        description: body.description,
        extends: body.extends,
        addPermissions: body.add_permissions,
        removePermissions: body.remove_permissions,
      }),
    ),
  );

  route(app, { method: "DELETE", url: "/organizations/:organization_id/roles/:role", tag, summary: "Delete a role (guards apply)", params: orgRoleParams }, async ({ ctx, params }) => {
    const role = await deleteRole(ctx, params.role, params.organization_id);
    return { object: "role", id: role.id, deleted: true };
  });

  route(app, { method: "PUT", url: "/organizations/:organization_id/roles/:role/grants/:permission", tag, summary: "Grant a permission to a role with scopes and expiry (replaces an earlier grant of it)", params: orgGrantParams, body: grantBody }, async ({ ctx, params, body }) => {
    const { grant } = await assignPermission(ctx, { role: params.role, organization: params.organization_id, permission: params.permission, scope: body.scopes, expires: body.expires_at });
    return grantObject(grant);
  });

  route(app, { method: "DELETE", url: "/organizations/:organization_id/roles/:role/grants/:permission", tag, summary: "Take a permission away from a role", params: orgGrantParams }, async ({ ctx, params }) =>
    scopedRoleObject(await revokePermission(ctx, { role: params.role, organization: params.organization_id, permission: params.permission })),
  );
}

export function registerRoleRoutes(app: FastifyInstance): void {
  registerClerkRoleRoutes(app);
  registerScopedRoleRoutes(app);
}
