// Clerk's users carry three metadata objects; public and private had columns from the start, unsafe joins them.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("unsafe_metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
}
