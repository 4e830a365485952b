// GET/POST /v1/api_keys and POST /v1/api_keys/{key}/revoke: managing keys over HTTP (instance secret keys only).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { endpoint, mountAll } from "../../http/route.js";
import { createKey, listKeys, revokeKey } from "./key.service.js";
import { apiKeyObject } from "./key.view.js";

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .loose();
// user_id binds the key to that user (e-mail or id): an agent key, acting with exactly their permissions.
const createBody = z.object({ name: z.string().optional(), user_id: z.string().optional() }).strict();
const keyParams = z.object({ key_id: z.string() });

const tag = "API keys";

/** The key operations, served under /v1 and called by the CLI. */
export const keyEndpoints = {
  list: endpoint(
    {
      method: "GET",
      url: "/api_keys",
      tag,
      summary: "List keys, newest first, revoked ones included (never the secrets)",
      query: listQuery,
    },
    async ({ ctx, query: q }) => {
      const all = await listKeys(ctx);
      return { data: all.slice(q.offset, q.offset + q.limit).map(apiKeyObject), total_count: all.length };
    },
  ),

  create: endpoint(
    {
      method: "POST",
      url: "/api_keys",
      tag,
      summary: "Create an instance key, or an agent key with user_id; the answer's secret is shown this once",
      body: createBody,
    },
    async ({ ctx, body }) => {
      const { key, secret } = await createKey(ctx, { name: body.name, agent: body.user_id });
      return { ...apiKeyObject(key), secret };
    },
  ),

  revoke: endpoint(
    {
      method: "POST",
      url: "/api_keys/:key_id/revoke",
      tag,
      summary: "Revoke a key by id or by its listed form (sk_live_Ab3d…wXyZ); it stops working at once",
      params: keyParams,
    },
    async ({ ctx, params: p }) => apiKeyObject(await revokeKey(ctx, p.key_id)),
  ),
};

export function registerKeyRoutes(app: FastifyInstance): void {
  mountAll(app, keyEndpoints);
}
