// Clerk-compatible /organization_roles (instance-wide roles, permissions given as ids).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { parseRequest } from "../../http/validate.js";
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

export function registerRoleRoutes(app: FastifyInstance): void {
  app.get("/organization_roles", async (request) => {
    const q = parseRequest(pageQuery, request.query);
    const catalogue = await listPermissions(request.ctx);
    const result = page(await listRoles(request.ctx, null), q);
    return { data: await Promise.all(result.data.map((r) => roleObject(request.ctx, r, catalogue))), total_count: result.total_count };
  });

  app.post("/organization_roles", async (request) => {
    const body = parseRequest(createBody, request.body);
    const role = await createRole(request.ctx, {
      name: body.name,
      key: body.key,
      description: body.description ?? undefined,
      permissions: await permissionKeys(request.ctx, body.permissions ?? []),
    });
    return roleObject(request.ctx, role);
  });

  app.get("/organization_roles/:organization_role_id", async (request) => {
    const { organization_role_id } = parseRequest(idParams, request.params);
    return roleObject(request.ctx, await resolveRole(request.ctx, organization_role_id, null));
  });

  app.patch("/organization_roles/:organization_role_id", async (request) => {
    const { organization_role_id } = parseRequest(idParams, request.params);
    const body = parseRequest(updateBody, request.body);
    const current = await resolveRole(request.ctx, organization_role_id, null);
    if (body.key !== undefined && body.key !== current.key) {
      throw new ClerkError("input.invalid", "Changing a role's key is not supported; create a new role and move members to it.", { param: "key" });
    }
    const wanted = body.permissions === undefined ? undefined : await permissionKeys(request.ctx, body.permissions);
    const held = current.grants.map((g) => g.permission);
    const role = await updateRole(request.ctx, current.id, {
      organization: null,
      name: body.name,
      description: body.description ?? undefined,
      addPermissions: wanted?.filter((k) => !held.includes(k)),
      removePermissions: wanted === undefined ? undefined : held.filter((k) => !wanted.includes(k)),
    });
    return roleObject(request.ctx, role);
  });

  app.delete("/organization_roles/:organization_role_id", async (request) => {
    const { organization_role_id } = parseRequest(idParams, request.params);
    const role = await deleteRole(request.ctx, organization_role_id, null);
    return { object: "role", id: role.id, deleted: true };
  });

  app.post("/organization_roles/:organization_role_id/permissions/:permission_id", async (request) => {
    const { organization_role_id, permission_id } = parseRequest(pairParams, request.params);
    const permission = await resolvePermission(request.ctx, permission_id);
    const current = await resolveRole(request.ctx, organization_role_id, null);
    if (current.grants.some((g) => g.permissionId === permission.id)) {
      throw new ClerkError("grant.exists", `${current.key} already has ${permission.key}.`, { param: "permission_id" });
    }
    const { role } = await assignPermission(request.ctx, { role: current.id, organization: null, permission: permission.key });
    return roleObject(request.ctx, role);
  });

  app.delete("/organization_roles/:organization_role_id/permissions/:permission_id", async (request) => {
    const { organization_role_id, permission_id } = parseRequest(pairParams, request.params);
    const permission = await resolvePermission(request.ctx, permission_id);
    const role = await revokePermission(request.ctx, { role: organization_role_id, organization: null, permission: permission.key });
    return roleObject(request.ctx, role);
  });

  app.get("/instance/organization_settings", async (request) => {
    const defaults = await getRoleDefaults(request.ctx);
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
