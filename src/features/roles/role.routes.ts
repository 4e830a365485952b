// Roles over HTTP: Clerk-compatible /organization_roles (instance-wide, permissions as ids), and clerk's own
// role endpoints, per organization (/organizations/{id}/roles) or named anywhere (/roles), and the defaults.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { endpoint, mountAll } from "../../http/route.js";
import { listPermissions, page, pageQuery, resolvePermission } from "../permissions/index.js";
import {
  assignPermission,
  createRole,
  deleteRole,
  getRoleDefaults,
  listRoles,
  resolveRole,
  revokePermission,
  setRoleDefaults,
  updateRole,
} from "./index.js";
import {
  deletedRoleObject,
  listedRoleObject,
  roleDefaultsObject,
  roleGrantObject,
  roleObject,
  scopedRoleObject,
} from "./role.view.js";

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
  .object({
    name: z.string().min(1).optional(),
    key: z.string().optional(),
    description: z.string().nullable().optional(),
    permissions: z.array(z.string()).optional(),
  })
  .strict();

/** Role names or permissions: an array, or comma-separated as the CLI's flags give them. */
const names = z.union([z.array(z.string()), z.string()]);
const orgParams = z.object({ organization_id: z.string() });
const orgRoleParams = z.object({ organization_id: z.string(), role: z.string() });
const orgGrantParams = z.object({ organization_id: z.string(), role: z.string(), permission: z.string() });
const roleParams = z.object({ role: z.string() });
const grantParams = z.object({ role: z.string(), permission: z.string() });
/** Our role lists are short: everything unless `limit` is given. */
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .loose();
const orgCreateBody = z
  .object({
    name: z.string().min(1),
    key: z.string().optional(),
    description: z.string().optional(),
    extends: names.optional(),
    permissions: names.optional(),
  })
  .strict();
const orgUpdateBody = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    extends: names.optional(),
    add_permissions: names.optional(),
    remove_permissions: names.optional(),
  })
  .strict();
const grantBody = z
  .object({ scopes: names.optional(), expires_at: z.union([z.number().int(), z.string()]).nullable().optional() })
  .strict();
const defaultsBody = z.object({ creator_role: z.string().optional(), default_role: z.string().optional() }).strict();

function listed(roles: Awaited<ReturnType<typeof listRoles>>, q: z.output<typeof listQuery>) {
  const slice = roles.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  return { data: slice.map(listedRoleObject), total_count: roles.length };
}

const clerkTag = "Roles (Clerk)";
const tag = "Roles (organization)";
const anywhereTag = "Roles";

