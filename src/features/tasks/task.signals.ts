// What workflows announce: each happening is an audit event carrying its signal, and the messages the
// workflow's notification rules ask for are written to the outbox in the same transaction.
import type { ServiceContext } from "../../context.js";
import { recordAudit } from "../audit/index.js";
import { enqueueForSignal } from "../notifications/index.js";
import type { Signal } from "../workflows/index.js";

export { SIGNALS, type Signal } from "../workflows/index.js";

/** What a message about a run may say: the placeholder values, and who `email:assignee` means. */
export interface SignalContext {
  workflowId: string;
  values: Record<string, unknown>;
  assignees: readonly string[];
}

/** One happening of a run, recorded in the caller's transaction. */
export interface SignalInput {
  organizationId: string;
  action: string;
  signal?: Signal;
  target: { type: string; id: string; label: string };
  before?: Record<string, unknown>;
  after: Record<string, unknown>;
  /** With a signal: what its notifications may say. */
  context?: SignalContext;
}

/** Where people can look at a run; CLERK_PUBLIC_URL is the server's address as users reach it. */
export function runUrl(runId: string): string {
  const base = (process.env.CLERK_PUBLIC_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
  return `${base}/v1/runs/${runId}`;
}

/** The placeholder values of a run's messages (see the notifications' PLACEHOLDERS). */
export function signalValues(input: {
  workflow: { name: string; slug: string };
  organizationSlug: string;
  run: { id: string; status: string };
  data: Record<string, unknown>;
  requester?: string | null;
  stage?: string | null;
  assignee?: string | null;
  elapsed?: string | null;
  reason?: string | null;
}): Record<string, unknown> {
  const pr = (input.data.pr ?? input.data.pull_request ?? {}) as Record<string, unknown>;
  return {
    "pr.url": pr.url ?? input.data.url ?? null,
    "pr.title": pr.title ?? input.data.title ?? null,
    "pr.number": pr.number ?? null,
    elapsed: input.elapsed ?? null,
    "stage.name": input.stage ?? null,
    "workflow.name": input.workflow.name,
    "workflow.slug": input.workflow.slug,
    "assignee.email": input.assignee ?? null,
    "requester.email": input.requester ?? null,
    "run.id": input.run.id,
    "run.url": runUrl(input.run.id),
    "run.status": input.run.status,
    reason: input.reason ?? null,
    "organization.slug": input.organizationSlug,
    event: input.data,
  };
}

/**
 * Records a happening in the audit log, with its signal in `after.signal`, and writes the messages of the
 * workflow's rules for that signal to the outbox, all in the caller's transaction: a signal is never lost,
 * nor sent for a change that rolled back.
 */
export async function announce(tx: ServiceContext, input: SignalInput): Promise<void> {
  await recordAudit(tx, {
    organizationId: input.organizationId,
    action: input.action,
    target: input.target,
    before: input.before,
    after: input.signal ? { ...input.after, signal: input.signal } : input.after,
  });
  if (input.signal && input.context) {
    await enqueueForSignal(tx, {
      organizationId: input.organizationId,
      workflowId: input.context.workflowId,
      signal: input.signal,
      values: input.context.values,
      assignees: input.context.assignees,
    });
  }
}
