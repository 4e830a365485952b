// Clerk-compatible organization endpoints: list, create, get by id or slug, update, delete, metadata.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseRequest } from "../../http/validate.js";
import { createOrganization } from "../members/index.js";
import { deleteOrg, listOrganizations, membersCount, organizationObject, resolveOrg, updateOrg, updateOrgMetadata } from "./index.js";

const metadata = z.record(z.string(), z.unknown());
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    include_members_count: flag.optional(),
    query: z.string().optional(),
    order_by: z.string().optional(),
  })
  .loose();

const createBody = z
  .object({
    name: z.string(),
    slug: z.string().optional(),
    created_by: z.string().optional(),
    public_metadata: metadata.optional(),
    private_metadata: metadata.optional(),
    max_allowed_memberships: z.number().int().min(0).optional(),
    description: z.string().optional(),
    parent_id: z.string().nullable().optional(),
  })
  .strict();

const updateBody = z
  .object({
    name: z.string().optional(),
    slug: z.string().optional(),
    max_allowed_memberships: z.number().int().min(0).optional(),
    admin_delete_enabled: z.boolean().optional(),
    description: z.string().nullable().optional(),
    parent_id: z.string().nullable().optional(),
  })
  .strict();

const metadataBody = z.object({ public_metadata: metadata.optional(), private_metadata: metadata.optional() }).strict();
const params = z.object({ organization_id: z.string() });

export function registerOrgRoutes(app: FastifyInstance): void {
  app.get("/organizations", async (request) => {
    const q = parseRequest(listQuery, request.query);
    const page = await listOrganizations(request.ctx, { limit: q.limit, offset: q.offset, query: q.query, orderBy: q.order_by });
    const data = await Promise.all(page.data.map(async (o) => organizationObject(o, q.include_members_count ? await membersCount(request.ctx, o.id) : undefined)));
    return { data, total_count: page.totalCount };
  });

  app.post("/organizations", async (request) => {
    const body = parseRequest(createBody, request.body);
    const org = await createOrganization(
      request.ctx,
      {
        name: body.name,
        slug: body.slug,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
        maxAllowedMemberships: body.max_allowed_memberships,
        description: body.description,
        parent: body.parent_id ?? undefined,
      },
      body.created_by,
    );
    return organizationObject(org);
  });

  app.get("/organizations/:organization_id", async (request) => {
    const { organization_id } = parseRequest(params, request.params);
    const q = parseRequest(z.object({ include_members_count: flag.optional() }).loose(), request.query);
    const org = await resolveOrg(request.ctx, organization_id);
    return organizationObject(org, q.include_members_count ? await membersCount(request.ctx, org.id) : undefined);
  });

  app.patch("/organizations/:organization_id", async (request) => {
    const { organization_id } = parseRequest(params, request.params);
    const body = parseRequest(updateBody, request.body);
    const org = await updateOrg(request.ctx, organization_id, {
      name: body.name,
      slug: body.slug,
      maxAllowedMemberships: body.max_allowed_memberships,
      description: body.description,
      parent: body.parent_id,
    });
    return organizationObject(org);
  });

  app.delete("/organizations/:organization_id", async (request) => {
    const { organization_id } = parseRequest(params, request.params);
    const q = parseRequest(z.object({ recursive: flag.optional() }).loose(), request.query);
    const deleted = await deleteOrg(request.ctx, organization_id, { recursive: q.recursive === true });
    const org = deleted[deleted.length - 1];
    return { object: "organization", id: org?.id, slug: org?.slug, deleted: true };
  });

  for (const [method, mode] of [
    ["PATCH", "merge"],
    ["PUT", "replace"],
  ] as const) {
    app.route({
      method,
      url: "/organizations/:organization_id/metadata",
      handler: async (request) => {
        const { organization_id } = parseRequest(params, request.params);
        const body = parseRequest(metadataBody, request.body);
        const org = await updateOrgMetadata(request.ctx, organization_id, { publicMetadata: body.public_metadata, privateMetadata: body.private_metadata }, mode);
        return organizationObject(org);
      },
    });
  }
}
