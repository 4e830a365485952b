// Organization invitations (pending until accepted, revoked or expired) and verified domains.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Deleting an organization deletes its invitations and domains with it (orgs' cascade need not know them).
  await db.schema
    .createTable("organization_invitations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    // Lowercased: one pending invitation per address and organization, whatever the case it was typed in.
    .addColumn("email_address", "text", (c) => c.notNull())
    .addColumn("role_key", "text", (c) => c.notNull())
    // Null once the role is deleted (allowed only while no pending invitation names it); role_key stays.
    .addColumn("role_id", "text", (c) => c.references("roles.id").onDelete("set null"))
    // pending | accepted | revoked | expired; a pending row past expires_at reads as expired.
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("inviter_user_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("public_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("private_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("redirect_url", "text")
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("organization_invitations_org_email")
    .on("organization_invitations")
    .columns(["organization_id", "email_address"])
    .execute();
  await db.schema
    .createIndex("organization_invitations_role")
    .on("organization_invitations")
    .column("role_id")
    .execute();
  await db.schema
    .createIndex("organization_invitations_created")
    .on("organization_invitations")
    .column("created_at")
    .execute();

  await db.schema
    .createTable("organization_domains")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("enrollment_mode", "text", (c) => c.notNull())
    .addColumn("verified", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("organization_domains_org_name", ["organization_id", "name"])
    .execute();
  // A name is verified by at most one organization of the instance; the service checks first, this stops a race.
  await db.schema
    .createIndex("organization_domains_verified_name")
    .on("organization_domains")
    .column("name")
    .unique()
    .where(sql<boolean>`verified = 1`)
    .execute();
}
