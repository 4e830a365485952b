// Who may review a stage and who gets its tasks: role holders (by inheritance), never the requester,
// chosen by the stage's strategy from a rotation kept in the store.
import type { ServiceContext } from "../../context.js";
import { membersHoldingRole } from "../access/index.js";
import { type Candidate, type Strategy, pickReviewers } from "./assignment.js";

/** Members holding the role (directly or through a role extending it), minus `exclude`. */
export async function eligibleReviewers(
  ctx: ServiceContext,
  organizationId: string,
  roleId: string | null,
  exclude: ReadonlySet<string>,
): Promise<Candidate[]> {
  if (roleId === null) return [];
  return (await membersHoldingRole(ctx, organizationId, roleId)).filter((m) => !exclude.has(m.userId));
}

/** Whether the user holds the role in the organization (directly or by inheritance). */
export async function holdsRole(
  ctx: ServiceContext,
  organizationId: string,
  roleId: string | null,
  userId: string,
): Promise<boolean> {
  if (roleId === null) return false;
  return (await membersHoldingRole(ctx, organizationId, roleId)).some((m) => m.userId === userId);
}

async function openTaskCounts(
  ctx: ServiceContext,
  organizationId: string,
  userIds: readonly string[],
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom("tasks")
    .select(["assignee_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("organization_id", "=", organizationId)
    .where("status", "=", "open")
    .where("assignee_id", "in", [...userIds])
    .groupBy("assignee_id")
    .execute();
  return new Map(rows.map((r) => [r.assignee_id as string, Number(r.n)]));
}

/**
 * Picks up to `count` reviewers from `candidates` for `pool` (a stage, or its escalation), moving the
 * pool's rotation on in the caller's transaction. The cursor row is locked first on PostgreSQL, so two
 * runs started at once take turns instead of picking the same reviewer.
 */
export async function chooseReviewers(
  ctx: ServiceContext,
  input: { organizationId: string; pool: string; strategy: Strategy; candidates: readonly Candidate[]; count: number },
): Promise<Candidate[]> {
  if (input.strategy === "manual" || input.candidates.length === 0 || input.count <= 0) return [];
  const now = ctx.clock.now();
  const read = () => {
    const q = ctx.db.selectFrom("assignment_cursors").selectAll().where("pool", "=", input.pool);
    return (ctx.dialect.supportsForUpdate ? q.forUpdate() : q).executeTakeFirst();
  };
  // The cursor exists after a pool's first pick, so the usual case is one locked read; the first creates it.
  let cursor = await read();
  if (!cursor) {
    await ctx.db
      .insertInto("assignment_cursors")
      .values({ pool: input.pool, last_user_id: "", last_label: "", updated_at: now })
      .onConflict((oc) => oc.column("pool").doNothing())
      .execute();
    cursor = await read();
  }
  const openTasks =
    input.strategy === "least-loaded"
      ? await openTaskCounts(
          ctx,
          input.organizationId,
          input.candidates.map((c) => c.userId),
        )
      : undefined;
  const picked = pickReviewers({
    strategy: input.strategy,
    candidates: input.candidates,
    count: input.count,
    lastUserId: cursor?.last_user_id || null,
    lastLabel: cursor?.last_label || undefined,
    openTasks,
  });
  const last = picked[picked.length - 1];
  if (last)
    await ctx.db
      .updateTable("assignment_cursors")
      .set({ last_user_id: last.userId, last_label: last.label, updated_at: now })
      .where("pool", "=", input.pool)
      .execute();
  return picked;
}
