// Clerk-compatible membership operations, addressed by user id, embedding the organization and public user data.
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { deletedObject, deletedObjectSchema, operation, pageOf } from "../../operations/index.js";
import { effectivePermissionsOf } from "../access/index.js";
import { grantObject, grantSchema } from "../grants/index.js";
import { resolveOrg } from "../orgs/index.js";
import {
  addMember,
  getMember,
  grantToMember,
  listDirectGrants,
  listMembersPage,
  listMembershipsAcross,
  deleteUser,
  removeMember,
  revokeFromMember,
  updateMemberMetadata,
  updateMemberRoles,
} from "./member.service.js";
import { effectivePermissionSchema, membershipObject, membershipSchema } from "./member.view.js";

const params = z.object({ organization_id: z.string() });
const memberParams = z.object({
  organization_id: z.string(),
  user_id: z.string().describe("The member's user id or e-mail address"),
});
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    order_by: z.string().optional(),
    query: z.string().optional().describe("Only members whose e-mail address or name contains this (any case)"),
  })
  .loose();
// Clerk's body names an existing user and one role; ours may instead give an e-mail (the user is created when
// new, as a person or an agent), several roles comma-separated, or no role (the organization's default).
const createBody = z
  .object({
    user_id: z.string().optional().describe("An existing user (id or e-mail); or give email_address"),
    email_address: z.string().optional().describe("The member's e-mail address; the user is created when new"),
    kind: z.enum(["human", "agent"]).optional().describe("For a new user: a person (default) or an AI agent"),
    role: z.string().optional().describe("Role key, name or id; several comma-separated (default: the default role)"),
    public_metadata: jsonObject().nullable().optional().describe("Visible to the frontend and the backend"),
    private_metadata: jsonObject().nullable().optional().describe("Visible to the backend only"),
  })
  .strict();
const updateBody = z
  .object({ role: z.string().describe("The new role(s): key, name or id, comma-separated; replaces every role") })
  .strict();
const metadataBody = z
  .object({
    public_metadata: jsonObject().optional().describe("Merged in: objects deeply, null deletes a key"),
    private_metadata: jsonObject().optional().describe("Merged in: objects deeply, null deletes a key"),
  })
  .strict();
const acrossQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    order_by: z.string().optional(),
  })
  .loose();
const grantsQuery = z
  .object({ user_id: z.string().optional().describe("Only this member's (e-mail or user id)") })
  .loose();

const grantBody = z
  .object({
    permission: z.string().describe("org:<feature>:<action> or <action>:<feature>; created when new"),
    scopes: z
      .union([z.array(z.string()), z.string()])
      .optional()
      .describe("type:pattern scopes (a list, or comma-separated), e.g. repository:*-app; none means everywhere"),
    expires_at: z
      .union([z.number().int(), z.string()])
      .nullable()
      .optional()
      .describe("Unix milliseconds, a date (through that day, UTC) or an ISO time; null or absent never expires"),
  })
  .strict();
const grantParams = z.object({ organization_id: z.string(), user_id: z.string(), permission: z.string() });

const tag = "Memberships";

