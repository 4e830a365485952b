// Clerk-compatible organization operations (list, create, get by id or slug, update, delete, metadata) and our own
// (children, the tree, an overview with roles).
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { type OperationInput, operation, pageOf } from "../../operations/index.js";
import { int32 } from "../../validation.js";
import { createOrganization } from "../members/index.js";
import { listRoles } from "../roles/index.js";
import { countWorkflows } from "../workflows/index.js";
import { type Organization, listOrgTree, listOrganizations, membersCount, orgInfo, resolveOrg } from "./org.read.js";
import { deleteOrg, updateOrg, updateOrgMetadata } from "./org.service.js";
import {
  deletedOrganizationObject,
  deletedOrganizationSchema,
  organizationInfoObject,
  organizationInfoSchema,
  organizationObject,
  organizationSchema,
  organizationTreeEntrySchema,
} from "./org.view.js";

const metadata = jsonObject();
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(10),
  offset: z.coerce.number().int().min(0).default(0),
};

const listQuery = z
  .object({
    ...pageFields,
    include_members_count: flag.optional(),
    query: z.string().optional().describe("an exact id, or part of the name or slug"),
    order_by: z.string().optional(),
  })
  .loose();

const createBody = z
  .object({
    name: z.string().describe('display name, e.g. "Engineering Team"'),
    description: z.string().optional().describe("what the organization is for"),
    parent_id: z.string().nullable().optional().describe("parent organization (slug, id or name) to nest under"),
    slug: z.string().optional().describe("explicit slug instead of one made from the name"),
    max_allowed_memberships: int32(0).optional().describe("member limit (0 = none)"),
    created_by: z.string().optional().describe("the creating user, who becomes its first member"),
    public_metadata: metadata.optional(),
    private_metadata: metadata.optional(),
  })
  .strict();

const updateBody = z
  .object({
    name: z.string().optional(),
    slug: z.string().optional(),
    description: z.string().nullable().optional(),
    parent_id: z
      .string()
      .nullable()
      .optional()
      .describe("move under this organization (slug, id or name); null makes it top-level"),
    max_allowed_memberships: int32(0).optional().describe("member limit (0 = none)"),
    inherit_ancestor_read: z.boolean().optional().describe("members of ancestors may read here"),
    admin_delete_enabled: z.boolean().optional().describe("accepted for Clerk's SDK and ignored"),
  })
  .strict();

const metadataBody = z.object({ public_metadata: metadata.optional(), private_metadata: metadata.optional() }).strict();
const params = z.object({ organization_id: z.string().describe("slug, id or name") });
const countQuery = z.object({ include_members_count: flag.optional() }).loose();
const deleteQuery = z.object({ recursive: flag.optional().describe("delete child organizations too") }).loose();
const treeQuery = z.object(pageFields).loose();

const tag = "Organizations";

/** PATCH merges metadata, PUT replaces it; otherwise the same operation. */
function writeMetadata(mode: "merge" | "replace") {
  return async ({ ctx, params: p, body }: OperationInput<typeof params, z.ZodType, typeof metadataBody>) =>
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
export const orgOperations = {
  list: operation(
    {
      method: "GET",
      url: "/organizations",
      tag,
      summary: "List organizations (filter by query, order, page)",
      query: listQuery,
      output: pageOf(organizationSchema),
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

  create: operation(
    {
      method: "POST",
      url: "/organizations",
      tag,
      summary: "Create an organization (created_by becomes its first member)",
      body: createBody,
      output: organizationSchema,
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

  get: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id",
      tag,
      summary: "Get an organization by id or slug",
      params,
      query: countQuery,
      output: organizationSchema,
    },
    async ({ ctx, params: p, query: q }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      return organizationObject(org, q.include_members_count ? await membersCount(ctx, org.id) : undefined);
    },
  ),

  update: operation(
    {
      method: "PATCH",
      url: "/organizations/:organization_id",
      tag,
      summary: "Update an organization (or move it: parent_id)",
      params,
      body: updateBody,
      output: organizationSchema,
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

  delete: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id",
      tag,
      summary:
        "Delete an organization (its descendants too with recursive=true, each in the audit log); answers Clerk's DeletedObject",
      params,
      query: deleteQuery,
      output: deletedOrganizationSchema,
    },
    async ({ ctx, params: p, query: q }) => {
      const deleted = await deleteOrg(ctx, p.organization_id, { recursive: q.recursive === true });
      return deletedOrganizationObject(deleted[deleted.length - 1] as Organization);
    },
  ),

  mergeMetadata: operation(
    {
      method: "PATCH",
      url: "/organizations/:organization_id/metadata",
      tag,
      summary: "Merge metadata (null deletes a key)",
      params,
      body: metadataBody,
      output: organizationSchema,
    },
    writeMetadata("merge"),
  ),

  replaceMetadata: operation(
    {
      method: "PUT",
      url: "/organizations/:organization_id/metadata",
      tag,
      summary: "Replace metadata",
      params,
      body: metadataBody,
      output: organizationSchema,
    },
    writeMetadata("replace"),
  ),

  children: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/children",
      tag,
      summary: "Child organizations (nesting)",
      params,
      output: pageOf(organizationSchema),
    },
    async ({ ctx, params: p }) => {
      const info = await orgInfo(ctx, p.organization_id);
      return { data: info.children.map((c) => organizationObject(c)), total_count: info.children.length };
    },
  ),

  info: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/info",
      tag,
      summary: "An organization with its parent, children, member count and own roles",
      params,
      output: organizationInfoSchema,
    },
    async ({ ctx, params: p }) => {
      const info = await orgInfo(ctx, p.organization_id);
      const org = info.organization;
      const roles = (await listRoles(ctx, org.id)).filter((r) => r.organizationId === org.id);
      return organizationInfoObject(info, roles, await countWorkflows(ctx, org.id));
    },
  ),

  tree: operation(
    {
      method: "GET",
      url: "/organization_tree",
      tag,
      summary: "Every organization the caller may see, in tree order (parents first, siblings by name) with its depth",
      query: treeQuery,
      output: pageOf(organizationTreeEntrySchema),
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
