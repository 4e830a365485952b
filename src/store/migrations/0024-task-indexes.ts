// Tasks found by run, and task lists in their own order: both were scans or sorts that grew with every open task.
import type { Kysely } from "kysely";

/**
 * Every run's record (an event's answer, `GET /v1/workflow_runs/{id}`, run lists) reads its tasks by `run_id`,
 * which no index covered: each event scanned the whole tasks table (events/s fell from 537 to 330 between 2 000 and
 * 30 000 runs in a SQLite loop). Task lists filter by organization or assignee and status, then page in
 * `(created_at, id)` order, which the old indexes left to a sort of every matching task; the wider indexes hand
 * them over in order and still serve every query the narrow ones did (same leading columns).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("tasks_run").on("tasks").columns(["run_id", "created_at", "id"]).execute();
  await db.schema.dropIndex("tasks_org_status").execute();
  await db.schema
    .createIndex("tasks_org_status")
    .on("tasks")
    .columns(["organization_id", "status", "created_at", "id"])
    .execute();
  await db.schema.dropIndex("tasks_assignee_status").execute();
  await db.schema
    .createIndex("tasks_assignee_status")
    .on("tasks")
    .columns(["assignee_id", "status", "created_at", "id"])
    .execute();
}
