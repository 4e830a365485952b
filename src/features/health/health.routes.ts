// The health-check endpoints: one per check, and the whole report, under an organization.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { endpoint, mountAll } from "../../http/route.js";
import { auditAdmins, auditMembers, auditPermissions, auditRoles, healthReport } from "./health.service.js";

const params = z.object({ organization_id: z.string() });
const filterQuery = z.object({ filter: z.string().optional() }).strict();
const windowQuery = z.object({ unused_for: z.string().optional() }).strict();

const tag = "Health checks";
const list = <T>(data: T[]) => ({ data, total_count: data.length });

/** The health checks, served under /v1 and called by the CLI. */
export const healthEndpoints = {
  report: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/health",
      tag,
      summary:
        "Every health check of an organization (unused_for defaults to 90d), each finding with the command that fixes it",
      params,
      query: windowQuery,
    },
    async ({ ctx, params: p, query: q }) => healthReport(ctx, p.organization_id, { unusedFor: q.unused_for }),
  ),

  roles: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/roles",
      tag,
      summary: "The organization's roles no member holds (filter: no-members)",
      params,
      query: filterQuery,
    },
    async ({ ctx, params: p, query: q }) => list(await auditRoles(ctx, p.organization_id, { filter: q.filter })),
  ),

  permissions: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/permissions",
      tag,
      summary:
        "Permissions members hold that no allowed check used in the window (unused_for: 90d, 12h, 30m), with who holds them",
      params,
      query: windowQuery,
    },
    async ({ ctx, params: p, query: q }) =>
      list(await auditPermissions(ctx, p.organization_id, { unusedFor: q.unused_for })),
  ),

  members: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/members",
      tag,
      summary:
        "Direct grants beyond members' roles and grants past their expiry (filter: over-permissioned, expired-grants; default both)",
      params,
      query: filterQuery,
    },
    async ({ ctx, params: p, query: q }) => list(await auditMembers(ctx, p.organization_id, { filter: q.filter })),
  ),

  admins: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/admins",
      tag,
      summary: "The organization and descendants with a single admin (or none)",
      params,
    },
    async ({ ctx, params: p }) => list(await auditAdmins(ctx, p.organization_id)),
  ),
};

export function registerHealthRoutes(app: FastifyInstance): void {
  mountAll(app, healthEndpoints);
}
