// Roles found by key across owners: the key-clash check of every role created or renamed scanned every tenant's roles.
import type { Kysely } from "kysely";

/**
 * Role keys are unique per owner (`roles_owner_key` leads with the owner), but creating or renaming a role also looks
 * for the same key under other owners (a clash with an ancestor's or a descendant's role), and the instance's
 * built-in roles are found by key: both read every role of every organization without this index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("roles_key").on("roles").column("key").execute();
}
