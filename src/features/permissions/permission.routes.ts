// Clerk-compatible /organization_permissions: the instance's permission catalogue.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { endpoint, mountAll } from "../../http/route.js";
import {
  type Permission,
  createPermission,
  deletePermission,
  listPermissions,
  resolvePermission,
  updatePermission,
} from "./index.js";

/** Clerk's Permission object. */
export function permissionObject(p: Permission) {
  return {
    object: "permission" as const,
    id: p.id,
    name: p.name,
    key: p.key,
    description: p.description,
    type: p.type,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

/** limit/offset/query/order_by over an in-memory list, as Clerk's list endpoints take them. */
export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    query: z.string().optional(),
    order_by: z
      .enum(["created_at", "-created_at", "+created_at", "name", "-name", "+name", "key", "-key", "+key"])
      .optional(),
  })
  .loose();

/** Sorts, filters and pages items that carry id, name, key and createdAt. */
export function page<T extends { id: string; name: string; key: string; createdAt: number }>(
  items: readonly T[],
  q: z.output<typeof pageQuery>,
) {
  const needle = q.query?.toLowerCase();
  const hits = needle
    ? items.filter((i) => i.id === q.query || i.name.toLowerCase().includes(needle) || i.key.includes(needle))
    : [...items];
  const order = q.order_by ?? "-created_at";
  const field = order.replace(/^[+-]/, "") as "created_at" | "name" | "key";
  const sign = order.startsWith("-") ? -1 : 1;
  const value = (i: T) => (field === "created_at" ? i.createdAt : i[field]);
  hits.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id.localeCompare(b.id)) * sign);
  return { data: hits.slice(q.offset, q.offset + q.limit), total_count: hits.length };
}

const idParams = z.object({ permission_id: z.string() });
// Clerk requires a name; ours defaults to one made from the key ("org:code:read" → "Read code").
const createBody = z
  .object({ name: z.string().min(1).optional(), key: z.string(), description: z.string().optional() })
  .strict();
const updateBody = z
  .object({ name: z.string().min(1).optional(), key: z.string().optional(), description: z.string().optional() })
  .strict();
// Clerk's delete revokes the permission from every holder; force=false refuses instead while it is granted.
const deleteQuery = z.object({ force: z.enum(["true", "false"]).optional() }).loose();

const tag = "Permissions";

/** The catalogue's operations, served under /v1 and called by the CLI. */
export const permissionEndpoints = {
  list: endpoint(
    {
      method: "GET",
      url: "/organization_permissions",
      tag,
      summary: "List the permission catalogue",
      query: pageQuery,
    },
    async ({ ctx, query }) => {
      const result = page(await listPermissions(ctx), query);
      return { data: result.data.map(permissionObject), total_count: result.total_count };
    },
  ),

  create: endpoint(
    {
      method: "POST",
      url: "/organization_permissions",
      tag,
      summary: "Create a custom permission org:<feature>:<action>",
      body: createBody,
    },
    async ({ ctx, body }) => permissionObject(await createPermission(ctx, body)),
  ),

  get: endpoint(
    {
      method: "GET",
      url: "/organization_permissions/:permission_id",
      tag,
      summary: "Get a permission by id or key",
      params: idParams,
    },
    async ({ ctx, params }) => permissionObject(await resolvePermission(ctx, params.permission_id)),
  ),

  update: endpoint(
    {
      method: "PATCH",
      url: "/organization_permissions/:permission_id",
      tag,
      summary: "Rename or re-describe a custom permission",
      params: idParams,
      body: updateBody,
    },
    async ({ ctx, params, body }) => permissionObject(await updatePermission(ctx, params.permission_id, body)),
  ),

  delete: endpoint(
    {
      method: "DELETE",
      url: "/organization_permissions/:permission_id",
      tag,
      summary:
        "Delete a custom permission (revoked from every holder, each audited; force=false refuses while granted)",
      params: idParams,
      query: deleteQuery,
    },
    async ({ ctx, params, query }) => {
      const p = await deletePermission(ctx, params.permission_id, { force: query.force !== "false" });
      return { object: "permission" as const, id: p.id, key: p.key, deleted: true };
    },
  ),
};

export function registerPermissionRoutes(app: FastifyInstance): void {
  mountAll(app, permissionEndpoints);
}
