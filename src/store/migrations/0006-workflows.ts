// Approval workflows: file sets, forms, workflows and their stages, events, runs, run stages, tasks,
// round-robin cursors, and the durable jobs table that carries their timers.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Deleting an organization deletes everything of its workflows with it (each table cascades from organizations).

  await db.schema
    .createTable("file_sets")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    // JSON array of glob patterns (`src/auth/**`, `**/*.pem`).
    .addColumn("patterns", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("file_sets_org_name", ["organization_id", "name"])
    .execute();

  await db.schema
    .createTable("forms")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // A JSON Schema (draft 2020-12) the approver's form data must satisfy.
    .addColumn("schema", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("forms_org_name", ["organization_id", "name"])
    .execute();

  await db.schema
    .createTable("workflows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // As given (`event:pull_request_opened`), and the event type it matches, normalised (see eventTypeKey).
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("trigger_type", "text", (c) => c.notNull())
    .addColumn("condition", "text")
    // active | paused
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("workflows_org_slug", ["organization_id", "slug"])
    .execute();
  await db.schema
    .createIndex("workflows_org_trigger")
    .on("workflows")
    .columns(["organization_id", "trigger_type"])
    .execute();

  await db.schema
    .createTable("workflow_stages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // The role's key stays when the role is deleted, so a run can say which role it waited for.
    .addColumn("requires_role_id", "text", (c) => c.references("roles.id").onDelete("set null"))
    .addColumn("requires_role_key", "text", (c) => c.notNull())
    .addColumn("condition", "text")
    .addColumn("timeout", "text")
    .addColumn("timeout_ms", "bigint")
    .addColumn("approvals", "integer", (c) => c.notNull())
    .addColumn("form", "text")
    // round-robin | least-loaded | manual
    .addColumn("strategy", "text", (c) => c.notNull())
    .addColumn("escalate_after", "text")
    .addColumn("escalate_after_ms", "bigint")
    .addColumn("escalate_to_role_id", "text", (c) => c.references("roles.id").onDelete("set null"))
    .addColumn("escalate_to_role_key", "text")
    .addColumn("escalate_notify", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("workflow_stages_name", ["workflow_id", "name"])
    .execute();

  await db.schema
    .createTable("workflow_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("type_key", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    // A redelivered event with the same key starts nothing new (NULLs never collide).
    .addColumn("idempotency_key", "text")
    .addColumn("requester_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("workflow_events_idempotency", ["organization_id", "idempotency_key"])
    .execute();

  await db.schema
    .createTable("workflow_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id").onDelete("cascade"))
    .addColumn("event_id", "text", (c) => c.notNull().references("workflow_events.id").onDelete("cascade"))
    .addColumn("requester_id", "text", (c) => c.references("users.id").onDelete("set null"))
    // open | approved | rejected | cancelled
    .addColumn("status", "text", (c) => c.notNull())
    // The pull request (or other subject) the event names, for `task assign --pull-request`.
    .addColumn("subject", "text")
    .addColumn("blocked_reason", "text")
    .addColumn("outcome_reason", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("completed_at", "bigint")
    .execute();
  await db.schema
    .createIndex("workflow_runs_workflow_created")
    .on("workflow_runs")
    .columns(["workflow_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("workflow_runs_org_status")
    .on("workflow_runs")
    .columns(["organization_id", "status"])
    .execute();

  await db.schema
    .createTable("run_stages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("run_id", "text", (c) => c.notNull().references("workflow_runs.id").onDelete("cascade"))
    .addColumn("stage_id", "text", (c) => c.references("workflow_stages.id").onDelete("set null"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // waiting | active | skipped | approved | rejected | cancelled
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("approvals_needed", "integer", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("started_at", "bigint")
    .addColumn("completed_at", "bigint")
    .addColumn("overdue_at", "bigint")
    .addColumn("escalated_at", "bigint")
    .execute();
  await db.schema.createIndex("run_stages_run").on("run_stages").columns(["run_id", "position"]).execute();

  await db.schema
    .createTable("tasks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("run_id", "text", (c) => c.notNull().references("workflow_runs.id").onDelete("cascade"))
    .addColumn("run_stage_id", "text", (c) => c.notNull().references("run_stages.id").onDelete("cascade"))
    .addColumn("assignee_id", "text", (c) => c.references("users.id").onDelete("set null"))
    // round-robin | least-loaded | manual | escalation
    .addColumn("assigned_via", "text", (c) => c.notNull())
    // open | approved | rejected | cancelled
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("decided_by_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("comment", "text")
    .addColumn("reason", "text")
    .addColumn("form_data", "text")
    .addColumn("escalated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("decided_at", "bigint")
    .execute();
  await db.schema.createIndex("tasks_assignee_status").on("tasks").columns(["assignee_id", "status"]).execute();
  await db.schema.createIndex("tasks_run_stage").on("tasks").column("run_stage_id").execute();
  await db.schema.createIndex("tasks_org_status").on("tasks").columns(["organization_id", "status"]).execute();

  // Where each round-robin rotation stands (per stage and pool), so it stays fair across restarts.
  await db.schema
    .createTable("assignment_cursors")
    .addColumn("pool", "text", (c) => c.primaryKey())
    .addColumn("last_user_id", "text", (c) => c.notNull())
    // The pick's e-mail: when that member leaves the pool, the rotation goes on from where they sorted.
    .addColumn("last_label", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    // One job per key (`stage.timeout:<run stage id>`): scheduling twice is a no-op.
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("organization_id", "text", (c) => c.references("organizations.id").onDelete("cascade"))
    .addColumn("due_at", "bigint", (c) => c.notNull())
    // pending | done | failed | cancelled
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("done_at", "bigint")
    .execute();
  await db.schema.createIndex("jobs_status_due").on("jobs").columns(["status", "due_at"]).execute();
}
