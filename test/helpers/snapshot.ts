// A whole-database snapshot, to assert that a refused operation left every table as it was.
import type { Store } from "../../src/store/index.js";

const TABLES = [
  "settings",
  "users",
  "organizations",
  "permissions",
  "roles",
  "role_parents",
  "memberships",
  "membership_roles",
  "grants",
  "audit_events",
  "audit_heads",
  "organization_invitations",
  "organization_domains",
  "file_sets",
  "forms",
  "workflows",
  "workflow_stages",
  "workflow_events",
  "workflow_runs",
  "run_stages",
  "tasks",
  "assignment_cursors",
  "jobs",
  "notification_providers",
  "notification_rules",
  "notifications",
  "notification_attempts",
  "scim_tokens",
  "scim_group_roles",
  "scim_users",
  "scim_groups",
  "scim_group_members",
] as const;

/** Every row of every table, in a stable order. */
export async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = (await store.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((r) =>
        JSON.stringify(
          Object.keys(r)
            .sort()
            .map((k) => [k, r[k]]),
        ),
      )
      .sort();
  }
  return out;
}
