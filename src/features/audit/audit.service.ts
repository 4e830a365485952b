// Records what changed, by whom, in the transaction of the change itself.
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { checkpointIfDue, checkpointState } from "./audit.checkpoint.js";
import { appendEvent, listEvents } from "./audit.repository.js";
import type { AuditEventsTable } from "./audit.table.js";

/** What a service says about its change; who and when come from the context. */
export interface AuditInput {
  organizationId: string | null;
  /** `<category>.<verb>`, e.g. `role.created`. */
  action: string;
  target: { type: string; id: string | null; label?: string };
  before?: unknown;
  after?: unknown;
}

/** A stored audit event as services and tests read it. */
export interface AuditEvent {
  id: string;
  seq: number;
  organizationId: string | null;
  createdAt: number;
  actor: { type: string; id: string | null; label: string };
  /** Who acted for the actor (an instance key with `Clerk-Act-As`, the local operator with `--as`). */
  via: { type: string; id: string | null; label: string } | null;
  action: string;
  target: { type: string; id: string | null; label: string };
  before: unknown;
  after: unknown;
  requestId: string | null;
  hash: string;
}

/** An audit event as hooks see it, in the transaction that records it. */
export interface RecordedAudit extends AuditInput {
  id: string;
  createdAt: number;
}

/**
 * Runs for every audit event inside the change's own transaction, after the event is appended: what it writes
 * commits (or rolls back) with the change. The webhooks feature registers one to queue Clerk-format events.
 */
export type AuditHook = (tx: ServiceContext, event: RecordedAudit) => Promise<void>;

const hooks = new Map<string, AuditHook>();

/** Registers (or replaces) the hook named `name`; called once at startup by the feature that owns it. */
export function onAuditEvent(name: string, hook: AuditHook): void {
  hooks.set(name, hook);
}

/** Appends the audit event of a change; call it inside the change's transaction (`inTransaction`). */
export async function recordAudit(ctx: ServiceContext, input: AuditInput): Promise<void> {
  if (!ctx.db.isTransaction)
    throw new TypeError("recordAudit must run inside the transaction of the change it records");
  const now = ctx.clock.now();
  // The newest checkpoint is named in the row (and its hash), so deleting it means rolling back every chain written since.
  const chain = input.organizationId ?? "*";
  const checkpoint = await checkpointState(ctx.db, ctx.dialect, chain);
  const via = ctx.actor.via;
  const id = newId("evt", now);
  const stored = await appendEvent(ctx.db, ctx.dialect, {
    id,
    chain,
    organization_id: input.organizationId,
    created_at: now,
    actor_type: ctx.actor.type,
    actor_id: ctx.actor.id,
    actor_label: ctx.actor.label,
    action: input.action,
    target_type: input.target.type,
    target_id: input.target.id,
    target_label: input.target.label ?? "",
    before: input.before === undefined ? null : JSON.stringify(input.before),
    after: input.after === undefined ? null : JSON.stringify(input.after),
    request_id: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
    via_type: via?.type ?? null,
    via_id: via?.id ?? null,
    via_label: via?.label ?? null,
    checkpoint_seq: checkpoint.seq,
  });
  await checkpointIfDue(ctx, checkpoint, stored);
  for (const hook of hooks.values()) await hook(ctx, { ...input, id, createdAt: now });
}

function toEvent(row: AuditEventsTable): AuditEvent {
  return {
    id: row.id,
    seq: row.seq,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    via: row.via_type ? { type: row.via_type, id: row.via_id ?? null, label: row.via_label ?? "" } : null,
    action: row.action,
    target: { type: row.target_type, id: row.target_id, label: row.target_label },
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    requestId: row.request_id,
    hash: row.hash,
  };
}

/** The audit events of an organization (or the instance with `null`), oldest first. Filters come later. */
export async function auditEventsOf(ctx: ServiceContext, organizationId: string | null): Promise<AuditEvent[]> {
  return (await listEvents(ctx.db, organizationId)).map(toEvent);
}
