// The SCIM management operations of an organization: its SCIM tokens and its group-to-role mappings.
import { z } from "zod";
import { millis, operation, pageOf } from "../../operations/index.js";
import { publicUrl } from "../sso/index.js";
import type { GroupMapping } from "./scim.mappings.js";
import { listGroupMappings, mapGroup, unmapGroup } from "./scim.mappings.js";
import type { ScimToken } from "./scim.tokens.js";
import { createScimToken, listScimTokens, revokeScimToken } from "./scim.tokens.js";

const tag = "SCIM";
const orgParams = z.object({ organization_id: z.string().describe("the organization (id or slug)") });

const tokenSchema = z.object({
  object: z.literal("scim_token"),
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  display: z.string().describe("The token's first and last characters: enough to recognise, not to use"),
  created_at: millis,
  last_used_at: millis.nullable(),
  revoked_at: millis.nullable(),
});
const tokenObject = (t: ScimToken) => ({
  object: "scim_token" as const,
  id: t.id,
  organization_id: t.organizationId,
  name: t.name,
  display: t.display,
  created_at: t.createdAt,
  last_used_at: t.lastUsedAt,
  revoked_at: t.revokedAt,
});

const mappingSchema = z.object({
  object: z.literal("scim_group_mapping"),
  group: z.string().describe("The group's displayName as the IdP pushes it (matched in any case)"),
  role: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  created_at: millis,
});
const mappingObject = (m: GroupMapping) => ({
  object: "scim_group_mapping" as const,
  group: m.group,
  role: m.role,
  created_at: m.createdAt,
});

export const scimOperations = {
  createToken: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/scim/tokens",
      tag,
      status: 201,
      summary: "Create a SCIM token for the organization; its secret is in this answer only (stored as a SHA-256)",
      params: orgParams,
      body: z.object({ name: z.string().max(200).optional().describe("e.g. Okta, or Entra ID") }).strict(),
      output: tokenSchema.extend({
        secret: z.string().describe("The bearer token to give the IdP; shown once"),
        base_url: z.string().describe("The SCIM base URL to give the IdP"),
      }),
    },
    async ({ ctx, params: p, body }) => {
      const { token, secret } = await createScimToken(ctx, { organization: p.organization_id, name: body?.name });
      return { ...tokenObject(token), secret, base_url: `${publicUrl()}/scim/v2/${token.organizationId}` };
    },
  ),

  listTokens: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/scim/tokens",
      tag,
      summary: "List the organization's SCIM tokens (never their secrets), newest first",
      params: orgParams,
      output: pageOf(tokenSchema),
    },
    async ({ ctx, params: p }) => {
      const tokens = await listScimTokens(ctx, p.organization_id);
      return { data: tokens.map(tokenObject), total_count: tokens.length };
    },
  ),

  revokeToken: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/scim/tokens/:token_id",
      tag,
      summary: "Revoke a SCIM token (by id or name): the IdP's next request with it gets 401",
      params: orgParams.extend({ token_id: z.string().describe("the token's id or name") }),
      output: tokenSchema,
    },
    async ({ ctx, params: p }) => tokenObject(await revokeScimToken(ctx, p.organization_id, p.token_id)),
  ),

  listMappings: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/scim/group_mappings",
      tag,
      summary: "List which SCIM groups give their members which roles",
      params: orgParams,
      output: pageOf(mappingSchema),
    },
    async ({ ctx, params: p }) => {
      const all = await listGroupMappings(ctx, p.organization_id);
      return { data: all.map(mappingObject), total_count: all.length };
    },
  ),

  mapGroup: operation(
    {
      method: "POST",
      url: "/organizations/:organization_id/scim/group_mappings",
      tag,
      summary:
        "Map a SCIM group (by displayName) to a role: its members hold the role, re-synced now and on every push",
      params: orgParams,
      body: z
        .object({
          group: z.string().describe("the group's displayName, e.g. Engineering Leads"),
          role: z.string().describe("the role (key, name or id), e.g. Tech Lead"),
        })
        .strict(),
      output: mappingSchema,
    },
    async ({ ctx, params: p, body }) =>
      mappingObject(await mapGroup(ctx, { organization: p.organization_id, group: body.group, role: body.role })),
  ),

  unmapGroup: operation(
    {
      method: "DELETE",
      url: "/organizations/:organization_id/scim/group_mappings/:group",
      tag,
      summary: "Remove a group's mapping (to one role, or to all): its members lose the roles no other group maps",
      params: orgParams.extend({ group: z.string().describe("the group's displayName") }),
      query: z.object({ role: z.string().optional().describe("only the mapping to this role") }),
      output: pageOf(mappingSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      const removed = await unmapGroup(ctx, { organization: p.organization_id, group: p.group, role: q.role });
      return { data: removed.map(mappingObject), total_count: removed.length };
    },
  ),
};
