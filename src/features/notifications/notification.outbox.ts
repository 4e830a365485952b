// The outbox: messages written in the transaction of the change that causes them, due at once.
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { sealSecret } from "../../secrets.js";
import type { Signal } from "../workflows/index.js";
import { parseChannel } from "./notification.channels.js";
import type { NotificationsTable } from "./notification.table.js";
import { findProvider, providerFor, sealedValuesPurpose } from "./notification.providers.js";
import { escapeHtml, render } from "./notification.template.js";

/** A message still undelivered this long after it was written is dead-lettered. */
export const DEFAULT_MAX_AGE_MS = 24 * 3_600_000;

/** A happening worth telling people about, with what its messages may say. */
export interface SignalMessage {
  organizationId: string;
  workflowId: string;
  signal: Signal;
  /** Placeholder values: `pr.url`, `elapsed`, `stage.name`, … and `event` (the event's attributes). */
  values: Record<string, unknown>;
  /** Who `email:assignee` means. */
  assignees: readonly string[];
}

const SUBJECTS: Record<Signal, string> = {
  "stage:assigned": "Review requested",
  "stage:overdue": "Review overdue",
  "stage:escalated": "Review escalated",
  "run:approved": "Approved",
  "run:rejected": "Rejected",
};

/** The message fields a caller chooses; the queue's own bookkeeping is filled in here. */
type OutboxMessage = Pick<
  NotificationsTable,
  | "organization_id"
  | "rule_id"
  | "source"
  | "provider_id"
  | "kind"
  | "recipient"
  | "subject"
  | "body_text"
  | "body_html"
  | "payload"
>;

/**
 * Writes one message to the outbox, due now, in the caller's transaction; returns its id (its idempotency key).
 * `secrets` are sealed under the master key; the bodies name each as `{{name}}`, filled in when sent.
 */
async function insertOutbox(
  tx: ServiceContext,
  m: OutboxMessage,
  maxAgeMs: number,
  secrets?: Record<string, string>,
): Promise<string> {
  const now = tx.clock.now();
  const id = newId("ntf", now);
  await tx.db
    .insertInto("notifications")
    .values({
      ...m,
      id,
      sealed_values: secrets ? sealSecret(tx, JSON.stringify(secrets), sealedValuesPurpose(id)) : null,
      status: "pending",
      attempts: 0,
      next_attempt_at: now,
      expires_at: now + maxAgeMs,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    })
    .execute();
  return id;
}

/** Writes the outbox rows of a signal's rules, in the caller's transaction (the change and its messages commit together). */
export async function enqueueForSignal(
  tx: ServiceContext,
  s: SignalMessage,
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): Promise<number> {
  const rules = await tx.db
    .selectFrom("notification_rules")
    .selectAll()
    .where("workflow_id", "=", s.workflowId)
    .where("on_signal", "=", s.signal)
    .execute();
  if (rules.length === 0) return 0;
  const now = tx.clock.now();
  let written = 0;
  for (const rule of rules) {
    const channel = parseChannel(rule.channel);
    const provider = await findProvider(tx, channel);
    // The provider was removed after the rule was saved: nothing can be sent; the signal's audit event stays the record.
    if (!provider) continue;
    const recipients =
      channel.kind === "email"
        ? "assignee" in channel
          ? [...new Set(s.assignees)]
          : [channel.address]
        : [channel.name];
    const subject = `[clerk] ${String(s.values["workflow.name"] ?? "")}: ${SUBJECTS[s.signal]}${s.values["pr.title"] ? ` - ${String(s.values["pr.title"])}` : ""}`;
    for (const recipient of recipients) {
      await insertOutbox(
        tx,
        {
          organization_id: s.organizationId,
          rule_id: rule.id,
          source: s.signal,
          provider_id: provider.id,
          kind: channel.kind,
          recipient,
          subject,
          body_text: render(rule.message, s.values, channel.kind === "slack" ? "slack" : "text"),
          body_html: channel.kind === "email" ? `<p>${render(rule.message, s.values, "html")}</p>` : null,
          payload: JSON.stringify({
            type: s.signal,
            timestamp: new Date(now).toISOString(),
            data: { message: render(rule.message, s.values, "text"), ...flat(s.values) },
          }),
        },
        maxAgeMs,
      );
      written += 1;
    }
  }
  return written;
}

