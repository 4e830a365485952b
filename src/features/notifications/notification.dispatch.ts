// The dispatcher: delivers due messages at least once under a lease, with backoff, a maximum age and a dead letter.
import { randomUUID } from "node:crypto";
import { backoffMs } from "../../backoff.js";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import type { SendResult } from "./notification.senders.js";
import type { NotificationsTable } from "./notification.table.js";
import { deliver, instanceAdminOnly } from "./notification.providers.js";
import { DEFAULT_MAX_AGE_MS } from "./notification.outbox.js";

/** How long a claimed message is held before another dispatcher may take it over (one that died mid-send). */
export const NOTIFY_LEASE_MS = 60_000;

/** How long a dead-lettered message keeps its bodies (for a retry) before they are purged. */
export const NOTIFY_BODY_RETENTION_MS = 7 * 24 * 3_600_000;

/** What a delivered or expired message keeps: who it went to and what about, not what it said. */
const PURGED = { body_text: "", body_html: null, payload: "{}", sealed_values: null } as const;

/** What one dispatch pass did. */
export interface DispatchReport {
  delivered: number;
  retried: number;
  dead: number;
}

/**
 * Delivers what is due: claims messages under a lease (skipping rows another dispatcher holds, on
 * PostgreSQL), sends each outside any transaction, then records the attempt and the outcome. A dispatcher
 * that dies after sending and before recording leaves the lease to expire; the message is sent again with
 * the same id, which receivers use to drop the duplicate.
 */
export async function dispatchNotifications(
  ctx: ServiceContext,
  options: { limit?: number } = {},
): Promise<DispatchReport> {
  const owner = `dispatcher_${randomUUID()}`;
  const report: DispatchReport = { delivered: 0, retried: 0, dead: 0 };
  await purgeExpiredBodies(ctx);
  const limit = options.limit ?? 500;
  let handled = 0;
  while (handled < limit) {
    const now = ctx.clock.now();
    const due = await ctx.db
      .selectFrom("notifications")
      .select("id")
      .where("status", "=", "pending")
      .where("next_attempt_at", "<=", now)
      .limit(1)
      .executeTakeFirst();
    if (!due) break;
    const rows = await inTransaction(ctx, async (tx) => {
      let q = tx.db
        .selectFrom("notifications")
        .selectAll()
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
        .orderBy("next_attempt_at")
        .limit(Math.min(50, limit - handled));
      if (tx.dialect.supportsSkipLocked) q = q.forUpdate().skipLocked();
      const claimed = await q.execute();
      if (claimed.length) {
        await tx.db
          .updateTable("notifications")
          .set((eb) => ({
            lease_owner: owner,
            lease_until: now + NOTIFY_LEASE_MS,
            attempts: eb("attempts", "+", 1),
            updated_at: now,
          }))
          .where(
            "id",
            "in",
            claimed.map((r) => r.id),
          )
          .execute();
      }
      return claimed.map((r) => ({ ...r, attempts: r.attempts + 1 }));
    });
    if (rows.length === 0) break;
    handled += rows.length;
    for (const row of rows) {
      const provider = await ctx.db
        .selectFrom("notification_providers")
        .selectAll()
        .where("id", "=", row.provider_id)
        .executeTakeFirst();
      const started = ctx.clock.now();
      const t0 = performance.now();
      const result: SendResult = provider
        ? await deliver(ctx, row, provider).catch((error: unknown) => ({
            ok: false,
            statusCode: null,
            error: (error as Error).message,
          }))
        : { ok: false, statusCode: null, error: "the provider was removed" };
      const duration = Math.round(performance.now() - t0);
      await inTransaction(ctx, async (tx) => {
        const at = tx.clock.now();
        await tx.db
          .insertInto("notification_attempts")
          .values({
            id: newId("ntfa", at),
            notification_id: row.id,
            attempt: row.attempts,
            started_at: started,
            duration_ms: duration,
            outcome: result.ok ? "delivered" : "failed",
            status_code: result.statusCode,
            error: result.error,
          })
          .execute();
        const current = await tx.db
          .selectFrom("notifications")
          .select(["status", "lease_owner"])
          .where("id", "=", row.id)
          .executeTakeFirst();
        // Another dispatcher took the message over after our lease ran out; it records its own outcome.
        if (!current || current.status !== "pending" || current.lease_owner !== owner) return;
        const target = { type: "notification", id: row.id, label: `${row.kind}:${row.recipient}` };
        if (result.ok) {
          await tx.db
            .updateTable("notifications")
            .set({
              status: "delivered",
              delivered_at: at,
              updated_at: at,
              lease_owner: null,
              lease_until: null,
              last_error: null,
              // Sent: what it said (an accept link among it) is not kept.
              ...PURGED,
            })
            .where("id", "=", row.id)
            .execute();
          await recordAudit(tx, {
            organizationId: row.organization_id,
            action: "notification.delivered",
            target,
            after: { source: row.source, attempts: row.attempts },
          });
          report.delivered += 1;
        } else if (at >= row.expires_at) {
          await tx.db
            .updateTable("notifications")
            .set({ status: "dead", updated_at: at, lease_owner: null, lease_until: null, last_error: result.error })
            .where("id", "=", row.id)
            .execute();
          await recordAudit(tx, {
            organizationId: row.organization_id,
            action: "notification.dead_lettered",
            target,
            after: { source: row.source, attempts: row.attempts, error: result.error },
          });
          report.dead += 1;
        } else {
          await tx.db
            .updateTable("notifications")
            .set({
              next_attempt_at: at + backoffMs(row.attempts, 3_600_000),
              updated_at: at,
              lease_owner: null,
              lease_until: null,
              last_error: result.error,
            })
            .where("id", "=", row.id)
            .execute();
          report.retried += 1;
        }
      });
    }
  }
  return report;
}

