// Runs remember who emitted their event (a party who may not decide them) and each stage's definition as the run started it.
import { type Kysely, sql } from "kysely";

/** A row of workflow_stages as it stood when this migration was written (frozen here, not imported). */
interface StageRow {
  run_stage_id: string;
  id: string;
  position: number;
  name: string;
  requires_role_id: string | null;
  requires_role_key: string;
  condition: string | null;
  timeout: string | null;
  timeout_ms: number | string | null;
  approvals: number;
  form: string | null;
  strategy: string;
  escalate_after: string | null;
  escalate_after_ms: number | string | null;
  escalate_to_role_id: string | null;
  escalate_to_role_key: string | null;
  escalate_notify: string | null;
}

const ms = (v: number | string | null) => (v === null ? null : Number(v));

export async function up(db: Kysely<unknown>): Promise<void> {
  // The member whose key (or act-as) emitted the event; like the requester, they may not decide the run.
  await db.schema
    .alterTable("workflow_runs")
    .addColumn("emitter_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  // The stage's definition (JSON) when the run started: a later change to the workflow does not reach this run.
  await db.schema.alterTable("run_stages").addColumn("definition", "text").execute();
  await backfillStageDefinitions(db);
}

/** Open runs keep the definition their stages have now, the nearest thing to the one they started with. */
export async function backfillStageDefinitions(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<StageRow>`
    select rs.id as run_stage_id, s.id, s.position, s.name, s.requires_role_id, s.requires_role_key, s.condition,
           s.timeout, s.timeout_ms, s.approvals, s.form, s.strategy, s.escalate_after, s.escalate_after_ms,
           s.escalate_to_role_id, s.escalate_to_role_key, s.escalate_notify
    from run_stages rs
    join workflow_runs r on r.id = rs.run_id
    join workflow_stages s on s.id = rs.stage_id
    where r.status = 'open' and rs.definition is null`.execute(db);
  for (const r of rows) {
    const definition = {
      id: r.id,
      position: r.position,
      name: r.name,
      requiresRole: { id: r.requires_role_id, key: r.requires_role_key },
      condition: r.condition,
      timeout: r.timeout,
      timeoutMs: ms(r.timeout_ms),
      approvals: r.approvals,
      form: r.form,
      strategy: r.strategy,
      escalation:
        r.escalate_after !== null && r.escalate_after_ms !== null && r.escalate_to_role_key !== null
          ? {
              after: r.escalate_after,
              afterMs: ms(r.escalate_after_ms),
              escalateTo: { id: r.escalate_to_role_id, key: r.escalate_to_role_key },
              notify: r.escalate_notify,
            }
          : null,
    };
    await sql`update run_stages set definition = ${JSON.stringify(definition)} where id = ${r.run_stage_id}`.execute(
      db,
    );
  }
}
