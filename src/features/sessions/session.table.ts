// Sessions: a user's signed-in session, created by the backend; tokens are minted from it while it is active.

/** A row of `sessions`. */
export interface SessionsTable {
  id: string;
  user_id: string;
  /** `active` or `revoked`; an active session past `expire_at` reads as `expired`. */
  status: "active" | "revoked";
  /** The organization tokens carry when a request names none (null: the personal account). */
  last_active_organization_id: string | null;
  expire_at: number;
  created_at: number;
  updated_at: number;
}