/**
 * Purges the bodies of messages dead-lettered more than {@link NOTIFY_BODY_RETENTION_MS} ago (they can no
 * longer be retried), with one audit event for the batch.
 */
export async function purgeExpiredBodies(ctx: ServiceContext): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    const cutoff = tx.clock.now() - NOTIFY_BODY_RETENTION_MS;
    const rows = await tx.db
      .selectFrom("notifications")
      .select("id")
      .where("status", "=", "dead")
      .where("updated_at", "<=", cutoff)
      .where("body_text", "!=", "")
      .limit(1000)
      .execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await tx.db.updateTable("notifications").set(PURGED).where("id", "in", ids).execute();
    await recordAudit(tx, {
      organizationId: null,
      action: "notification.bodies_purged",
      target: { type: "notification", id: ids[0] as string, label: `${ids.length} dead-lettered message(s)` },
      after: { notifications: ids, retentionMs: NOTIFY_BODY_RETENTION_MS },
    });
    return ids.length;
  });
}

/** A message as `clerk notify failures` and the API show it. */
export type NotificationRecord = Omit<NotificationsTable, "payload" | "lease_owner" | "lease_until"> & {
  payload: Record<string, unknown>;
};

const toRecord = (r: NotificationsTable): NotificationRecord => {
  const { lease_owner: _o, lease_until: _u, payload, ...rest } = r;
  return { ...rest, payload: JSON.parse(payload) as Record<string, unknown> };
};

/** Dead-lettered messages, newest first (of an organization, or all for instance admins). */
export async function listFailures(ctx: ServiceContext, organizationId?: string): Promise<NotificationRecord[]> {
  if (organizationId === undefined) instanceAdminOnly(ctx, "list failed notifications");
  let q = ctx.db.selectFrom("notifications").selectAll().where("status", "=", "dead");
  if (organizationId !== undefined) q = q.where("organization_id", "=", organizationId);
  return (await q.orderBy("updated_at", "desc").limit(500).execute()).map(toRecord);
}

/** Moves a dead-lettered message back to the queue, due now, with a fresh maximum age. */
export async function retryNotification(
  ctx: ServiceContext,
  id: string,
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): Promise<NotificationRecord> {
  instanceAdminOnly(ctx, "retry notifications");
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db.selectFrom("notifications").selectAll().where("id", "=", id.trim()).executeTakeFirst();
    if (!row)
      throw new ClerkError(
        "notify.not_found",
        `No notification "${id}". List failed ones with: clerk notify failures`,
        { param: "id" },
      );
    if (row.status !== "dead")
      throw new ClerkError(
        "notify.not_dead",
        `Notification ${row.id} is ${row.status}; only a dead-lettered one can be retried.`,
        { param: "id" },
      );
    if (row.body_text === "")
      throw new ClerkError(
        "notify.purged",
        `Notification ${row.id} was dead-lettered over ${NOTIFY_BODY_RETENTION_MS / 86_400_000} days ago and its text was purged; it cannot be sent again.`,
        { param: "id" },
      );
    const now = tx.clock.now();
    await tx.db
      .updateTable("notifications")
      .set({ status: "pending", next_attempt_at: now, expires_at: now + maxAgeMs, updated_at: now })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "notification.retried",
      target: { type: "notification", id: row.id, label: `${row.kind}:${row.recipient}` },
      after: { attempts: row.attempts },
    });
    return toRecord({ ...row, status: "pending", next_attempt_at: now, expires_at: now + maxAgeMs, updated_at: now });
  });
}

/** Every delivery attempt, newest first (of one message when given). */
export async function deliveryLog(
  ctx: ServiceContext,
  options: { notification?: string | undefined; limit?: number | undefined } = {},
) {
  instanceAdminOnly(ctx, "read the delivery log");
  let q = ctx.db
    .selectFrom("notification_attempts as a")
    .innerJoin("notifications as n", "n.id", "a.notification_id")
    .select([
      "a.id",
      "a.notification_id",
      "a.attempt",
      "a.started_at",
      "a.duration_ms",
      "a.outcome",
      "a.status_code",
      "a.error",
      "n.kind",
      "n.recipient",
      "n.source",
      "n.status",
    ]);
  if (options.notification !== undefined) q = q.where("a.notification_id", "=", options.notification);
  return q
    .orderBy("a.started_at", "desc")
    .orderBy("a.id", "desc")
    .limit(options.limit ?? 100)
    .execute();
}

/** Dead-lettered messages of an organization, for the health report. */
export async function deadLetteredFindings(ctx: ServiceContext, org: { id: string; slug: string }) {
  const rows = await ctx.db
    .selectFrom("notifications")
    .selectAll()
    .where("organization_id", "=", org.id)
    .where("status", "=", "dead")
    .orderBy("updated_at", "desc")
    .limit(100)
    .execute();
  return rows.map((r) => ({
    check: "notification.dead_lettered" as const,
    organization: org.slug,
    summary: `A ${r.source} message to ${r.kind}:${r.recipient} was not delivered after ${r.attempts} attempt(s): ${r.last_error ?? "unknown error"}.`,
    fix: [`clerk notify log --notification ${r.id}`, `clerk notify retry ${r.id}`],
    notification: r.id,
    last_error: r.last_error,
  }));
}