/** The membership operations, served under /v1 and called by the CLI. */
export const memberOperations = {
  list: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/memberships",
      tag,
      summary: "List members with their roles and permissions",
      params,
      query: listQuery,
      output: pageOf(membershipSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      const order = q.order_by ?? "-created_at";
      const { data, totalCount } = await listMembersPage(ctx, org.id, {
        limit: q.limit,
        offset: q.offset,
        orderBy: order.replace(/^[+-]/, "") === "email_address" ? "email" : "created_at",
        descending: order.startsWith("-"),
        query: q.query?.trim() || undefined,
      });
      return { data: await Promise.all(data.map((m) => membershipObject(ctx, org, m))), total_count: totalCount };
    },
  ),

  add: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/memberships",
      tag,
      summary: "Add a user (by user_id, or by email_address, created when new) with a role",
      params,
      body: createBody,
      output: membershipSchema,
    },
    async ({ ctx, params: p, body }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      const m = await addMember(ctx, {
        organization: org.id,
        userId: body.user_id,
        email: body.email_address,
        kind: body.kind,
        roles: body.role,
        publicMetadata: body.public_metadata ?? undefined,
        privateMetadata: body.private_metadata ?? undefined,
      });
      return membershipObject(ctx, org, m);
    },
  ),

  update: operation(
    {
      method: "PATCH",
      url: "/organizations/:organization_id/memberships/:user_id",
      tag,
      summary: "Change a member's role",
      params: memberParams,
      body: updateBody,
      output: membershipSchema,
    },
    async ({ ctx, params: p, body }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      const m = await updateMemberRoles(ctx, { organization: org.id, email: p.user_id, roles: body.role });
      return membershipObject(ctx, org, m);
    },
  ),

  remove: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/memberships/:user_id",
      tag,
      summary: "Remove a member (returns the removed membership)",
      params: memberParams,
      output: membershipSchema,
    },
    async ({ ctx, params: p }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      const existing = await membershipObject(ctx, org, await getMember(ctx, org.id, p.user_id));
      await removeMember(ctx, { organization: org.id, email: p.user_id });
      return existing;
    },
  ),

  metadata: operation(
    {
      method: "PATCH",
      url: "/organizations/:organization_id/memberships/:user_id/metadata",
      tag,
      summary: "Merge into a member's public and private metadata",
      params: memberParams,
      body: metadataBody,
      output: membershipSchema,
    },
    async ({ ctx, params: p, body }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      const m = await updateMemberMetadata(ctx, {
        organization: org.id,
        email: p.user_id,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
      });
      return membershipObject(ctx, org, m);
    },
  ),

  // Here rather than with the users: deleting a user removes their memberships first.
  deleteUser: operation(
    {
      method: "DELETE",
      url: "/users/:user_id",
      tag: "Users",
      summary:
        "Delete a user with their memberships (refused while they are an organization's last manager), agent keys and sessions",
      params: z.object({ user_id: z.string() }),
      output: deletedObjectSchema("user"),
    },
    async ({ ctx, params: p }) => deletedObject("user", (await deleteUser(ctx, p.user_id)).id),
  ),

  listAll: operation(
    {
      method: "GET",
      url: "/organization_memberships",
      tag,
      summary: "List every membership of the instance, newest first (instance admins)",
      query: acrossQuery,
      output: pageOf(membershipSchema),
    },
    async ({ ctx, query: q }) => {
      const all = await listMembershipsAcross(ctx);
      const page = all.slice(q.offset, q.offset + q.limit);
      return {
        data: await Promise.all(page.map(({ org, membership }) => membershipObject(ctx, org, membership))),
        total_count: all.length,
      };
    },
  ),

  listOfUser: operation(
    {
      method: "GET",
      url: "/users/:user_id/organization_memberships",
      tag,
      summary: "List a user's memberships, newest first (the user or an instance admin; none for an unknown user)",
      params: z.object({ user_id: z.string() }),
      query: acrossQuery,
      output: pageOf(membershipSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      const all = await listMembershipsAcross(ctx, p.user_id);
      const page = all.slice(q.offset, q.offset + q.limit);
      return {
        data: await Promise.all(page.map(({ org, membership }) => membershipObject(ctx, org, membership))),
        total_count: all.length,
      };
    },
  ),

  permissions: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/memberships/:user_id/permissions",
      tag,
      summary: "Effective permissions of a member, with where each comes from",
      params: memberParams,
      output: pageOf(effectivePermissionSchema),
    },
    async ({ ctx, params: p }) => {
      const org = await resolveOrg(ctx, p.organization_id);
      const m = await getMember(ctx, org.id, p.user_id);
      const rows = await effectivePermissionsOf(ctx, org.id, m.user.id);
      return {
        data: rows.map((r) => ({
          permission: r.permission,
          scopes: r.scopes.map((s) => `${s.type}:${s.pattern}`),
          expires_at: r.expiresAt,
          sources: r.sources,
        })),
        total_count: rows.length,
      };
    },
  ),

  grants: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/memberships/:user_id/grants",
      tag,
      summary: "A member's direct grants",
      params: memberParams,
      output: pageOf(grantSchema),
    },
    async ({ ctx, params: p }) => {
      const rows = await listDirectGrants(ctx, p.organization_id, p.user_id);
      return { data: rows.map((r) => grantObject(r.grant)), total_count: rows.length };
    },
  ),

  grant: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/memberships/:user_id/grants",
      tag,
      summary: "Grant a permission directly (scopes, expiry); replaces an earlier grant of it, returned as previous",
      params: memberParams,
      body: grantBody,
      output: grantSchema.extend({
        previous: grantSchema.nullable().describe("The grant of the same permission this one replaced, if any"),
      }),
    },
    async ({ ctx, params: p, body }) => {
      const { grant, before } = await grantToMember(ctx, {
        organization: p.organization_id,
        email: p.user_id,
        permission: body.permission,
        scope: body.scopes,
        expires: body.expires_at,
      });
      return { ...grantObject(grant), previous: before ? grantObject(before) : null };
    },
  ),

  directGrants: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/grants",
      tag,
      summary: "Direct grants of every member (or of user_id), with whose each is",
      params,
      query: grantsQuery,
      output: pageOf(grantSchema.extend({ identifier: z.string().describe("The member's e-mail address") })),
    },
    async ({ ctx, params: p, query: q }) => {
      const rows = await listDirectGrants(ctx, p.organization_id, q.user_id);
      return { data: rows.map((r) => ({ ...grantObject(r.grant), identifier: r.member })), total_count: rows.length };
    },
  ),

  revoke: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/memberships/:user_id/grants/:permission",
      tag,
      summary: "Revoke a direct grant",
      params: grantParams,
      output: grantSchema.extend({ deleted: z.literal(true) }),
    },
    async ({ ctx, params: p }) => {
      const grant = await revokeFromMember(ctx, {
        organization: p.organization_id,
        email: p.user_id,
        permission: p.permission,
      });
      return { ...grantObject(grant), deleted: true as const };
    },
  ),
};
