// Invitations to join an organization with a role: pending until accepted, revoked or expired.

/** What an invitation's row may say; a pending row past `expires_at` reads as `expired`. */
export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

/** A row of `organization_invitations`. */
export interface OrganizationInvitationsTable {
  id: string;
  organization_id: string;
  /** Lowercased. */
  email_address: string;
  role_key: string;
  /** Null once the role has been deleted (never while the invitation is pending). */
  role_id: string | null;
  status: InvitationStatus;
  inviter_user_id: string | null;
  public_metadata: string;
  private_metadata: string;
  redirect_url: string | null;
  /** SHA-256 (hex) of the token in the accept link that was e-mailed; null when none was sent. */
  accept_token_hash?: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}
