// The organizations table: nested by parent_id, carrying the policy version the access engine watches.
import type { Generated } from "kysely";

/** A row of `organizations`. */
export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  parent_id: string | null;
  inherit_ancestor_read: Generated<number>;
  max_allowed_memberships: Generated<number>;
  public_metadata: Generated<string>;
  private_metadata: Generated<string>;
  created_by: string | null;
  policy_version: Generated<number>;
  created_at: number;
  updated_at: number;
}