/** The role operations, served under /v1 and called by the CLI. */
export const roleEndpoints = {
  clerkList: endpoint(
    { method: "GET", url: "/organization_roles", tag: clerkTag, summary: "List instance-wide roles", query: pageQuery },
    async ({ ctx, query }) => {
      const catalogue = await listPermissions(ctx);
      const result = page(await listRoles(ctx, null), query);
      return {
        data: await Promise.all(result.data.map((r) => roleObject(ctx, r, catalogue))),
        total_count: result.total_count,
      };
    },
  ),

  clerkCreate: endpoint(
    {
      method: "POST",
      url: "/organization_roles",
      tag: clerkTag,
      summary: "Create an instance-wide role (permissions as ids)",
      body: createBody,
    },
    async ({ ctx, body }) => {
      const role = await createRole(ctx, {
        name: body.name,
        key: body.key,
        description: body.description ?? undefined,
        permissions: await permissionKeys(ctx, body.permissions ?? []),
      });
      return roleObject(ctx, role);
    },
  ),

  clerkGet: endpoint(
    {
      method: "GET",
      url: "/organization_roles/:organization_role_id",
      tag: clerkTag,
      summary: "Get an instance-wide role",
      params: idParams,
    },
    async ({ ctx, params }) => roleObject(ctx, await resolveRole(ctx, params.organization_role_id, null)),
  ),

  clerkUpdate: endpoint(
    {
      method: "PATCH",
      url: "/organization_roles/:organization_role_id",
      tag: clerkTag,
      summary: "Update a role; permissions (ids) replace the role's own",
      params: idParams,
      body: updateBody,
    },
    async ({ ctx, params, body }) => {
      const current = await resolveRole(ctx, params.organization_role_id, null);
      if (body.key !== undefined && body.key !== current.key) {
        throw new ClerkError(
          "input.invalid",
          "Changing a role's key is not supported; create a new role and move members to it.",
          { param: "key" },
        );
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
    },
  ),

  clerkDelete: endpoint(
    {
      method: "DELETE",
      url: "/organization_roles/:organization_role_id",
      tag: clerkTag,
      summary: "Delete a role (refused while creator/default, held, or extended)",
      params: idParams,
    },
    async ({ ctx, params }) => {
      const role = await deleteRole(ctx, params.organization_role_id, null);
      return { object: "role" as const, id: role.id, deleted: true };
    },
  ),

  clerkAssign: endpoint(
    {
      method: "POST",
      url: "/organization_roles/:organization_role_id/permissions/:permission_id",
      tag: clerkTag,
      summary: "Add a permission to a role (409 if present)",
      params: pairParams,
    },
    async ({ ctx, params }) => {
      const permission = await resolvePermission(ctx, params.permission_id);
      const current = await resolveRole(ctx, params.organization_role_id, null);
      if (current.grants.some((g) => g.permissionId === permission.id)) {
        throw new ClerkError("grant.exists", `${current.key} already has ${permission.key}.`, {
          param: "permission_id",
        });
      }
      const { role } = await assignPermission(ctx, {
        role: current.id,
        organization: null,
        permission: permission.key,
      });
      return roleObject(ctx, role);
    },
  ),

  clerkRemove: endpoint(
    {
      method: "DELETE",
      url: "/organization_roles/:organization_role_id/permissions/:permission_id",
      tag: clerkTag,
      summary: "Remove a permission from a role",
      params: pairParams,
    },
    async ({ ctx, params }) => {
      const permission = await resolvePermission(ctx, params.permission_id);
      return roleObject(
        ctx,
        await revokePermission(ctx, {
          role: params.organization_role_id,
          organization: null,
          permission: permission.key,
        }),
      );
    },
  ),

  organizationSettings: endpoint(
    {
      method: "GET",
      url: "/instance/organization_settings",
      tag: clerkTag,
      summary: "Instance organization settings (creator and default role)",
    },
    async ({ ctx }) => {
      const defaults = await getRoleDefaults(ctx);
      return {
        object: "organization_settings" as const,
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
    },
  ),

  listInOrg: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/roles",
      tag,
      summary: "Roles usable in an organization: instance-wide, ancestors', its own",
      params: orgParams,
      query: listQuery,
    },
    async ({ ctx, params, query }) => listed(await listRoles(ctx, params.organization_id), query),
  ),

  createInOrg: endpoint(
    {
      method: "POST",
      url: "/organizations/:organization_id/roles",
      tag,
      summary: "Create a role in an organization, extending several parents",
      params: orgParams,
      body: orgCreateBody,
    },
    async ({ ctx, params, body }) =>
      scopedRoleObject(await createRole(ctx, { ...body, organization: params.organization_id })),
  ),

  getInOrg: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/roles/:role",
      tag,
      summary: "Get a role by id, key or name",
      params: orgRoleParams,
    },
    async ({ ctx, params }) => scopedRoleObject(await resolveRole(ctx, params.role, params.organization_id)),
  ),

  updateInOrg: endpoint(
    {
      method: "PATCH",
      url: "/organizations/:organization_id/roles/:role",
      tag,
      summary: "Rename, re-parent, add or remove permissions",
      params: orgRoleParams,
      body: orgUpdateBody,
    },
    async ({ ctx, params, body }) =>
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
  ),

  deleteInOrg: endpoint(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/roles/:role",
      tag,
      summary: "Delete a role (guards apply)",
      params: orgRoleParams,
    },
    async ({ ctx, params }) => deletedRoleObject(await deleteRole(ctx, params.role, params.organization_id)),
  ),

  grantInOrg: endpoint(
    {
      method: "PUT",
      url: "/organizations/:organization_id/roles/:role/grants/:permission",
      tag,
      summary:
        "Grant a permission to a role with scopes and expiry (replaces an earlier grant of it, returned as previous)",
      params: orgGrantParams,
      body: grantBody,
    },
    async ({ ctx, params, body }) => {
      const { role, grant, before } = await assignPermission(ctx, {
        role: params.role,
        organization: params.organization_id,
        permission: params.permission,
        scope: body.scopes,
        expires: body.expires_at,
      });
      return roleGrantObject(role, grant, before);
    },
  ),

  revokeInOrg: endpoint(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/roles/:role/grants/:permission",
      tag,
      summary: "Take a permission away from a role (returns the role)",
      params: orgGrantParams,
    },
    async ({ ctx, params }) =>
      scopedRoleObject(
        await revokePermission(ctx, {
          role: params.role,
          organization: params.organization_id,
          permission: params.permission,
        }),
      ),
  ),

  list: endpoint(
    {
      method: "GET",
      url: "/roles",
      tag: anywhereTag,
      summary: "Every role: instance-wide ones and every organization's",
      query: listQuery,
    },
    async ({ ctx, query }) => listed(await listRoles(ctx), query),
  ),

  create: endpoint(
    {
      method: "POST",
      url: "/roles",
      tag: anywhereTag,
      summary: "Create an instance-wide role, extending several parents",
      body: orgCreateBody,
    },
    async ({ ctx, body }) => scopedRoleObject(await createRole(ctx, body)),
  ),

  get: endpoint(
    {
      method: "GET",
      url: "/roles/:role",
      tag: anywhereTag,
      summary: "Get a role by id, key or name: instance-wide first, else the one organization's role so named",
      params: roleParams,
    },
    async ({ ctx, params }) => scopedRoleObject(await resolveRole(ctx, params.role)),
  ),

  update: endpoint(
    {
      method: "PATCH",
      url: "/roles/:role",
      tag: anywhereTag,
      summary: "Rename, re-parent, add or remove permissions of a role named anywhere",
      params: roleParams,
      body: orgUpdateBody,
    },
    async ({ ctx, params, body }) =>
      scopedRoleObject(
        await updateRole(ctx, params.role, {
          name: body.name,
          description: body.description,
          extends: body.extends,
          addPermissions: body.add_permissions,
          removePermissions: body.remove_permissions,
        }),
      ),
  ),

  delete: endpoint(
    {
      method: "DELETE",
      url: "/roles/:role",
      tag: anywhereTag,
      summary: "Delete a role named anywhere (guards apply)",
      params: roleParams,
    },
    async ({ ctx, params }) => deletedRoleObject(await deleteRole(ctx, params.role)),
  ),

  grant: endpoint(
    {
      method: "PUT",
      url: "/roles/:role/grants/:permission",
      tag: anywhereTag,
      summary:
        "Grant a permission to a role named anywhere, with scopes and expiry (replaces an earlier grant of it, returned as previous)",
      params: grantParams,
      body: grantBody,
    },
    async ({ ctx, params, body }) => {
      const { role, grant, before } = await assignPermission(ctx, {
        role: params.role,
        permission: params.permission,
        scope: body.scopes,
        expires: body.expires_at,
      });
      return roleGrantObject(role, grant, before);
    },
  ),

  revoke: endpoint(
    {
      method: "DELETE",
      url: "/roles/:role/grants/:permission",
      tag: anywhereTag,
      summary: "Take a permission away from a role named anywhere (returns the role)",
      params: grantParams,
    },
    async ({ ctx, params }) =>
      scopedRoleObject(await revokePermission(ctx, { role: params.role, permission: params.permission })),
  ),

  defaults: endpoint(
    {
      method: "GET",
      url: "/instance/role_defaults",
      tag: anywhereTag,
      summary: "The creator role (organization creators) and default role (new members)",
    },
    async ({ ctx }) => roleDefaultsObject(await getRoleDefaults(ctx)),
  ),

  setDefaults: endpoint(
    {
      method: "PATCH",
      url: "/instance/role_defaults",
      tag: anywhereTag,
      summary: "Change the creator and/or default role (instance-wide roles)",
      body: defaultsBody,
    },
    async ({ ctx, body }) =>
      roleDefaultsObject(await setRoleDefaults(ctx, { creator: body.creator_role, default: body.default_role })),
  ),
};

export function registerRoleRoutes(app: FastifyInstance): void {
  mountAll(app, roleEndpoints);
}
