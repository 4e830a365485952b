// POST /v1/check: may a member do something (on a resource)? With the full explanation on request.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseRequest } from "../../http/validate.js";
import { resolveOrg } from "../orgs/index.js";
import { normalizePermissionKey } from "../permissions/index.js";
import { checkAccess, explainAccess } from "./index.js";

const checkBody = z
  .object({
    organization_id: z.string(),
    user_id: z.string(),
    permission: z.string(),
    resource: z.string().optional(),
    at: z.number().int().optional(),
    explain: z.boolean().optional(),
  })
  .strict();

export function registerAccessRoutes(app: FastifyInstance): void {
  app.post("/check", async (request) => {
    const body = parseRequest(checkBody, request.body);
    const org = await resolveOrg(request.ctx, body.organization_id);
    const query = { organizationId: org.id, userId: body.user_id, permission: normalizePermissionKey(body.permission), resource: body.resource, at: body.at };
    if (!body.explain) {
      const d = await checkAccess(request.ctx, query);
      return { object: "check", allowed: d.allowed, reason: d.reason };
    }
    const e = await explainAccess(request.ctx, query);
    return { object: "check", allowed: e.allowed, reason: e.reason, path: e.path, nearest_miss: e.nearestMiss ?? null };
  });
}
