// The key operations: list, create (the secret shown once) and revoke, for instance secret keys only.
import { z } from "zod";
import { operation, pageOf } from "../../operations/index.js";
import { createKey, listKeys, revokeKey } from "./key.service.js";
import { apiKeyObject, apiKeySchema } from "./key.view.js";

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .loose();
const createBody = z
  .object({
    name: z.string().optional().describe("what the key is for"),
    user_id: z
      .string()
      .optional()
      .describe("bind the key to this user (e-mail or id): an agent key, acting with exactly their permissions"),
  })
  .strict();
const keyParams = z.object({ key_id: z.string().describe("key id or the listed form (sk_live_Ab3d…wXyZ)") });

const tag = "API keys";

export const keyOperations = {
  list: operation(
    {
      method: "GET",
      url: "/api_keys",
      tag,
      summary: "List keys, newest first, revoked ones included (never the secrets)",
      query: listQuery,
      output: pageOf(apiKeySchema),
    },
    async ({ ctx, query: q }) => {
      const all = await listKeys(ctx);
      return { data: all.slice(q.offset, q.offset + q.limit).map(apiKeyObject), total_count: all.length };
    },
  ),

  create: operation(
    {
      method: "POST",
      url: "/api_keys",
      tag,
      summary: "Create an instance key, or an agent key with user_id; the answer's secret is shown this once",
      body: createBody,
      output: apiKeySchema.extend({ secret: z.string().describe("The key itself; shown only in this answer") }),
    },
    async ({ ctx, body }) => {
      const { key, secret } = await createKey(ctx, { name: body.name, agent: body.user_id });
      return { ...apiKeyObject(key), secret };
    },
  ),

  revoke: operation(
    {
      method: "POST",
      url: "/api_keys/:key_id/revoke",
      tag,
      summary: "Revoke a key by id or by its listed form (sk_live_Ab3d…wXyZ); it stops working at once",
      params: keyParams,
      output: apiKeySchema,
    },
    async ({ ctx, params: p }) => apiKeyObject(await revokeKey(ctx, p.key_id)),
  ),
};
