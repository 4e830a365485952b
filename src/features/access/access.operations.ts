// POST /v1/check, POST /v1/check/batch and GET /v1/organizations/{id}/who_can: the access engine as operations.
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { ClerkError, asClerkError } from "../../errors.js";
import { isId } from "../../ids.js";
import { operation, pageOf } from "../../operations/index.js";
import { resolveOrg } from "../orgs/index.js";
import { normalizePermissionKey } from "../permissions/index.js";
import { resolveUser } from "../users/index.js";
import { checkAccess, explainAccess, whoCanIn } from "./access.service.js";
import { parseConsistencyToken } from "./access.errors.js";
import { type CheckBatchResult, type CheckObject, checkBatchSchema, checkSchema, whoCanSchema } from "./access.view.js";
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
/** How many checks one batch may carry (OpenFGA's BatchCheck default is 50, SpiceDB's bulk check 100s). */
const MAX_BATCH = 100;
const checkBatchBody = z
  .object({
    checks: z
      .array(
        checkBody.extend({
          correlation_id: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .describe("yours, answered back with this check's result (unique within the batch)"),
        }),
      )
      .min(1)
      .max(MAX_BATCH)
      .describe(`1 to ${MAX_BATCH} checks, each as POST /v1/check takes it`),
  })
  .strict();

/**
 * One check of POST /v1/check, as the caller may ask it: an instance key naming an organization by id needs no
 * lookup (the policy load finds a missing one); members, slugs and names go through resolveOrg's visibility rule.
 */
async function answerCheck(ctx: ServiceContext, body: z.output<typeof checkBody>): Promise<CheckObject> {
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
    return { object: "check", allowed: d.allowed, reason: d.reason };
  }
  const e = await explainAccess(ctx, query);
  ctx.runtime.metrics?.checked(e.allowed);
  return { object: "check", allowed: e.allowed, reason: e.reason, path: e.path, nearest_miss: e.nearestMiss ?? null };
}

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
    async ({ ctx, body }) => answerCheck(ctx, body),
  ),

  checkBatch: operation(
    {
      method: "POST",
      url: "/check/batch",
      tag,
      summary: `Up to ${MAX_BATCH} checks in one request, each answered (or refused) on its own, in order, with its correlation_id`,
      body: checkBatchBody,
      output: checkBatchSchema,
    },
    async ({ ctx, body }) => {
      const seen = new Set<string>();
      for (const item of body.checks) {
        if (item.correlation_id === undefined) continue;
        if (seen.has(item.correlation_id))
          throw new ClerkError(
            "input.invalid",
            `correlation_id "${item.correlation_id}" names two checks; give each check its own (or none).`,
            { param: "checks" },
          );
        seen.add(item.correlation_id);
      }
      const results: CheckBatchResult[] = [];
      for (const { correlation_id, ...check } of body.checks) {
        const correlationId = correlation_id ?? null;
        try {
          results.push({ correlation_id: correlationId, ...(await answerCheck(ctx, check)) });
        } catch (thrown) {
          // What the single check would refuse (an organization or member the caller cannot see, a bad resource)
          // is that item's answer; anything else fails the request as it would fail a single check.
          const error = asClerkError(thrown);
          if (!error || error.spec.status >= 500) throw thrown;
          results.push({
            correlation_id: correlationId,
            object: "error",
            error: { code: error.code, message: error.message, param: error.param ?? null },
          });
        }
      }
      return { object: "check_batch" as const, results };
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
