// Sessions, the keys that sign their tokens (private halves sealed under the master key), and token settings.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    // A deleted user's sessions go with them; a deleted organization stops being anyone's active one.
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("last_active_organization_id", "text", (c) => c.references("organizations.id").onDelete("set null"))
    .addColumn("expire_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_created").on("sessions").columns(["user_id", "created_at"]).execute();
  await db.schema.createIndex("sessions_created").on("sessions").column("created_at").execute();

  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("algorithm", "text", (c) => c.notNull())
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("private_key", "text", (c) => c.notNull())
    // 1 on the current key, null on retired ones: unique, so at most one key signs (NULLs never collide).
    .addColumn("is_current", "integer", (c) => c.unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("retired_at", "bigint")
    .addColumn("signed_until", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("token_settings")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("claims_version", "integer", (c) => c.notNull())
    .addColumn("token_lifetime_seconds", "integer", (c) => c.notNull())
    .addColumn("size_budget", "integer", (c) => c.notNull())
    .addColumn("signing_algorithm", "text", (c) => c.notNull())
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("session_lifetime_seconds", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}
