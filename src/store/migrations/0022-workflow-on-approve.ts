// A workflow may act when a run is approved (`on_approve: grant`: an access request's grant is made); the run keeps
// what that effect did.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workflows").addColumn("on_approve", "text").execute();
  await db.schema.alterTable("workflow_runs").addColumn("effect", "text").execute();
}
