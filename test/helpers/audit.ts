// Audit test helpers: raw tampering past the append-only guard, and fast seeding of long chains.
import { sql } from "kysely";
import { canonicalEvent, chainHash, GENESIS_HASH } from "../../src/features/audit/audit.repository.js";
import type { AuditEventsTable } from "../../src/features/audit/audit.table.js";
import type { TestStore } from "./store.js";

const GUARDED = ["audit_events", "audit_checkpoints", "audit_checkpoint_chain"];

/** Runs raw SQL as someone with direct database access would, with the append-only triggers out of the way. */
export async function tamper(t: TestStore, statements: string[]): Promise<void> {
  const db = t.store.db;
  if (t.store.dialect.name === "postgres") {
    for (const table of GUARDED) await sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER USER`).execute(db);
    for (const s of statements) await sql.raw(s).execute(db);
    for (const table of GUARDED) await sql.raw(`ALTER TABLE ${table} ENABLE TRIGGER USER`).execute(db);
  } else {
    const triggers = (
      await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'trigger'`.execute(db)
    ).rows;
    for (const trigger of triggers) await sql.raw(`DROP TRIGGER ${trigger.name}`).execute(db);
    for (const s of statements) await sql.raw(s).execute(db);
    for (const trigger of triggers) await sql.raw(trigger.sql).execute(db);
  }
}

/** A chain row with its hash computed from `prevHash`, as clerk would have written it. */
export function chainedRow(row: Omit<AuditEventsTable, "hash" | "prev_hash">, prevHash: string): AuditEventsTable {
  return { ...row, prev_hash: prevHash, hash: chainHash(prevHash, canonicalEvent(row)) };
}

/**
 * Appends `n` events to an organization's chain in one transaction, built and hashed here and inserted in
 * batches (what 100 000 single appends would also produce, far faster). Event i is at `start + i * stepMs`.
 */
export async function seedEvents(
  t: TestStore,
  organizationId: string,
  n: number,
  start: number,
  stepMs: number,
): Promise<void> {
  await t.store.db.transaction().execute(async (trx) => {
    const head = await trx
      .selectFrom("audit_heads")
      .select(["seq", "hash"])
      .where("chain", "=", organizationId)
      .executeTakeFirst();
    let seq = head ? Number(head.seq) : 0;
    let prev = head?.hash ?? GENESIS_HASH;
    let batch: AuditEventsTable[] = [];
    const actions = ["role.created", "member.added", "approval.requested", "approval.granted", "grant.created"];
    for (let i = 0; i < n; i++) {
      seq++;
      const row = chainedRow(
        {
          id: `evt_seed${String(seq).padStart(23, "0")}`,
          chain: organizationId,
          seq,
          organization_id: organizationId,
          created_at: start + i * stepMs,
          actor_type: "user",
          actor_id: `user_${i % 7}`,
          actor_label: `user${i % 7}@acme.com`,
          action: actions[i % actions.length] as string,
          target_type: i % 3 === 0 ? "role" : "member",
          target_id: `t_${i % 11}`,
          target_label: i % 5 === 0 ? 'label, with "quotes"\nand a newline' : `target ${i % 11}`,
          before: i % 4 === 0 ? null : JSON.stringify({ n: i, s: "é" }),
          after: JSON.stringify({ n: i + 1 }),
          request_id: i % 2 === 0 ? null : `req_${i}`,
          ip: null,
        },
        prev,
      );
      prev = row.hash;
      batch.push(row);
      if (batch.length === 1000) {
        await trx.insertInto("audit_events").values(batch).execute();
        batch = [];
      }
    }
    if (batch.length > 0) await trx.insertInto("audit_events").values(batch).execute();
    await trx
      .insertInto("audit_heads")
      .values({ chain: organizationId, seq, hash: prev })
      .onConflict((oc) => oc.column("chain").doUpdateSet({ seq, hash: prev }))
      .execute();
  });
}
