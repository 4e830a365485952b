// Clerk-compatible organization endpoints (list, create, get by id or slug, update, delete, metadata) and our own
// (children, the tree, an overview with roles).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { type RouteInput, endpoint, mountAll } from "../../http/route.js";
import { int32 } from "../../validation.js";
import { createOrganization } from "../members/index.js";
import { listRoles } from "../roles/index.js";
import { countWorkflows } from "../workflows/index.js";
import {
  type Organization,
  deleteOrg,
  listOrgTree,
  listOrganizations,
  membersCount,
  orgInfo,
  organizationObject,
  resolveOrg,
  updateOrg,
  updateOrgMetadata,
} from "./index.js";

const metadata = jsonObject();
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(10),
  offset: z.coerce.number().int().min(0).default(0),
};

export const listQuery = z
  .object({
    ...pageFields,
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
    max_allowed_memberships: int32(0).optional(),
    description: z.string().optional(),
    parent_id: z.string().nullable().optional(),
  })
  .strict();

const updateBody = z
  .object({
    name: z.string().optional(),
    slug: z.string().optional(),
    max_allowed_memberships: int32(0).optional(),
    admin_delete_enabled: z.boolean().optional(),
    description: z.string().nullable().optional(),
    parent_id: z.string().nullable().optional(),
    inherit_ancestor_read: z.boolean().optional(),
  })
  .strict();

const metadataBody = z.object({ public_metadata: metadata.optional(), private_metadata: metadata.optional() }).strict();
const params = z.object({ organization_id: z.string() });
const countQuery = z.object({ include_members_count: flag.optional() }).loose();
const deleteQuery = z.object({ recursive: flag.optional() }).loose();
const treeQuery = z.object(pageFields).loose();

/** Clerk's DeletedObject for an organization, with its name for people reading the answer. */
const deletedObject = (o: Organization) => ({
  object: "organization" as const,
  id: o.id,
  slug: o.slug,
  name: o.name,
  deleted: true as const,
});

const tag = "Organizations";

/** PATCH merges metadata, PUT replaces it; otherwise the same operation. */
function writeMetadata(mode: "merge" | "replace") {
  return async ({ ctx, params: p, body }: RouteInput<typeof params, z.ZodType, typeof metadataBody>) =>
    organizationObject(
      await updateOrgMetadata(
        ctx,
        p.organization_id,
        { publicMetadata: body.public_metadata, privateMetadata: body.private_metadata },
        mode,
      ),
    );
}

/** The organization operations, served under /v1 and called by the CLI. */
export const orgEndpoints = {
  list: endpoint(
    {
      method: "GET",
      url: "/organizations",
      tag,
      summary: "List organizations (filter by query, order, page)",
      query: listQuery,
    },
    async ({ ctx, query: q }) => {
      const page = await listOrganizations(ctx, {
        limit: q.limit,
        offset: q.offset,
        query: q.query,
        orderBy: q.order_by,
      });
      const data = await Promise.all(
        page.data.map(async (o) =>
          organizationObject(o, q.include_members_count ? await membersCount(ctx, o.id) : undefined),
        ),
      );
      return { data, total_count: page.totalCount };
    },
  ),

  create: endpoint(
    {
      method: "POST",
      url: "/organizations",
      tag,
      summary: "Create an organization (created_by becomes its first member)",
      body: createBody,
    },
    async ({ ctx, body }) => {
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
    },
  ),

  get: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id",
      tag,
      summary: "Get an organization by id or slug",
      params,
      query: countQuery,
    },
    async ({ ctx, params: p, query: q }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      return organizationObject(org, q.include_members_count ? await membersCount(ctx, org.id) : undefined);
    },
  ),

  update: endpoint(
    {
      method: "PATCH",
      url: "/organizations/:organization_id",
      tag,
      summary: "Update an organization (or move it: parent_id)",
      params,
      body: updateBody,
    },
    async ({ ctx, params: p, body }) => {
      const org = await updateOrg(ctx, p.organization_id, {
        name: body.name,
        slug: body.slug,
        maxAllowedMemberships: body.max_allowed_memberships,
        description: body.description,
        parent: body.parent_id,
        inheritAncestorRead: body.inherit_ancestor_read,
      });
      return organizationObject(org);
    },
  ),

  delete: endpoint(
    {
      method: "DELETE",
      url: "/organizations/:organization_id",
      tag,
      summary:
        "Delete an organization (children too with recursive=true; deleted_organizations lists all, children first)",
      params,
      query: deleteQuery,
    },
    async ({ ctx, params: p, query: q }) => {
      const deleted = await deleteOrg(ctx, p.organization_id, { recursive: q.recursive === true });
      const org = deleted[deleted.length - 1] as Organization;
      return { ...deletedObject(org), deleted_organizations: deleted.map(deletedObject) };
    },
  ),

  mergeMetadata: endpoint(
    {
      method: "PATCH",
      url: "/organizations/:organization_id/metadata",
      tag,
      summary: "Merge metadata (null deletes a key)",
      params,
      body: metadataBody,
    },
    writeMetadata("merge"),
  ),

  replaceMetadata: endpoint(
    {
      method: "PUT",
      url: "/organizations/:organization_id/metadata",
      tag,
      summary: "Replace metadata",
      params,
      body: metadataBody,
    },
    writeMetadata("replace"),
  ),

  children: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/children",
      tag,
      summary: "Child organizations (nesting)",
      params,
    },
    async ({ ctx, params: p }) => {
      const info = await orgInfo(ctx, p.organization_id);
      return { data: info.children.map((c) => organizationObject(c)), total_count: info.children.length };
    },
  ),

  info: endpoint(
    {
      method: "GET",
      url: "/organizations/:organization_id/info",
      tag,
      summary: "An organization with its parent, children, member count and own roles",
      params,
    },
    async ({ ctx, params: p }) => {
      const info = await orgInfo(ctx, p.organization_id);
      const org = info.organization;
      const roles = (await listRoles(ctx, org.id)).filter((r) => r.organizationId === org.id);
      return {
        ...organizationObject(org, info.membersCount),
        parent: info.parent && { id: info.parent.id, slug: info.parent.slug, name: info.parent.name },
        children: info.children.map((c) => ({ id: c.id, slug: c.slug, name: c.name })),
        roles: roles.map((r) => ({ id: r.id, key: r.key, name: r.name, members: r.members })),
        workflows_count: await countWorkflows(ctx, org.id),
      };
    },
  ),

  tree: endpoint(
    {
      method: "GET",
      url: "/organization_tree",
      tag,
      summary: "Every organization the caller may see, in tree order (parents first, siblings by name) with its depth",
      query: treeQuery,
    },
    async ({ ctx, query: q }) => {
      const tree = await listOrgTree(ctx);
      return {
        data: tree
          .slice(q.offset, q.offset + q.limit)
          .map((e) => ({ ...organizationObject(e.organization), depth: e.depth })),
        total_count: tree.length,
      };
    },
  ),
};

export function registerOrgRoutes(app: FastifyInstance): void {
  mountAll(app, orgEndpoints);
}
