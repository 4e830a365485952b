// The spine's tables: users, organizations, permissions, roles, grants, memberships, settings, audit.
import type { Kysely } from "kysely";

// One schema for both engines: text ids, bigint Unix-ms times, integer booleans, JSON kept as text.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("email_normalized", "text", (c) => c.notNull().unique())
    .addColumn("name", "text")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("human"))
    .addColumn("public_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("private_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("organizations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("description", "text")
    .addColumn("parent_id", "text", (c) => c.references("organizations.id"))
    .addColumn("inherit_ancestor_read", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("max_allowed_memberships", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("public_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("private_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_by", "text")
    .addColumn("policy_version", "bigint", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("organizations_parent").on("organizations").column("parent_id").execute();

  await db.schema
    .createTable("permissions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("roles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("organization_id", "text", (c) => c.references("organizations.id"))
    // '*' for instance-wide roles: a unique index treats NULLs as distinct, so nullable ids can't carry it.
    .addColumn("owner_key", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("roles_owner_key", ["owner_key", "key"])
    .execute();
  await db.schema.createIndex("roles_organization").on("roles").column("organization_id").execute();

  await db.schema
    .createTable("role_parents")
    .addColumn("role_id", "text", (c) => c.notNull().references("roles.id").onDelete("cascade"))
    .addColumn("parent_id", "text", (c) => c.notNull().references("roles.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("role_parents_pk", ["role_id", "parent_id"])
    .execute();
  await db.schema.createIndex("role_parents_parent").on("role_parents").column("parent_id").execute();

  await db.schema
    .createTable("memberships")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("public_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("private_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("memberships_org_user", ["organization_id", "user_id"])
    .execute();
  await db.schema.createIndex("memberships_user").on("memberships").column("user_id").execute();

  await db.schema
    .createTable("membership_roles")
    .addColumn("membership_id", "text", (c) => c.notNull().references("memberships.id").onDelete("cascade"))
    .addColumn("role_id", "text", (c) => c.notNull().references("roles.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("membership_roles_pk", ["membership_id", "role_id"])
    .execute();
  await db.schema.createIndex("membership_roles_role").on("membership_roles").column("role_id").execute();

  await db.schema
    .createTable("grants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("role_id", "text", (c) => c.references("roles.id").onDelete("cascade"))
    .addColumn("membership_id", "text", (c) => c.references("memberships.id").onDelete("cascade"))
    // The role or membership id: one grant of a permission per holder, its scopes and expiry replaced on re-assign.
    .addColumn("holder_id", "text", (c) => c.notNull())
    .addColumn("permission_id", "text", (c) => c.notNull().references("permissions.id"))
    .addColumn("scopes", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("expires_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("grants_holder_permission", ["holder_id", "permission_id"])
    .execute();
  await db.schema.createIndex("grants_permission").on("grants").column("permission_id").execute();
  await db.schema.createIndex("grants_expires").on("grants").column("expires_at").execute();

  await db.schema
    .createTable("permission_usage")
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("permission_key", "text", (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("permission_usage_pk", ["organization_id", "permission_key"])
    .execute();

  // One hash chain per organization plus the instance chain ('*'); the head row serialises appends.
  await db.schema
    .createTable("audit_heads")
    .addColumn("chain", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("chain", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("organization_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("target_label", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("request_id", "text")
    .addColumn("ip", "text")
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addUniqueConstraint("audit_events_chain_seq", ["chain", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_events_org_time")
    .on("audit_events")
    .columns(["organization_id", "created_at"])
    .execute();
  await db.schema.createIndex("audit_events_action").on("audit_events").column("action").execute();
}
