// What workflows announce: each happening is an audit event carrying the signal notification rules listen for.
import type { ServiceContext } from "../../context.js";
import { recordAudit } from "../audit/index.js";

/** The happenings a notification rule can be set `--on`. */
export const SIGNALS = ["stage:assigned", "stage:overdue", "stage:escalated", "run:approved", "run:rejected"] as const;
export type Signal = (typeof SIGNALS)[number];

/** One happening of a run, recorded in the caller's transaction. */
export interface SignalInput {
  organizationId: string;
  action: string;
  signal?: Signal;
  target: { type: string; id: string; label: string };
  before?: Record<string, unknown>;
  after: Record<string, unknown>;
}

/**
 * Records a happening in the audit log, with its signal in `after.signal`, in the same transaction as the
 * change; the notification outbox is written at this same point, so a signal is never lost or sent for a
 * change that rolled back.
 */
export async function announce(tx: ServiceContext, input: SignalInput): Promise<void> {
  await recordAudit(tx, {
    organizationId: input.organizationId,
    action: input.action,
    target: input.target,
    before: input.before,
    after: input.signal ? { ...input.after, signal: input.signal } : input.after,
  });
}
