// The health-check operations: one per check, and the whole report, under an organization.
import { z } from "zod";
import { operation, pageOf } from "../../operations/index.js";
import { auditAdmins, auditMembers, auditPermissions, auditRoles, healthReport } from "./health.service.js";
import {
  adminFindingSchema,
  healthReportSchema,
  memberFindingSchema,
  permissionFindingSchema,
  roleFindingSchema,
} from "./health.view.js";

const params = z.object({ organization_id: z.string().describe("slug, id or name") });
const filterQuery = z.object({ filter: z.string().optional() }).strict();
const windowQuery = z.object({ unused_for: z.string().optional().describe("the window: 90d, 12h or 30m") }).strict();

const tag = "Health checks";
const list = <T>(data: T[]) => ({ data, total_count: data.length });

/** The health checks, served under /v1 and called by the CLI. */
export const healthOperations = {
  report: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/health",
      tag,
      summary:
        "Every health check of an organization (unused_for defaults to 90d), each finding with the command that fixes it",
      params,
      query: windowQuery,
      output: healthReportSchema,
    },
    async ({ ctx, params: p, query: q }) => healthReport(ctx, p.organization_id, { unusedFor: q.unused_for }),
  ),

  roles: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/roles",
      tag,
      summary: "The organization's roles no member holds (filter: no-members)",
      params,
      query: filterQuery,
      output: pageOf(roleFindingSchema),
    },
    async ({ ctx, params: p, query: q }) => list(await auditRoles(ctx, p.organization_id, { filter: q.filter })),
  ),

  permissions: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/permissions",
      tag,
      summary:
        "Permissions members hold that no allowed check used in the window (unused_for: 90d, 12h, 30m), with who holds them",
      params,
      query: windowQuery,
      output: pageOf(permissionFindingSchema),
    },
    async ({ ctx, params: p, query: q }) =>
      list(await auditPermissions(ctx, p.organization_id, { unusedFor: q.unused_for })),
  ),

  members: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/members",
      tag,
      summary:
        "Direct grants beyond members' roles and grants past their expiry (filter: over-permissioned, expired-grants; default both)",
      params,
      query: filterQuery,
      output: pageOf(memberFindingSchema),
    },
    async ({ ctx, params: p, query: q }) => list(await auditMembers(ctx, p.organization_id, { filter: q.filter })),
  ),

  admins: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/health/admins",
      tag,
      summary: "The organization and descendants with a single admin (or none)",
      params,
      output: pageOf(adminFindingSchema),
    },
    async ({ ctx, params: p }) => list(await auditAdmins(ctx, p.organization_id)),
  ),
};
