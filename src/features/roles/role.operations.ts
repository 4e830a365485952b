// The role operations: Clerk-compatible /organization_roles (instance-wide, permissions as ids), and clerk's own
// role operations, per organization (/organizations/{id}/roles) or named anywhere (/roles), and the defaults.
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { operation, pageOf } from "../../operations/index.js";
import { listPermissions, page, pageQuery, resolvePermission } from "../permissions/index.js";
import { getRoleDefaults, setRoleDefaults } from "./role.defaults.js";
import { assignPermission, revokePermission } from "./role-grant.service.js";
import { createRole, deleteRole, listRoles, resolveRole, updateRole } from "./role.service.js";
import {
  clerkDeletedRoleSchema,
  deletedRoleObject,
  deletedRoleSchema,
  listedRoleObject,
  listedRoleSchema,
  organizationSettingsObject,
  organizationSettingsSchema,
  roleDefaultsObject,
  roleDefaultsSchema,
  roleGrantObject,
  roleGrantSchema,
  roleObject,
  roleSchema,
  scopedRoleObject,
  scopedRoleSchema,
} from "./role.view.js";

async function permissionKeys(ctx: ServiceContext, ids: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const id of ids) keys.push((await resolvePermission(ctx, id)).key);
  return keys;
}

const idParams = z.object({ organization_role_id: z.string().describe("role id, key or name") });
const pairParams = z.object({
  organization_role_id: z.string().describe("role id, key or name"),
  permission_id: z.string().describe("permission id or key"),
});
const createBody = z
  .object({
    name: z.string().min(1),
    key: z.string().describe("org:<name>"),
    description: z.string().nullable().optional(),
    permissions: z.array(z.string()).optional().describe("permission ids (or keys)"),
    include_in_initial_role_set: z.boolean().optional().describe("accepted for Clerk's SDKs and ignored"),
  })
  .strict();
const updateBody = z
  .object({
    name: z.string().min(1).optional(),
    key: z.string().optional().describe("must be the role's key: a key never changes"),
    description: z.string().nullable().optional(),
    permissions: z.array(z.string()).optional().describe("permission ids (or keys) replacing the role's own"),
  })
  .strict();

/** Role names or permissions: an array, or comma-separated as the CLI's flags give them. */
const names = z.union([z.array(z.string()), z.string()]);
const orgParams = z.object({ organization_id: z.string().describe("slug, id or name") });
const roleRef = z.string().describe("name, key or id");
const orgRoleParams = orgParams.extend({ role: roleRef });
const orgGrantParams = orgRoleParams.extend({
  permission: z.string().describe("org:<feature>:<action> or <action>:<feature>"),
});
const roleParams = z.object({ role: roleRef });
const grantParams = roleParams.extend({
  permission: z.string().describe("org:<feature>:<action> or <action>:<feature>"),
});
/** Our role lists are short: everything unless `limit` is given. */
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .loose();
const orgCreateBody = z
  .object({
    name: z.string().min(1).describe("display name; the key is org:<name in snake_case>"),
    key: z.string().optional().describe("explicit key, org:<name>"),
    description: z.string().optional().describe("what the role is for"),
    extends: names.optional().describe("parent role(s); the role holds their permissions too"),
    permissions: names.optional().describe("e.g. read:code,approve:pull-requests; unknown ones are created"),
  })
  .strict();
const orgUpdateBody = z
  .object({
    name: z.string().min(1).optional().describe("new name"),
    description: z.string().optional().describe("new description"),
    extends: names.optional().describe('replace the parents ("" or [] for none)'),
    add_permissions: names.optional().describe("permissions to add"),
    remove_permissions: names.optional().describe("permissions to remove"),
  })
  .strict();
const grantBody = z
  .object({
    scopes: names.optional().describe("type:pattern, e.g. repository:frontend-app,repository:*-app or path:docs/"),
    expires_at: z
      .union([z.number().int(), z.string()])
      .nullable()
      .optional()
      .describe("Unix ms, a date (through that day, UTC) or an ISO time; null for never"),
  })
  .strict();
const defaultsBody = z
  .object({
    creator_role: z.string().optional().describe("instance-wide role for organization creators"),
    default_role: z.string().optional().describe("instance-wide role for new members"),
  })
  .strict();

