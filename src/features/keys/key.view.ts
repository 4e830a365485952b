// The API key object of clerk's own API: what identifies a key to people, never its secret.
import type { ApiKey } from "./key.service.js";

/** `object: "api_key"`; `key` is the listed form (`sk_live_Ab3d…wXyZ`), enough to recognise a key, not to use it. */
export function apiKeyObject(k: ApiKey) {
  return {
    object: "api_key" as const,
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
