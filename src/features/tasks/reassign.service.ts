// Handing a departed member's open tasks on: when a membership is suspended, each open task assigned to the person
// goes to another holder of the stage's role, chosen by the stage's strategy (manual stages leave it unassigned).
import type { ServiceContext } from "../../context.js";
import { chooseReviewers, eligibleReviewers } from "./reviewers.js";
import { partiesOf, runContext, runLabel, stageDefinition } from "./run.advance.js";
import { recordAudit } from "../audit/index.js";

/** One task handed on: to whom (null: nobody eligible, or a manual stage; the task waits unassigned). */
export interface Reassignment {
  taskId: string;
  to: string | null;
}

/**
 * Reassigns every open task of `userId` in the organization, inside the caller's transaction (which must already
 * have removed the person from the policy, so they are not picked again). Each reassignment is audited.
 */
export async function reassignOpenTasksOf(
  tx: ServiceContext,
  organizationId: string,
  userId: string,
  why: string,
): Promise<Reassignment[]> {
  const open = await tx.db
    .selectFrom("tasks")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("assignee_id", "=", userId)
    .where("status", "=", "open")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const out: Reassignment[] = [];
  for (const task of open) {
    const { run, wf, org } = await runContext(tx, task.run_id);
    const rs = await tx.db.selectFrom("run_stages").selectAll().where("id", "=", task.run_stage_id).executeTakeFirst();
    const def = rs ? stageDefinition(wf, rs) : undefined;
    const onStage = await tx.db
      .selectFrom("tasks")
      .select(["assignee_id", "decided_by_id"])
      .where("run_stage_id", "=", task.run_stage_id)
      .execute();
    const busy = new Set([
      userId,
      ...partiesOf(run),
      ...onStage.flatMap((t) => [t.assignee_id, t.decided_by_id].filter((id): id is string => id !== null)),
    ]);
    const pool = def ? await eligibleReviewers(tx, org.id, def.requiresRole.id, busy) : [];
    const [to] = def
      ? await chooseReviewers(tx, {
          organizationId: org.id,
          pool: `stage:${def.id}`,
          strategy: def.strategy,
          candidates: pool,
          count: 1,
        })
      : [];
    await tx.db
      .updateTable("tasks")
      .set({
        assignee_id: to?.userId ?? null,
        assigned_via: def?.strategy ?? task.assigned_via,
        updated_at: tx.clock.now(),
      })
      .where("id", "=", task.id)
      .where("status", "=", "open")
      .execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "approval.reassigned",
      target: { type: "task", id: task.id, label: runLabel(wf, run.subject) },
      before: { assignee: userId },
      after: { assignee: to?.label ?? null, stage: rs?.name ?? null, strategy: def?.strategy ?? null, reason: why },
    });
    out.push({ taskId: task.id, to: to?.userId ?? null });
  }
  return out;
}
