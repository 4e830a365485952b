// GET /v1/instance/status: the store an instance uses and what it holds.
import type { FastifyInstance } from "fastify";
import { endpoint, mountAll } from "../../http/route.js";
import { instanceStatus } from "./settings.service.js";

const tag = "Instance";

/** The instance operations, served under /v1 and called by the CLI. */
export const settingsEndpoints = {
  status: endpoint(
    {
      method: "GET",
      url: "/instance/status",
      tag,
      summary: "The store (engine, location without password) and counts of what it holds; instance keys only",
    },
    async ({ ctx }) => {
      const s = await instanceStatus(ctx);
      return {
        object: "instance_status" as const,
        database: s.location,
        engine: s.engine,
        organizations: s.organizations,
        users: s.users,
        roles: s.roles,
        permissions: s.permissions,
        audit_events: s.auditEvents,
      };
    },
  ),
};

export function registerSettingsRoutes(app: FastifyInstance): void {
  mountAll(app, settingsEndpoints);
}
