// SSO: enterprise connections per organization, outstanding sign-in requests, consumed assertion ids.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sso_connections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull())
    .addColumn("domains", "text", (c) => c.notNull())
    .addColumn("sync_user_attributes", "integer", (c) => c.notNull())
    .addColumn("allow_idp_initiated", "integer", (c) => c.notNull())
    .addColumn("force_authn", "integer", (c) => c.notNull())
    .addColumn("idp_entity_id", "text")
    .addColumn("idp_sso_url", "text")
    .addColumn("idp_certificates", "text", (c) => c.notNull())
    .addColumn("idp_metadata_url", "text")
    .addColumn("idp_metadata", "text")
    .addColumn("attribute_mapping", "text", (c) => c.notNull())
    .addColumn("oidc_discovery_url", "text")
    .addColumn("oidc_client_id", "text")
    .addColumn("oidc_client_secret", "text")
    .addColumn("requires_pkce", "integer", (c) => c.notNull())
    .addColumn("default_role", "text", (c) => c.notNull())
    .addColumn("role_mapping", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sso_connections_org").on("sso_connections").column("organization_id").execute();

  await db.schema
    .createTable("sso_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("connection_id", "text", (c) => c.notNull().references("sso_connections.id").onDelete("cascade"))
    .addColumn("request_key", "text", (c) => c.notNull())
    .addColumn("nonce", "text")
    .addColumn("code_verifier", "text")
    .addColumn("redirect_url", "text", (c) => c.notNull())
    .addColumn("expire_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("sso_requests_key", ["connection_id", "request_key"])
    .execute();

  await db.schema
    .createTable("sso_replays")
    .addColumn("connection_id", "text", (c) => c.notNull().references("sso_connections.id").onDelete("cascade"))
    .addColumn("assertion_id", "text", (c) => c.notNull())
    .addColumn("expire_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("sso_replays_pk", ["connection_id", "assertion_id"])
    .execute();
}
