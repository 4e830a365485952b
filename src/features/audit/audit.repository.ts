// Appends audit rows to their hash chain; the chain head row is the per-chain lock.
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.js";
import type { DialectCapabilities } from "../../store/dialect.js";
import type { AuditEventsTable } from "./audit.table.js";

/** The hash a chain starts from. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields that are hashed, in a fixed order, so any edit to a stored row changes its hash. */
export function canonicalEvent(row: Omit<AuditEventsTable, "hash" | "prev_hash">): string {
  return JSON.stringify([
    row.id,
    row.chain,
    row.seq,
    row.organization_id,
    row.created_at,
    row.actor_type,
    row.actor_id,
    row.actor_label,
    row.action,
    row.target_type,
    row.target_id,
    row.target_label,
    row.before,
    row.after,
    row.request_id,
    row.ip,
  ]);
}

/** sha256(prev_hash ‖ canonical row), hex. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/**
 * Appends one event. Must run inside the transaction of the change it records. The head row is created
 * if missing and then locked (FOR UPDATE on PostgreSQL; SQLite already holds the write lock), so two
 * writers to one chain take turns and never fork it.
 */
export async function appendEvent(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  row: Omit<AuditEventsTable, "hash" | "prev_hash" | "seq">,
): Promise<AuditEventsTable> {
  await db
    .insertInto("audit_heads")
    .values({ chain: row.chain, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column("chain").doNothing())
    .execute();
  let head = db.selectFrom("audit_heads").select(["seq", "hash"]).where("chain", "=", row.chain);
  if (dialect.supportsForUpdate) head = head.forUpdate();
  const { seq, hash: prevHash } = await head.executeTakeFirstOrThrow();
  const full = { ...row, seq: seq + 1 };
  const hash = chainHash(prevHash, canonicalEvent(full));
  const stored: AuditEventsTable = { ...full, prev_hash: prevHash, hash };
  await db.insertInto("audit_events").values(stored).execute();
  await db.updateTable("audit_heads").set({ seq: full.seq, hash }).where("chain", "=", row.chain).execute();
  return stored;
}

/** Events of one organization (or the instance chain with `null`), oldest first. */
export async function listEvents(db: Kysely<Database>, organizationId: string | null, limit = 1000): Promise<AuditEventsTable[]> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("chain", "=", organizationId ?? "*")
    .orderBy("seq", "asc")
    .limit(limit)
    .execute();
}
