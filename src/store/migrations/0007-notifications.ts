// Notifications: providers (secrets sealed), workflow notification rules, the outbox, delivery attempts, invitation accept tokens.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // An invitation's accept link carries a token; only its SHA-256 is kept.
  await db.schema.alterTable("organization_invitations").addColumn("accept_token_hash", "text").execute();

  await db.schema
    .createTable("notification_providers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("allow_insecure", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("notification_providers_kind_name", ["kind", "name"])
    .execute();

  await db.schema
    .createTable("notification_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id").onDelete("cascade"))
    .addColumn("on_signal", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("notification_rules_workflow")
    .on("notification_rules")
    .columns(["workflow_id", "on_signal"])
    .execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.references("organizations.id").onDelete("cascade"))
    .addColumn("rule_id", "text", (c) => c.references("notification_rules.id").onDelete("set null"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("provider_id", "text", (c) => c.notNull().references("notification_providers.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body_text", "text", (c) => c.notNull())
    .addColumn("body_html", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    // pending | delivered | dead
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    // Past this, a failed delivery is dead-lettered instead of retried; `clerk notify retry` moves it on.
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("delivered_at", "bigint")
    .execute();
  await db.schema
    .createIndex("notifications_status_next")
    .on("notifications")
    .columns(["status", "next_attempt_at"])
    .execute();

  await db.schema
    .createTable("notification_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("notification_id", "text", (c) => c.notNull().references("notifications.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("error", "text")
    .execute();
  await db.schema
    .createIndex("notification_attempts_notification")
    .on("notification_attempts")
    .columns(["notification_id", "attempt"])
    .execute();
}
