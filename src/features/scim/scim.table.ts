// The SCIM feature's tables: per-organization tokens, group-to-role mappings, and the resources an IdP pushed.

/** A row of `scim_tokens`: only a SHA-256 of the secret is kept. */
export interface ScimTokensTable {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  last4: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A row of `scim_group_roles`: members of the group named `group_name` (any case) get the role. */
export interface ScimGroupRolesTable {
  id: string;
  organization_id: string;
  group_name: string;
  group_key: string;
  role_id: string;
  created_at: number;
}

/** A row of `scim_users`: the SCIM User resource of one member of the organization (`data`: its attributes). */
export interface ScimUsersTable {
  id: string;
  organization_id: string;
  user_id: string;
  user_name_key: string;
  external_id: string | null;
  data: string;
  version: number;
  created_at: number;
  updated_at: number;
}

/** A row of `scim_groups`: a group the IdP pushed (`data`: displayName, externalId, …; members are rows below). */
export interface ScimGroupsTable {
  id: string;
  organization_id: string;
  display_key: string;
  external_id: string | null;
  data: string;
  version: number;
  created_at: number;
  updated_at: number;
}

/** A row of `scim_group_members`. */
export interface ScimGroupMembersTable {
  group_id: string;
  scim_user_id: string;
}