function listed(roles: Awaited<ReturnType<typeof listRoles>>, q: z.output<typeof listQuery>) {
  const slice = roles.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  return { data: slice.map(listedRoleObject), total_count: roles.length };
}

const clerkTag = "Roles (Clerk)";
const tag = "Roles (organization)";
const anywhereTag = "Roles";

/** The role operations, served under /v1 and called by the CLI. */
export const roleOperations = {
  clerkList: operation(
    {
      method: "GET",
      url: "/organization_roles",
      tag: clerkTag,
      summary: "List instance-wide roles",
      query: pageQuery,
      output: pageOf(roleSchema),
    },
    async ({ ctx, query }) => {
      const catalogue = await listPermissions(ctx);
      const result = page(await listRoles(ctx, null), query);
      return {
        data: await Promise.all(result.data.map((r) => roleObject(ctx, r, catalogue))),
        total_count: result.total_count,
      };
    },
  ),

  clerkCreate: operation(
    {
      method: "POST",
      url: "/organization_roles",
      tag: clerkTag,
      summary: "Create an instance-wide role (permissions as ids)",
      body: createBody,
      output: roleSchema,
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

  clerkGet: operation(
    {
      method: "GET",
      url: "/organization_roles/:organization_role_id",
      tag: clerkTag,
      summary: "Get an instance-wide role",
      params: idParams,
      output: roleSchema,
    },
    async ({ ctx, params }) => roleObject(ctx, await resolveRole(ctx, params.organization_role_id, null)),
  ),

  clerkUpdate: operation(
    {
      method: "PATCH",
      url: "/organization_roles/:organization_role_id",
      tag: clerkTag,
      summary: "Update a role; permissions (ids) replace the role's own",
      params: idParams,
      body: updateBody,
      output: roleSchema,
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

  clerkDelete: operation(
    {
      method: "DELETE",
      url: "/organization_roles/:organization_role_id",
      tag: clerkTag,
      summary: "Delete a role (refused while creator/default, held, or extended)",
      params: idParams,
      output: clerkDeletedRoleSchema,
    },
    async ({ ctx, params }) => {
      const role = await deleteRole(ctx, params.organization_role_id, null);
      return { object: "role" as const, id: role.id, deleted: true as const };
    },
  ),

  clerkAssign: operation(
    {
      method: "POST",
      url: "/organization_roles/:organization_role_id/permissions/:permission_id",
      tag: clerkTag,
      summary: "Add a permission to a role (409 if present)",
      params: pairParams,
      output: roleSchema,
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

  clerkRemove: operation(
    {
      method: "DELETE",
      url: "/organization_roles/:organization_role_id/permissions/:permission_id",
      tag: clerkTag,
      summary: "Remove a permission from a role",
      params: pairParams,
      output: roleSchema,
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

  organizationSettings: operation(
    {
      method: "GET",
      url: "/instance/organization_settings",
      tag: clerkTag,
      summary: "Instance organization settings (creator and default role)",
      output: organizationSettingsSchema,
    },
    async ({ ctx }) => organizationSettingsObject(await getRoleDefaults(ctx)),
  ),

  listInOrg: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/roles",
      tag,
      summary: "Roles usable in an organization: instance-wide, ancestors', its own",
      params: orgParams,
      query: listQuery,
      output: pageOf(listedRoleSchema),
    },
    async ({ ctx, params, query }) => listed(await listRoles(ctx, params.organization_id), query),
  ),

  createInOrg: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/roles",
      tag,
      summary: "Create a role in an organization, extending several parents",
      params: orgParams,
      body: orgCreateBody,
      output: scopedRoleSchema,
    },
    async ({ ctx, params, body }) =>
      scopedRoleObject(await createRole(ctx, { ...body, organization: params.organization_id })),
  ),

  getInOrg: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/roles/:role",
      tag,
      summary: "Get a role by id, key or name",
      params: orgRoleParams,
      output: scopedRoleSchema,
    },
    async ({ ctx, params }) => scopedRoleObject(await resolveRole(ctx, params.role, params.organization_id)),
  ),

  updateInOrg: operation(
    {
      method: "PATCH",
      url: "/organizations/:organization_id/roles/:role",
      tag,
      summary: "Rename, re-parent, add or remove permissions",
      params: orgRoleParams,
      body: orgUpdateBody,
      output: scopedRoleSchema,
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

  deleteInOrg: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/roles/:role",
      tag,
      summary: "Delete a role (guards apply)",
      params: orgRoleParams,
      output: deletedRoleSchema,
    },
    async ({ ctx, params }) => deletedRoleObject(await deleteRole(ctx, params.role, params.organization_id)),
  ),

  grantInOrg: operation(
    {
      method: "PUT",
      url: "/organizations/:organization_id/roles/:role/grants/:permission",
      tag,
      summary:
        "Grant a permission to a role with scopes and expiry (replaces an earlier grant of it, returned as previous)",
      params: orgGrantParams,
      body: grantBody,
      output: roleGrantSchema,
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

  revokeInOrg: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/roles/:role/grants/:permission",
      tag,
      summary: "Take a permission away from a role (returns the role)",
      params: orgGrantParams,
      output: scopedRoleSchema,
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

  list: operation(
    {
      method: "GET",
      url: "/roles",
      tag: anywhereTag,
      summary: "Every role: instance-wide ones and every organization's",
      query: listQuery,
      output: pageOf(listedRoleSchema),
    },
    async ({ ctx, query }) => listed(await listRoles(ctx), query),
  ),

  create: operation(
    {
      method: "POST",
      url: "/roles",
      tag: anywhereTag,
      summary: "Create an instance-wide role, extending several parents",
      body: orgCreateBody,
      output: scopedRoleSchema,
    },
    async ({ ctx, body }) => scopedRoleObject(await createRole(ctx, body)),
  ),

  get: operation(
    {
      method: "GET",
      url: "/roles/:role",
      tag: anywhereTag,
      summary: "Get a role by id, key or name: instance-wide first, else the one organization's role so named",
      params: roleParams,
      output: scopedRoleSchema,
    },
    async ({ ctx, params }) => scopedRoleObject(await resolveRole(ctx, params.role)),
  ),

  update: operation(
    {
      method: "PATCH",
      url: "/roles/:role",
      tag: anywhereTag,
      summary: "Rename, re-parent, add or remove permissions of a role named anywhere",
      params: roleParams,
      body: orgUpdateBody,
      output: scopedRoleSchema,
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

  delete: operation(
    {
      method: "DELETE",
      url: "/roles/:role",
      tag: anywhereTag,
      summary: "Delete a role named anywhere (guards apply)",
      params: roleParams,
      output: deletedRoleSchema,
    },
    async ({ ctx, params }) => deletedRoleObject(await deleteRole(ctx, params.role)),
  ),

  grant: operation(
    {
      method: "PUT",
      url: "/roles/:role/grants/:permission",
      tag: anywhereTag,
      summary:
        "Grant a permission to a role named anywhere, with scopes and expiry (replaces an earlier grant of it, returned as previous)",
      params: grantParams,
      body: grantBody,
      output: roleGrantSchema,
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

  revoke: operation(
    {
      method: "DELETE",
      url: "/roles/:role/grants/:permission",
      tag: anywhereTag,
      summary: "Take a permission away from a role named anywhere (returns the role)",
      params: grantParams,
      output: scopedRoleSchema,
    },
    async ({ ctx, params }) =>
      scopedRoleObject(await revokePermission(ctx, { role: params.role, permission: params.permission })),
  ),

  defaults: operation(
    {
      method: "GET",
      url: "/instance/role_defaults",
      tag: anywhereTag,
      summary: "The creator role (organization creators) and default role (new members)",
      output: roleDefaultsSchema,
    },
    async ({ ctx }) => roleDefaultsObject(await getRoleDefaults(ctx)),
  ),

  setDefaults: operation(
    {
      method: "PATCH",
      url: "/instance/role_defaults",
      tag: anywhereTag,
      summary: "Change the creator and/or default role (instance-wide roles)",
      body: defaultsBody,
      output: roleDefaultsSchema,
    },
    async ({ ctx, body }) =>
      roleDefaultsObject(await setRoleDefaults(ctx, { creator: body.creator_role, default: body.default_role })),
  ),
};
