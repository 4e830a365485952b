// Roles (instance-wide or per organization) and their parents.

/** A row of `roles`. */
export interface RolesTable {
  id: string;
  key: string;
  name: string;
  description: string;
  organization_id: string | null;
  owner_key: string;
  created_at: number;
  updated_at: number;
}

/** A row of `role_parents`: `role_id` extends `parent_id`. */
export interface RoleParentsTable {
  role_id: string;
  parent_id: string;
  position: number;
}
