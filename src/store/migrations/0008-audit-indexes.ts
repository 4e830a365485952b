// Two audit_events indexes every append paid for and no query reads: lists and exports go by chain.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // (organization_id, created_at) repeats (chain, created_at): a chain is its organization's id, or '*'.
  await db.schema.dropIndex("audit_events_org_time").execute();
  // An action filter narrows one chain, read in seq order; an index on action across chains never serves it.
  await db.schema.dropIndex("audit_events_action").execute();
}
