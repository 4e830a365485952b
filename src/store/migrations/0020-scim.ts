// SCIM 2.0 provisioning: suspended memberships, per-organization SCIM tokens, the SCIM user and group resources
// an identity provider pushes, and which roles a pushed group's members get.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("memberships").addColumn("suspended_at", "bigint").execute();
  await db.schema.alterTable("memberships").addColumn("suspended_reason", "text").execute();

  await db.schema
    .createTable("scim_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("last4", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("scim_tokens_org").on("scim_tokens").column("organization_id").execute();

  await db.schema
    .createTable("scim_group_roles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("group_name", "text", (c) => c.notNull())
    .addColumn("group_key", "text", (c) => c.notNull())
    .addColumn("role_id", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("scim_group_roles_unique", ["organization_id", "group_key", "role_id"])
    .execute();

  await db.schema
    .createTable("scim_users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("user_name_key", "text", (c) => c.notNull())
    .addColumn("external_id", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("scim_users_user_name", ["organization_id", "user_name_key"])
    .addUniqueConstraint("scim_users_user", ["organization_id", "user_id"])
    .execute();

  await db.schema
    .createTable("scim_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("display_key", "text", (c) => c.notNull())
    .addColumn("external_id", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("scim_groups_display", ["organization_id", "display_key"])
    .execute();

  await db.schema
    .createTable("scim_group_members")
    .addColumn("group_id", "text", (c) => c.notNull().references("scim_groups.id").onDelete("cascade"))
    .addColumn("scim_user_id", "text", (c) => c.notNull().references("scim_users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("scim_group_members_pk", ["group_id", "scim_user_id"])
    .execute();
  await db.schema.createIndex("scim_group_members_user").on("scim_group_members").column("scim_user_id").execute();
}
