// Clerk-compatible /organization_permissions: the instance's permission catalogue.
import { z } from "zod";
import { deletedObject, operation, pageOf } from "../../operations/index.js";
import { page, pageQuery } from "./permission.page.js";
import {
  createPermission,
  deletePermission,
  listPermissions,
  resolvePermission,
  updatePermission,
} from "./permission.service.js";
import { deletedPermissionSchema, permissionObject, permissionSchema } from "./permission.view.js";

const idParams = z.object({ permission_id: z.string().describe("key or id") });
// Clerk requires a name; ours defaults to one made from the key ("org:code:read" → "Read code").
const createBody = z
  .object({
    key: z.string().describe("org:<feature>:<action>, or the shorthand <action>:<feature>"),
    name: z.string().min(1).optional().describe("display name"),
    description: z.string().optional().describe("what it allows"),
  })
  .strict();
const updateBody = z
  .object({
    name: z.string().min(1).optional().describe("new display name"),
    key: z.string().optional().describe("new key; its grants follow it"),
    description: z.string().optional().describe("new description"),
  })
  .strict();
// Clerk's delete revokes the permission from every holder; force=false refuses instead while it is granted.
const deleteQuery = z
  .object({
    force: z
      .enum(["true", "false"])
      .optional()
      .describe("false refuses while the permission is granted; default true revokes it everywhere"),
  })
  .loose();

const tag = "Permissions";

/** The catalogue's operations, served under /v1 and called by the CLI. */
export const permissionOperations = {
  list: operation(
    {
      method: "GET",
      url: "/organization_permissions",
      tag,
      summary: "List the permission catalogue",
      query: pageQuery,
      output: pageOf(permissionSchema),
    },
    async ({ ctx, query }) => {
      const result = page(await listPermissions(ctx), query);
      return { data: result.data.map(permissionObject), total_count: result.total_count };
    },
  ),

  create: operation(
    {
      method: "POST",
      url: "/organization_permissions",
      tag,
      summary: "Create a custom permission org:<feature>:<action>",
      body: createBody,
      output: permissionSchema,
    },
    async ({ ctx, body }) => permissionObject(await createPermission(ctx, body)),
  ),

  get: operation(
    {
      method: "GET",
      url: "/organization_permissions/:permission_id",
      tag,
      summary: "Get a permission by id or key",
      params: idParams,
      output: permissionSchema,
    },
    async ({ ctx, params }) => permissionObject(await resolvePermission(ctx, params.permission_id)),
  ),

  update: operation(
    {
      method: "PATCH",
      url: "/organization_permissions/:permission_id",
      tag,
      summary: "Rename or re-describe a custom permission",
      params: idParams,
      body: updateBody,
      output: permissionSchema,
    },
    async ({ ctx, params, body }) => permissionObject(await updatePermission(ctx, params.permission_id, body)),
  ),

  delete: operation(
    {
      method: "DELETE",
      url: "/organization_permissions/:permission_id",
      tag,
      summary:
        "Delete a custom permission (revoked from every holder, each audited; force=false refuses while granted)",
      params: idParams,
      query: deleteQuery,
      output: deletedPermissionSchema,
    },
    async ({ ctx, params, query }) => {
      const p = await deletePermission(ctx, params.permission_id, { force: query.force !== "false" });
      return deletedObject("permission", p.id);
    },
  ),
};
