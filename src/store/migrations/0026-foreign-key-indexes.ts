// Indexes on foreign keys whose parent rows are deleted in everyday administration, so a delete finds its children.
import type { Kysely } from "kysely";

/**
 * Deleting a row checks (and cascades to, or nulls) the rows that reference it; without an index leading with the
 * referencing column, each such delete reads the whole child table, every tenant's rows included. Removing a
 * member or a role scanned every grant of the instance; deleting a user scanned its keys, invitations, sign-in
 * tokens and SCIM links; deleting an organization scanned every session. Not indexed, on purpose: the references
 * from the tables every event writes (runs, tasks, jobs, notifications): an index there costs every event a page,
 * while their parents (users, organizations, workflow stages) are rarely deleted.
 */
const INDEXES: readonly [name: string, table: string, column: string][] = [
  ["grants_role", "grants", "role_id"],
  ["grants_membership", "grants", "membership_id"],
  ["api_keys_user", "api_keys", "user_id"],
  ["organization_invitations_inviter", "organization_invitations", "inviter_user_id"],
  ["sign_in_tokens_user", "sign_in_tokens", "user_id"],
  ["scim_users_by_user", "scim_users", "user_id"],
  ["sessions_last_active_organization", "sessions", "last_active_organization_id"],
  ["workflow_stages_requires_role", "workflow_stages", "requires_role_id"],
  ["workflow_stages_escalate_to_role", "workflow_stages", "escalate_to_role_id"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, column] of INDEXES) await db.schema.createIndex(name).on(table).column(column).execute();
}
