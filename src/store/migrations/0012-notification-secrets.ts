// A message's secret values (an invitation's accept link) sealed beside its bodies, put in only when it is sent.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("notifications").addColumn("sealed_values", "text").execute();
}
