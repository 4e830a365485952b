// The policy versions compiled policies are cached against, and the lock that makes policy writers take turns.
import { sql } from "kysely";
import { type PolicyChange, type ServiceContext, policyCommitted } from "../../context.js";
import { POLICY_CHANNEL } from "../../store/change-feed.js";

/**
 * Marks the policy of an organization (or, for `null`, of the whole instance: instance-wide roles and the
 * permission catalogue) as changed, in the caller's transaction; the engine recompiles lazily. The policy
 * store's writes call this themselves; other features call it only for changes to their own tables that
 * compiled policies read (an organization moved, a permission renamed). The only writer of policy_version.
 */
export async function markPolicyChanged(ctx: ServiceContext, organizationId: string | null): Promise<void> {
  let version: number | undefined;
  if (organizationId !== null) {
    const row = await ctx.db
      .updateTable("organizations")
      .set((eb) => ({ policy_version: eb("policy_version", "+", 1) }))
      .where("id", "=", organizationId)
      .returning("policy_version")
      .executeTakeFirst();
    version = row === undefined ? undefined : Number(row.policy_version);
  } else {
    const now = ctx.clock.now();
    await ctx.db
      .insertInto("settings")
      .values({ key: "policy_version", value: "1", updated_at: now })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    // One atomic UPDATE, so two concurrent changes can never both write the same next version.
    const row = await ctx.db
      .updateTable("settings")
      .set({ value: sql<string>`cast(cast(value as integer) + 1 as text)`, updated_at: now })
      .where("key", "=", "policy_version")
      .returning("value")
      .executeTakeFirstOrThrow();
    version = Number(row.value);
  }
  // Announced even when the organization's row is already gone: servers must drop what they compiled from it.
  await announce(ctx, { key: organizationId ?? "*", version: version ?? 0 });
}

/**
 * Tells the other servers (PostgreSQL NOTIFY, sent inside the writing transaction, so it is heard only once
 * that commits, and never if it rolls back) and this process's caches (once the transaction commits).
 */
async function announce(ctx: ServiceContext, change: PolicyChange): Promise<void> {
  if (ctx.dialect.supportsNotify) await sql`select pg_notify(${POLICY_CHANNEL}, ${change.key})`.execute(ctx.db);
  if (ctx.pendingChanges) ctx.pendingChanges.push(change);
  // Outside inTransaction (a statement of its own) the change is already committed.
  else if (!ctx.db.isTransaction) policyCommitted(ctx, [change]);
}

/**
 * Locks the row carrying the policy version of an organization, or of the instance for `null`, until the
 * transaction ends (PostgreSQL), so checks that span rows (no inheritance cycle) run one writer at a time.
 * SQLite needs nothing: BEGIN IMMEDIATE already serialises writers.
 */
export async function lockPolicyOwner(ctx: ServiceContext, organizationId: string | null): Promise<void> {
  if (!ctx.dialect.supportsForUpdate) return;
  if (organizationId !== null) {
    await ctx.db.selectFrom("organizations").select("id").where("id", "=", organizationId).forUpdate().execute();
    return;
  }
  // The instance's version row may not exist yet; moving the version creates it and locks it (an UPDATE
  // holds the row as FOR UPDATE does), and the change this lock guards moves it anyway.
  await markPolicyChanged(ctx, null);
}
