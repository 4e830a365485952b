// The permission catalogue: system permissions and custom `org:<feature>:<action>` keys.

/** A row of `permissions`. */
export interface PermissionsTable {
  id: string;
  key: string;
  name: string;
  description: string;
  type: "system" | "custom";
  created_at: number;
  updated_at: number;
}

/** A row of `permission_usage`: allowed checks per organization and permission, flushed from memory. */
export interface PermissionUsageTable {
  organization_id: string;
  permission_key: string;
  count: number;
  last_used_at: number;
}
