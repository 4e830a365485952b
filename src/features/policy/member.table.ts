// Memberships of users in organizations, and the roles each holds.
import type { Generated } from "kysely";

/** A row of `memberships`. */
export interface MembershipsTable {
  id: string;
  organization_id: string;
  user_id: string;
  public_metadata: Generated<string>;
  private_metadata: Generated<string>;
  /** When the membership was suspended (SCIM deactivation): it then counts as no membership; null when live. */
  suspended_at: number | null;
  suspended_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** A row of `membership_roles`. */
export interface MembershipRolesTable {
  membership_id: string;
  role_id: string;
  position: number;
}
