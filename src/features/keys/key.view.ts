// The API key object of clerk's own API: what identifies a key to people, never its secret.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { ApiKey } from "./key.service.js";

/** `object: "api_key"`; `key` is the listed form (`sk_live_Ab3d…wXyZ`), enough to recognise a key, not to use it. */
export const apiKeySchema = z.object({
  object: z.literal("api_key"),
  id: z.string(),
  name: z.string(),
  kind: z.enum(["instance", "agent"]).describe("An agent key acts as its user, with exactly their permissions"),
  user_id: z.string().nullable().describe("The agent key's user; null for an instance key"),
  key: z.string().describe("The listed form, e.g. sk_live_Ab3d…wXyZ: enough to recognise, not to use"),
  created_at: millis,
  last_used_at: millis.nullable(),
  revoked_at: millis.nullable(),
});

export type ApiKeyObject = z.infer<typeof apiKeySchema>;

export function apiKeyObject(k: ApiKey): ApiKeyObject {
  return {
    object: "api_key",
    id: k.id,
    name: k.name,
    kind: k.kind,
    user_id: k.userId,
    key: k.display,
    created_at: k.createdAt,
    last_used_at: k.lastUsedAt,
    revoked_at: k.revokedAt,
  };
}