/** A one-off message to a channel, not a workflow rule's: e.g. an audit checkpoint's hash sent to be kept elsewhere. */
export interface Notice {
  /** `webhook:<provider>`, `slack:<provider>` or `email:<address>`. */
  channel: string;
  /** What caused it, e.g. `audit:checkpoint` (the webhook payload's `type`). */
  source: string;
  subject: string;
  text: string;
  /** The webhook payload's `data`. */
  data: Record<string, unknown>;
}

/**
 * Writes a notice to the outbox in the caller's transaction, so it commits (and is later delivered, with retries)
 * with the change it tells of; a channel without a configured provider is refused before anything is written.
 */
export async function enqueueNotice(tx: ServiceContext, n: Notice, maxAgeMs = DEFAULT_MAX_AGE_MS): Promise<string> {
  const channel = parseChannel(n.channel);
  if (channel.kind === "email" && "assignee" in channel) throw new TypeError("a notice has no assignee");
  const provider = await providerFor(tx, channel);
  return insertOutbox(
    tx,
    {
      organization_id: null,
      rule_id: null,
      source: n.source,
      provider_id: provider.id,
      kind: channel.kind,
      recipient: channel.kind === "email" ? channel.address : channel.name,
      subject: `[clerk] ${n.subject}`,
      body_text: n.text,
      body_html: channel.kind === "email" ? `<p>${escapeHtml(n.text)}</p>` : null,
      payload: JSON.stringify({ type: n.source, timestamp: new Date(tx.clock.now()).toISOString(), data: n.data }),
    },
    maxAgeMs,
  );
}

/**
 * Writes an e-mail to the outbox in the caller's transaction; null (nothing written) when no e-mail provider is
 * configured. `secrets` (e.g. an accept link) are stored sealed; `text` and `html` name them as `{{name}}`.
 */
export async function enqueueEmail(
  tx: ServiceContext,
  m: {
    organizationId: string | null;
    source: string;
    to: string;
    subject: string;
    text: string;
    html: string | null;
    secrets?: Record<string, string>;
  },
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): Promise<string | null> {
  const provider = await findProvider(tx, { kind: "email", assignee: true });
  if (!provider) return null;
  const payload = JSON.stringify({ type: m.source, timestamp: new Date(tx.clock.now()).toISOString(), data: {} });
  return insertOutbox(
    tx,
    {
      organization_id: m.organizationId,
      rule_id: null,
      source: m.source,
      provider_id: provider.id,
      kind: "email",
      recipient: m.to,
      subject: m.subject,
      body_text: m.text,
      body_html: m.html,
      payload,
    },
    maxAgeMs,
    m.secrets,
  );
}

/** Placeholder values as the webhook payload's fields (`pr.url` → `pr_url`), the event kept whole. */
function flat(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(/\./g, "_"), v]));
}

/** One event for a webhooks endpoint: its payload is the exact JSON body the endpoint receives. */
export interface EndpointMessage {
  /** Null keeps the message when its organization is deleted (the outbox row would go with it). */
  organizationId: string | null;
  /** The endpoint's delivery row ({@link saveEndpointDelivery}). */
  providerId: string;
  /** The endpoint's id. */
  endpointId: string;
  /** The event type, e.g. `user.created`. */
  source: string;
  /** A line for the delivery log, e.g. `user.created user_2Wg7…`. */
  summary: string;
  payload: Record<string, unknown>;
}

/** Writes one event for a webhooks endpoint to the outbox, in the transaction of the change it tells of. */
export async function enqueueEndpointMessage(
  tx: ServiceContext,
  m: EndpointMessage,
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): Promise<string> {
  return insertOutbox(
    tx,
    {
      organization_id: m.organizationId,
      rule_id: null,
      source: m.source,
      provider_id: m.providerId,
      kind: "clerk_webhook",
      recipient: m.endpointId,
      subject: m.summary,
      body_text: m.summary,
      body_html: null,
      payload: JSON.stringify(m.payload),
    },
    maxAgeMs,
  );
}
