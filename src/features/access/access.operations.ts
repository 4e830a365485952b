// POST /v1/check and GET /v1/organizations/{id}/who_can: the access engine as operations.
import { z } from "zod";
import { isId } from "../../ids.js";
import { operation, pageOf } from "../../operations/index.js";
import { resolveOrg } from "../orgs/index.js";
import { normalizePermissionKey } from "../permissions/index.js";
import { resolveUser } from "../users/index.js";
import { checkAccess, explainAccess, whoCanIn } from "./access.service.js";
import { parseConsistencyToken } from "./access.errors.js";
import { checkSchema, whoCanSchema } from "./access.view.js";
import { isInstanceAdmin } from "./authorize.js";

const checkBody = z
  .object({
    organization_id: z.string().describe("slug, id or name"),
    user_id: z.string().describe("the member's e-mail address (or user id)"),
    permission: z.string().describe("org:<feature>:<action> or <action>:<feature>"),
    resource: z.string().optional().describe("type:id, e.g. repository:frontend-app or path:docs/guide.md"),
    at: z.number().int().optional().describe("decide as of this instant (Unix ms) instead of now"),
    explain: z.boolean().optional().describe("also answer the full path, or the nearest miss"),
    at_least: z
      .string()
      .optional()
      .describe(
        "a Clerk-Consistency-Token a write answered: decide on at least those policy versions (waits up to 2 s)",
      ),
  })
  .strict();
const whoCanParams = z.object({ organization_id: z.string().describe("slug, id or name") });
const whoCanQuery = z
  .object({
    permission: z.string().describe("org:<feature>:<action> or <action>:<feature>"),
    resource: z.string().optional().describe("type:id"),
  })
  .loose();

const tag = "Access";

/** The access engine's operations, served under /v1 and called by the CLI. */
export const accessOperations = {
  check: operation(
    {
      method: "POST",
      url: "/check",
      tag,
      summary: "May a member do something (on a resource)? explain=true gives the path or nearest miss",
      body: checkBody,
      output: checkSchema,
    },
    async ({ ctx, body }) => {
      // The hot path: an instance key naming an organization by id needs no lookup (the policy load finds
      // a missing one); members, slugs and names go through resolveOrg's visibility rule.
      const direct = isInstanceAdmin(ctx) && isId(body.organization_id, "org");
      const organizationId = direct ? body.organization_id : (await resolveOrg(ctx, body.organization_id)).id;
      // A user id is used as given (a stranger is simply denied); an e-mail is looked up.
      const userId = isId(body.user_id, "user") ? body.user_id : (await resolveUser(ctx, body.user_id)).id;
      const query = {
        organizationId,
        userId,
        permission: normalizePermissionKey(body.permission),
        resource: body.resource,
        at: body.at,
        atLeast: body.at_least === undefined ? undefined : parseConsistencyToken(body.at_least),
      };
      if (!body.explain) {
        const d = await checkAccess(ctx, query);
        ctx.runtime.metrics?.checked(d.allowed);
        return { object: "check" as const, allowed: d.allowed, reason: d.reason };
      }
      const e = await explainAccess(ctx, query);
      ctx.runtime.metrics?.checked(e.allowed);
      return {
        object: "check" as const,
        allowed: e.allowed,
        reason: e.reason,
        path: e.path,
        nearest_miss: e.nearestMiss ?? null,
      };
    },
  ),

  whoCan: operation(
    {
      method: "GET",
      url: "/organizations/:organization_id/who_can",
      tag,
      summary: "Members who may do something (on a resource), with the path",
      params: whoCanParams,
      query: whoCanQuery,
      output: pageOf(whoCanSchema),
    },
    async ({ ctx, params, query }) => {
      const org = await resolveOrg(ctx, params.organization_id);
      const rows = await whoCanIn(ctx, org.id, normalizePermissionKey(query.permission), query.resource);
      return {
        data: rows.map((r) => ({ user_id: r.userId, identifier: r.label, reason: r.reason })),
        total_count: rows.length,
      };
    },
  ),
};
