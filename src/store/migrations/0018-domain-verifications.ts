// Domain verification: the latest DNS TXT or e-mail code proof started for each organization domain.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("domain_verifications")
    .addColumn("domain_id", "text", (c) => c.primaryKey().references("organization_domains.id").onDelete("cascade"))
    .addColumn("strategy", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("email_address", "text")
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("expire_at", "bigint", (c) => c.notNull())
    .addColumn("verified_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}
