// API keys: only a SHA-256 of the secret is kept; the prefix and last four characters identify it to people.

/** A row of `api_keys`. */
export interface ApiKeysTable {
  id: string;
  name: string;
  /** `instance`: acts as an instance admin; `agent`: acts as `user_id`, with that user's permissions. */
  kind: "instance" | "agent";
  user_id: string | null;
  prefix: string;
  last4: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
