// Reads and writes the workflows and workflow_stages tables.
import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database } from "../../store/database.js";
import type { WorkflowStagesTable, WorkflowsTable } from "./workflow.table.js";

export type WorkflowRow = Selectable<WorkflowsTable>;
export type StageRow = Selectable<WorkflowStagesTable>;

export async function workflowRowsOf(db: Kysely<Database>, organizationId: string): Promise<WorkflowRow[]> {
  return db.selectFrom("workflows").selectAll().where("organization_id", "=", organizationId).orderBy("name").execute();
}

export async function findWorkflowRow(db: Kysely<Database>, id: string): Promise<WorkflowRow | undefined> {
  return db.selectFrom("workflows").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every workflow whose slug or lowercased name is `value`, in any organization. */
export async function workflowRowsNamed(db: Kysely<Database>, slug: string, lowerName: string): Promise<WorkflowRow[]> {
  const rows = await db.selectFrom("workflows").selectAll().where("slug", "=", slug).execute();
  if (rows.length > 0) return rows;
  return (await db.selectFrom("workflows").selectAll().execute()).filter((r) => r.name.toLowerCase() === lowerName);
}

/** Active workflows of an organization triggered by an event type (normalised). */
export async function triggeredRows(
  db: Kysely<Database>,
  organizationId: string,
  typeKey: string,
): Promise<WorkflowRow[]> {
  return db
    .selectFrom("workflows")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("trigger_type", "=", typeKey)
    .where("status", "=", "active")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function stageRowsOf(db: Kysely<Database>, workflowIds: readonly string[]): Promise<StageRow[]> {
  if (workflowIds.length === 0) return [];
  return db
    .selectFrom("workflow_stages")
    .selectAll()
    .where("workflow_id", "in", [...workflowIds])
    .orderBy("workflow_id")
    .orderBy("position")
    .execute();
}

export async function insertWorkflowRow(db: Kysely<Database>, row: WorkflowRow): Promise<void> {
  await db.insertInto("workflows").values(row).execute();
}

export async function updateWorkflowRow(
  db: Kysely<Database>,
  id: string,
  patch: Updateable<WorkflowsTable>,
): Promise<void> {
  await db.updateTable("workflows").set(patch).where("id", "=", id).execute();
}

export async function deleteWorkflowRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("workflows").where("id", "=", id).execute();
}

export async function insertStageRow(db: Kysely<Database>, row: StageRow): Promise<void> {
  await db.insertInto("workflow_stages").values(row).execute();
}

export async function updateStageRow(
  db: Kysely<Database>,
  id: string,
  patch: Updateable<WorkflowStagesTable>,
): Promise<void> {
  await db.updateTable("workflow_stages").set(patch).where("id", "=", id).execute();
}

export async function deleteStageRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("workflow_stages").where("id", "=", id).execute();
}

/** Rewrites positions 1..n in the given order. */
export async function renumberStages(db: Kysely<Database>, orderedIds: readonly string[]): Promise<void> {
  for (const [i, id] of orderedIds.entries())
    await db
      .updateTable("workflow_stages")
      .set({ position: i + 1 })
      .where("id", "=", id)
      .execute();
}

export async function workflowCount(db: Kysely<Database>, organizationId: string): Promise<number> {
  const { n } = await db
    .selectFrom("workflows")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", organizationId)
    .executeTakeFirstOrThrow();
  return Number(n);
}
