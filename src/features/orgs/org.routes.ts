// Clerk-compatible organization endpoints: list, create, get by id or slug, update, delete, metadata.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { route } from "../../http/route.js";
import { createOrganization } from "../members/index.js";
import { deleteOrg, listOrganizations, membersCount, orgInfo, organizationObject, resolveOrg, updateOrg, updateOrgMetadata } from "./index.js";

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
const countQuery = z.object({ include_members_count: flag.optional() }).loose();
const deleteQuery = z.object({ recursive: flag.optional() }).loose();

export function registerOrgRoutes(app: FastifyInstance): void {
  const tag = "Organizations";
  route(app, { method: "GET", url: "/organizations", tag, summary: "List organizations (filter by query, order, page)", query: listQuery }, async ({ ctx, query: q }) => {
    const page = await listOrganizations(ctx, { limit: q.limit, offset: q.offset, query: q.query, orderBy: q.order_by });
    const data = await Promise.all(page.data.map(async (o) => organizationObject(o, q.include_members_count ? await membersCount(ctx, o.id) : undefined)));
    return { data, total_count: page.totalCount };
  });

  route(app, { method: "POST", url: "/organizations", tag, summary: "Create an organization (created_by becomes its first member)", body: createBody }, async ({ ctx, body }) => {
    const org = await createOrganization(
      ctx,
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

  route(app, { method: "GET", url: "/organizations/:organization_id", tag, summary: "Get an organization by id or slug", params, query: countQuery }, async ({ ctx, params: p, query: q }) => {
    const org = await resolveOrg(ctx, p.organization_id);
    return organizationObject(org, q.include_members_count ? await membersCount(ctx, org.id) : undefined);
  });

  route(app, { method: "PATCH", url: "/organizations/:organization_id", tag, summary: "Update an organization (or move it: parent_id)", params, body: updateBody }, async ({ ctx, params: p, body }) => {
    const org = await updateOrg(ctx, p.organization_id, {
      name: body.name,
      slug: body.slug,
      maxAllowedMemberships: body.max_allowed_memberships,
      description: body.description,
      parent: body.parent_id,
    });
    return organizationObject(org);
  });

  route(app, { method: "DELETE", url: "/organizations/:organization_id", tag, summary: "Delete an organization (children too with recursive=true)", params, query: deleteQuery }, async ({ ctx, params: p, query: q }) => {
    const deleted = await deleteOrg(ctx, p.organization_id, { recursive: q.recursive === true });
    const org = deleted[deleted.length - 1];
    return { object: "organization", id: org?.id, slug: org?.slug, deleted: true };
  });

  for (const [method, mode, summary] of [
    ["PATCH", "merge", "Merge metadata (null deletes a key)"],
    ["PUT", "replace", "Replace metadata"],
  ] as const) {
    route(app, { method, url: "/organizations/:organization_id/metadata", tag, summary, params, body: metadataBody }, async ({ ctx, params: p, body }) => {
      const org = await updateOrgMetadata(ctx, p.organization_id, { publicMetadata: body.public_metadata, privateMetadata: body.private_metadata }, mode);
      return organizationObject(org);
    });
  }

  route(app, { method: "GET", url: "/organizations/:organization_id/children", tag, summary: "Child organizations (nesting)", params }, async ({ ctx, params: p }) => {
    const info = await orgInfo(ctx, p.organization_id);
    return { data: info.children.map((c) => organizationObject(c)), total_count: info.children.length };
  });
}
