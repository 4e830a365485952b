// Clerk's Permission object, as /organization_permissions and the Clerk role object answer it.
import { z } from "zod";
import { deletedObjectSchema, millis } from "../../operations/index.js";
import type { Permission } from "./permission.service.js";

/** `object: "permission"`: one entry of the instance's catalogue. */
export const permissionSchema = z.object({
  object: z.literal("permission"),
  id: z.string(),
  name: z.string(),
  key: z.string().describe("org:<feature>:<action>, e.g. org:code:read"),
  description: z.string().describe("What it allows; an empty string when none was given"),
  type: z
    .enum(["system", "custom"])
    .describe("system: built in (org:sys_*), never in session tokens; custom: the instance's own"),
  created_at: millis,
  updated_at: millis,
});

export type PermissionObject = z.infer<typeof permissionSchema>;

/** Clerk's Permission object. */
export function permissionObject(p: Permission): PermissionObject {
  return {
    object: "permission",
    id: p.id,
    name: p.name,
    key: p.key,
    description: p.description,
    type: p.type,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

/** A deleted permission: Clerk's DeletedObject. */
export const deletedPermissionSchema = deletedObjectSchema("permission");
