// Grants: a permission on a role or (directly) on a membership, with optional scopes and expiry.

/** A row of `grants`; exactly one of role_id and membership_id is set, and holder_id repeats it. */
export interface GrantsTable {
  id: string;
  role_id: string | null;
  membership_id: string | null;
  holder_id: string;
  permission_id: string;
  /** JSON array of `type:pattern` strings; empty means every resource. */
  scopes: string;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}
