// The instance status object: where an instance's store lives and how much it holds.
import { z } from "zod";
import type { InstanceStatus } from "./settings.service.js";

/** `object: "instance_status"`: the store's engine and location, and counts of what it holds. */
export const instanceStatusSchema = z.object({
  object: z.literal("instance_status"),
  database: z.string().nullable().describe("Where the store lives, any password removed; null when not known"),
  engine: z.enum(["sqlite", "postgres"]),
  organizations: z.number().int().min(0),
  users: z.number().int().min(0),
  roles: z.number().int().min(0),
  permissions: z.number().int().min(0),
  audit_events: z.number().int().min(0),
});

export type InstanceStatusObject = z.infer<typeof instanceStatusSchema>;

export function instanceStatusObject(s: InstanceStatus): InstanceStatusObject {
  return {
    object: "instance_status",
    database: s.location,
    engine: s.engine,
    organizations: s.organizations,
    users: s.users,
    roles: s.roles,
    permissions: s.permissions,
    audit_events: s.auditEvents,
  };
}
