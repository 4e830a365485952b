// Dashboard admins: users whose signed-in session is an instance admin. Only the operator may name one.
import { type ServiceContext, inTransaction } from "../../context.js";
import type { Database } from "../../store/database.js";
import type { Kysely } from "kysely";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type User, ensureUser } from "../users/index.js";

/**
 * Makes the user (created when new) a dashboard admin. No operation serves this: only `clerk dashboard login`,
 * run by the operator on the server's store, reaches it, so neither a leaked key nor a session makes more admins.
 */
export async function makeDashboardAdmin(ctx: ServiceContext, email: string): Promise<{ user: User; added: boolean }> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "make dashboard admins" });
  return inTransaction(ctx, async (tx) => {
    const user = await ensureUser(tx, email, "human");
    if (await isDashboardAdmin(tx.db, user.id)) return { user, added: false };
    await tx.db.insertInto("dashboard_admins").values({ user_id: user.id, created_at: tx.clock.now() }).execute();
    await recordAudit(tx, {
      organizationId: null,
      action: "dashboard.admin_added",
      target: { type: "user", id: user.id, label: user.email },
      after: { user_id: user.id, email: user.email },
    });
    return { user, added: true };
  });
}

/** Whether the user is a dashboard admin. */
export async function isDashboardAdmin(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("dashboard_admins")
    .select("user_id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}
