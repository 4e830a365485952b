// The dashboard's tables: one-time sign-in tokens and the users who are instance admins when signed in.

/** A row of `sign_in_tokens`: only the token's SHA-256 is kept; the token itself is shown once. */
export interface SignInTokensTable {
  id: string;
  user_id: string;
  hash: string;
  /** `pending` until used (`accepted`) or revoked; a pending token past `expire_at` reads as `expired`. */
  status: "pending" | "accepted" | "revoked";
  /** Unused for now: where the link lands, when the creator chose it. */
  redirect_url: string | null;
  expire_at: number;
  created_at: number;
  updated_at: number;
}

/** A row of `dashboard_admins`: a user whose signed-in session is an instance admin. */
export interface DashboardAdminsTable {
  user_id: string;
  created_at: number;
}
