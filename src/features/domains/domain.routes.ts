// Clerk-compatible verified-domain endpoints: create, list, update, delete, verify ownership, and the instance-wide list.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { endpoint, mountAll } from "../../http/route.js";
import {
  addDomain,
  domainObject,
  enrollmentModeSchema,
  listDomains,
  removeDomain,
  updateDomain,
  verifyDomain,
} from "./index.js";

const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const many = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(10),
  offset: z.coerce.number().int().min(0).default(0),
};

const params = z.object({ organization_id: z.string() });
const domainParams = z.object({ organization_id: z.string(), domain_id: z.string() });
const listQuery = z.object({ ...pageFields, verified: flag.optional(), enrollment_mode: many.optional() }).loose();
const instanceQuery = z
  .object({
    ...pageFields,
    organization_id: z.string().optional(),
    verified: flag.optional(),
    enrollment_mode: many.optional(),
    query: z.string().optional(),
    domains: many.optional(),
    order_by: z.string().optional(),
  })
  .loose();
const createBody = z
  .object({ name: z.string(), enrollment_mode: enrollmentModeSchema.optional(), verified: z.boolean().optional() })
  .strict();
const updateBody = z
  .object({
    name: z.string().optional(),
    enrollment_mode: enrollmentModeSchema.optional(),
    verified: z.boolean().optional(),
  })
  .strict();

const tag = "Domains";
const base = "/organizations/:organization_id/domains";

/** The domain operations, served under /v1 and called by the CLI. */
export const domainEndpoints = {
  create: endpoint(
    {
      method: "POST",
      url: base,
      tag,
      summary: "Add a domain (verified unless verified=false; at most 10)",
      params,
      body: createBody,
    },
    async ({ ctx, params: p, body }) =>
      domainObject(
        await addDomain(ctx, {
          organization: p.organization_id,
          name: body.name,
          enrollmentMode: body.enrollment_mode,
          verified: body.verified,
        }),
      ),
  ),

  list: endpoint(
    {
      method: "GET",
      url: base,
      tag,
      summary: "List an organization's domains (filter by verified, enrollment mode)",
      params,
      query: listQuery,
    },
    async ({ ctx, params: p, query: q }) => {
      const page = await listDomains(ctx, {
        organization: p.organization_id,
        verified: q.verified,
        enrollmentModes: q.enrollment_mode,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(domainObject), total_count: page.totalCount };
    },
  ),

  update: endpoint(
    {
      method: "PATCH",
      url: `${base}/:domain_id`,
      tag,
      summary: "Change a domain's name, enrollment mode or verified flag (domain_id: id or name)",
      params: domainParams,
      body: updateBody,
    },
    async ({ ctx, params: p, body }) =>
      domainObject(
        await updateDomain(ctx, p.organization_id, p.domain_id, {
          name: body.name,
          enrollmentMode: body.enrollment_mode,
          verified: body.verified,
        }),
      ),
  ),

  remove: endpoint(
    {
      method: "DELETE",
      url: `${base}/:domain_id`,
      tag,
      summary: "Remove a domain (domain_id: id or name); answers with the removed domain, deleted: true",
      params: domainParams,
    },
    async ({ ctx, params: p }) => ({
      ...domainObject(await removeDomain(ctx, p.organization_id, p.domain_id)),
      deleted: true as const,
    }),
  ),

  verify: endpoint(
    {
      method: "POST",
      url: `${base}/:domain_id/verify_ownership`,
      tag,
      summary: "Mark a domain verified (manual ownership override)",
      params: domainParams,
    },
    async ({ ctx, params: p }) => domainObject(await verifyDomain(ctx, p.organization_id, p.domain_id)),
  ),

  listAll: endpoint(
    {
      method: "GET",
      url: "/organization_domains",
      tag,
      summary: "List domains across the organizations the caller may read",
      query: instanceQuery,
    },
    async ({ ctx, query: q }) => {
      const page = await listDomains(ctx, {
        organization: q.organization_id,
        verified: q.verified,
        enrollmentModes: q.enrollment_mode,
        query: q.query,
        names: q.domains,
        orderBy: q.order_by,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(domainObject), total_count: page.totalCount };
    },
  ),
};

/** Registers the domain endpoints under /v1. */
export function registerDomainRoutes(app: FastifyInstance): void {
  mountAll(app, domainEndpoints);
}
