// Notifications: providers (secrets sealed at rest), per-workflow rules, the outbox written in the transaction
// of the change, and the dispatcher that delivers at least once with backoff, a maximum age and a dead letter.
import { randomInt, randomUUID } from "node:crypto";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { sealSecret, unsealSecret } from "../../secrets.js";
import { recordAudit } from "../audit/index.js";
import { resolveOrg } from "../orgs/index.js";
import { SIGNALS, type Signal, assertMayManageWorkflows, resolveWorkflow } from "../workflows/index.js";
import { type Channel, checkReceiverUrl, formatChannel, parseChannel } from "./notification.channels.js";
import { type Outgoing, type SendResult, newSigningSecret, sendEmail, sendSlack, sendWebhook } from "./notification.senders.js";
import type { NotificationProvidersTable, NotificationsTable, ProviderKind } from "./notification.table.js";
import { checkTemplate, render } from "./notification.template.js";

const PURPOSE = "notification-provider";
/** How long a claimed message is held before another dispatcher may take it over (one that died mid-send). */
export const NOTIFY_LEASE_MS = 60_000;
/** A message still undelivered this long after it was written is dead-lettered. */
export const DEFAULT_MAX_AGE_MS = 24 * 3_600_000;

/** Refuses member actors: providers, the dead letter and the log are the instance's, not an organization's. */
export function instanceAdminOnly(ctx: ServiceContext, what: string): void {
  if (ctx.actor.type === "user") throw new ClerkError("notify.instance_admin_only", `${ctx.actor.label} may not ${what}; only an instance secret key or the local operator may.`);
}

/** What configures a provider (secrets included: they are sealed before they are stored). */
export interface ProviderInput {
  kind: string;
  /** slack: the incoming-webhook URL. */
  webhook?: string | undefined;
  /** slack: the channel it posts to, e.g. #code-reviews. */
  channel?: string | undefined;
  smtpHost?: string | undefined;
  smtpPort?: number | undefined;
  smtpUser?: string | undefined;
  smtpPassword?: string | undefined;
  from?: string | undefined;
  /** webhook: where to POST, and its name for rules (`webhook:<name>`, default `default`). */
  url?: string | undefined;
  name?: string | undefined;
  /** webhook: a signing secret to use instead of a new one. */
  signingSecret?: string | undefined;
  allowInsecure?: boolean | undefined;
}

/** A provider as listed: never its secrets. */
export interface Provider {
  id: string;
  kind: ProviderKind;
  name: string;
  config: Record<string, unknown>;
  allowInsecure: boolean;
  createdAt: number;
  updatedAt: number;
}

const toProvider = (r: NotificationProvidersTable): Provider => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  config: JSON.parse(r.config) as Record<string, unknown>,
  allowInsecure: r.allow_insecure === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function invalid(message: string, param: string): ClerkError {
  return new ClerkError("notify.invalid_provider", message, { param });
}

/** Checks a provider's settings and splits them into what may be shown and what is sealed. */
function settingsOf(input: ProviderInput): { kind: ProviderKind; name: string; config: Record<string, unknown>; secret: Record<string, unknown>; signingSecret?: string } {
  const insecure = input.allowInsecure === true;
  switch (input.kind) {
    case "slack": {
      if (!input.webhook) throw invalid('A Slack provider needs --webhook "https://hooks.slack.com/services/…".', "webhook");
      if (!input.channel) throw invalid('A Slack provider needs --channel "#code-reviews" (rules name it as slack:#code-reviews).', "channel");
      const url = checkReceiverUrl(input.webhook, "webhook", insecure);
      const channel = parseChannel(`slack:${input.channel}`) as Extract<Channel, { kind: "slack" }>;
      return { kind: "slack", name: channel.name, config: { channel: channel.name, host: url.host }, secret: { webhook: url.href } };
    }
    case "email": {
      if (!input.smtpHost) throw invalid("An e-mail provider needs --smtp-host, e.g. smtp.acme.com.", "smtp-host");
      if (!input.from || !/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(input.from.trim())) throw invalid('An e-mail provider needs --from, an address such as "clerk <clerk@acme.com>".', "from");
      const port = input.smtpPort ?? 587;
      if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalid(`--smtp-port ${port} is not a port number (1-65535).`, "smtp-port");
      if (input.smtpUser && !input.smtpPassword) throw invalid("--smtp-user needs a password: set CLERK_SMTP_PASSWORD (the CLI asks on a terminal); it is never a flag.", "smtp-password");
      return { kind: "email", name: "default", config: { host: input.smtpHost.trim(), port, user: input.smtpUser ?? null, from: input.from.trim() }, secret: { password: input.smtpPassword ?? null } };
    }
    case "webhook": {
      if (!input.url) throw invalid('A webhook provider needs --url "https://ci.acme.com/hooks/clerk".', "url");
      const url = checkReceiverUrl(input.url, "url", insecure);
      const name = (input.name ?? "default").trim().toLowerCase();
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw invalid(`--name "${input.name}" is not a webhook name (letters, digits, "-", "_").`, "name");
      const signingSecret = input.signingSecret ?? newSigningSecret();
      if (!/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/.test(signingSecret)) throw invalid("--signing-secret must be a Standard Webhooks secret: whsec_ and base64.", "signing-secret");
      return { kind: "webhook", name, config: { host: url.host }, secret: { url: url.href, signingSecret }, signingSecret };
    }
    default:
      throw invalid(`--provider "${input.kind}" is not a provider; use slack, email or webhook.`, "provider");
  }
}

/** Creates or replaces a provider; a webhook's signing secret is returned once (new ones are generated). */
export async function configureProvider(ctx: ServiceContext, input: ProviderInput): Promise<{ provider: Provider; signingSecret: string | null; replaced: boolean }> {
  instanceAdminOnly(ctx, "configure notifications");
  const s = settingsOf(input);
  const sealed = sealSecret(ctx, JSON.stringify(s.secret), PURPOSE);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const existing = await tx.db.selectFrom("notification_providers").selectAll().where("kind", "=", s.kind).where("name", "=", s.name).executeTakeFirst();
    const row: NotificationProvidersTable = {
      id: existing?.id ?? newId("ntfp", now),
      kind: s.kind,
      name: s.name,
      config: JSON.stringify(s.config),
      secret: sealed,
      allow_insecure: input.allowInsecure ? 1 : 0,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    if (existing) await tx.db.updateTable("notification_providers").set(row).where("id", "=", row.id).execute();
    else await tx.db.insertInto("notification_providers").values(row).execute();
    await recordAudit(tx, {
      organizationId: null,
      action: existing ? "notification.provider_updated" : "notification.provider_configured",
      target: { type: "notification_provider", id: row.id, label: `${s.kind}:${s.name}` },
      before: existing ? { config: JSON.parse(existing.config) } : undefined,
      after: { config: s.config },
    });
    return { provider: toProvider(row), signingSecret: s.signingSecret ?? null, replaced: existing !== undefined };
  });
}

export async function listProviders(ctx: ServiceContext): Promise<Provider[]> {
  instanceAdminOnly(ctx, "list notification providers");
  return (await ctx.db.selectFrom("notification_providers").selectAll().orderBy("kind").orderBy("name").execute()).map(toProvider);
}

async function providerFor(ctx: ServiceContext, channel: Channel): Promise<NotificationProvidersTable> {
  const name = channel.kind === "email" ? "default" : channel.name;
  const row = await ctx.db.selectFrom("notification_providers").selectAll().where("kind", "=", channel.kind).where("name", "=", name).executeTakeFirst();
  if (row) return row;
  const known = await ctx.db.selectFrom("notification_providers").select(["kind", "name"]).where("kind", "=", channel.kind).execute();
  const how =
    channel.kind === "slack"
      ? `clerk notify configure --provider slack --webhook "https://hooks.slack.com/services/…" --channel "${name}"`
      : channel.kind === "email"
        ? "clerk notify configure --provider email --smtp-host … --smtp-port 587 --smtp-user … --from …"
        : `clerk notify configure --provider webhook --name ${name} --url "https://…"`;
  const have = known.length ? ` Configured: ${known.map((k) => `${k.kind}:${k.name}`).join(", ")}.` : "";
  throw new ClerkError("notify.provider_not_configured", `No ${channel.kind} provider for ${formatChannel(channel)} is configured.${have} Configure it with: ${how}`, { param: "channel" });
}

/** A rule as services return it. */
export interface Rule {
  id: string;
  workflow: { id: string; slug: string };
  on: Signal;
  message: string;
  channel: string;
  createdAt: number;
}

/** `clerk workflow notify`: on a signal of a workflow, send a message to a channel (checked now, not at send time). */
export async function addRule(ctx: ServiceContext, input: { workflow: string; organization?: string | undefined; on: string; message: string; channel: string }): Promise<Rule> {
  const on = input.on.trim().toLowerCase();
  if (!(SIGNALS as readonly string[]).includes(on)) {
    throw new ClerkError("notify.invalid_channel", `--on "${input.on}" is not a signal; use ${SIGNALS.join(", ")}.`, { param: "on" });
  }
  checkTemplate(input.message);
  const channel = parseChannel(input.channel);
  return inTransaction(ctx, async (tx) => {
    const wf = await resolveWorkflow(tx, input.workflow, input.organization);
    const org = await resolveOrg(tx, wf.organization.id);
    await assertMayManageWorkflows(tx, org, "set notification rules");
    await providerFor(tx, channel);
    const now = tx.clock.now();
    const row = { id: newId("ntfr", now), organization_id: org.id, workflow_id: wf.id, on_signal: on, message: input.message, channel: formatChannel(channel), created_at: now };
    await tx.db.insertInto("notification_rules").values(row).execute();
    await recordAudit(tx, { organizationId: org.id, action: "workflow.notify_rule_added", target: { type: "workflow", id: wf.id, label: wf.slug }, after: { on, message: row.message, channel: row.channel } });
    return { id: row.id, workflow: { id: wf.id, slug: wf.slug }, on: on as Signal, message: row.message, channel: row.channel, createdAt: now };
  });
}

export async function listRules(ctx: ServiceContext, workflow: string, organization?: string): Promise<Rule[]> {
  const wf = await resolveWorkflow(ctx, workflow, organization);
  const rows = await ctx.db.selectFrom("notification_rules").selectAll().where("workflow_id", "=", wf.id).orderBy("created_at").execute();
  return rows.map((r) => ({ id: r.id, workflow: { id: wf.id, slug: wf.slug }, on: r.on_signal as Signal, message: r.message, channel: r.channel, createdAt: r.created_at }));
}

export async function removeRule(ctx: ServiceContext, id: string): Promise<Rule> {
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db.selectFrom("notification_rules").selectAll().where("id", "=", id.trim()).executeTakeFirst();
    if (!row) throw new ClerkError("notify.not_found", `No notification rule "${id}". List them with: clerk workflow notify list --workflow <workflow>`, { param: "rule" });
    const wf = await resolveWorkflow(tx, row.workflow_id);
    await assertMayManageWorkflows(tx, await resolveOrg(tx, row.organization_id), "remove notification rules");
    await tx.db.deleteFrom("notification_rules").where("id", "=", row.id).execute();
    await recordAudit(tx, { organizationId: row.organization_id, action: "workflow.notify_rule_removed", target: { type: "workflow", id: wf.id, label: wf.slug }, before: { on: row.on_signal, channel: row.channel } });
    return { id: row.id, workflow: { id: wf.id, slug: wf.slug }, on: row.on_signal as Signal, message: row.message, channel: row.channel, createdAt: row.created_at };
  });
}

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
type OutboxMessage = Pick<NotificationsTable, "organization_id" | "rule_id" | "source" | "provider_id" | "kind" | "recipient" | "subject" | "body_text" | "body_html" | "payload">;

/** Writes one message to the outbox, due now, in the caller's transaction; returns its id (its idempotency key). */
async function insertOutbox(tx: ServiceContext, m: OutboxMessage, maxAgeMs: number): Promise<string> {
  const now = tx.clock.now();
  const id = newId("ntf", now);
  await tx.db
    .insertInto("notifications")
    .values({ ...m, id, status: "pending", attempts: 0, next_attempt_at: now, expires_at: now + maxAgeMs, lease_owner: null, lease_until: null, last_error: null, created_at: now, updated_at: now, delivered_at: null })
    .execute();
  return id;
}

/** Writes the outbox rows of a signal's rules, in the caller's transaction (the change and its messages commit together). */
export async function enqueueForSignal(tx: ServiceContext, s: SignalMessage, maxAgeMs = DEFAULT_MAX_AGE_MS): Promise<number> {
  const rules = await tx.db.selectFrom("notification_rules").selectAll().where("workflow_id", "=", s.workflowId).where("on_signal", "=", s.signal).execute();
  if (rules.length === 0) return 0;
  const now = tx.clock.now();
  let written = 0;
  for (const rule of rules) {
    const channel = parseChannel(rule.channel);
    const provider = await tx.db
      .selectFrom("notification_providers")
      .selectAll()
      .where("kind", "=", channel.kind)
      .where("name", "=", channel.kind === "email" ? "default" : channel.name)
      .executeTakeFirst();
    // The provider was removed after the rule was saved: nothing can be sent; the signal's audit event stays the record.
    if (!provider) continue;
    const recipients = channel.kind === "email" ? ("assignee" in channel ? [...new Set(s.assignees)] : [channel.address]) : [channel.name];
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
          payload: JSON.stringify({ type: s.signal, timestamp: new Date(now).toISOString(), data: { message: render(rule.message, s.values, "text"), ...flat(s.values) } }),
        },
        maxAgeMs,
      );
      written += 1;
    }
  }
  return written;
}

/** Writes an e-mail to the outbox in the caller's transaction; null (nothing written) when no e-mail provider is configured. */
export async function enqueueEmail(
  tx: ServiceContext,
  m: { organizationId: string | null; source: string; to: string; subject: string; text: string; html: string | null },
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): Promise<string | null> {
  const provider = await tx.db.selectFrom("notification_providers").select("id").where("kind", "=", "email").where("name", "=", "default").executeTakeFirst();
  if (!provider) return null;
  const payload = JSON.stringify({ type: m.source, timestamp: new Date(tx.clock.now()).toISOString(), data: {} });
  return insertOutbox(
    tx,
    { organization_id: m.organizationId, rule_id: null, source: m.source, provider_id: provider.id, kind: "email", recipient: m.to, subject: m.subject, body_text: m.text, body_html: m.html, payload },
    maxAgeMs,
  );
}

/** Placeholder values as the webhook payload's fields (`pr.url` → `pr_url`), the event kept whole. */
function flat(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(/\./g, "_"), v]));
}

/** What one dispatch pass did. */
export interface DispatchReport {
  delivered: number;
  retried: number;
  dead: number;
}

function backoffMs(attempts: number): number {
  const base = Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + randomInt(0, Math.ceil(base / 2) + 1));
}

async function deliver(ctx: ServiceContext, row: NotificationsTable, provider: NotificationProvidersTable): Promise<SendResult> {
  const secret = JSON.parse(unsealSecret(ctx, provider.secret, PURPOSE).toString("utf8")) as Record<string, string | null>;
  const config = JSON.parse(provider.config) as Record<string, unknown>;
  const m: Outgoing = { id: row.id, recipient: row.recipient, subject: row.subject, text: row.body_text, html: row.body_html, payload: JSON.parse(row.payload) as Record<string, unknown> };
  if (provider.kind === "slack") return sendSlack(secret.webhook as string, row.recipient, m);
  if (provider.kind === "webhook") return sendWebhook(secret.url as string, secret.signingSecret as string, m, ctx.clock.now());
  return sendEmail(
    { host: String(config.host), port: Number(config.port), user: (config.user as string | null) ?? null, from: String(config.from), allowInsecure: provider.allow_insecure === 1 },
    secret.password ?? null,
    m,
  );
}

/**
 * Delivers what is due: claims messages under a lease (skipping rows another dispatcher holds, on
 * PostgreSQL), sends each outside any transaction, then records the attempt and the outcome. A dispatcher
 * that dies after sending and before recording leaves the lease to expire; the message is sent again with
 * the same id, which receivers use to drop the duplicate.
 */
export async function dispatchNotifications(ctx: ServiceContext, options: { limit?: number } = {}): Promise<DispatchReport> {
  const owner = `dispatcher_${randomUUID()}`;
  const report: DispatchReport = { delivered: 0, retried: 0, dead: 0 };
  const limit = options.limit ?? 500;
  let handled = 0;
  while (handled < limit) {
    const now = ctx.clock.now();
    const due = await ctx.db.selectFrom("notifications").select("id").where("status", "=", "pending").where("next_attempt_at", "<=", now).limit(1).executeTakeFirst();
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
          .set((eb) => ({ lease_owner: owner, lease_until: now + NOTIFY_LEASE_MS, attempts: eb("attempts", "+", 1), updated_at: now }))
          .where("id", "in", claimed.map((r) => r.id))
          .execute();
      }
      return claimed.map((r) => ({ ...r, attempts: r.attempts + 1 }));
    });
    if (rows.length === 0) break;
    handled += rows.length;
    for (const row of rows) {
      const provider = await ctx.db.selectFrom("notification_providers").selectAll().where("id", "=", row.provider_id).executeTakeFirst();
      const started = ctx.clock.now();
      const t0 = performance.now();
      const result: SendResult = provider ? await deliver(ctx, row, provider).catch((error: unknown) => ({ ok: false, statusCode: null, error: (error as Error).message })) : { ok: false, statusCode: null, error: "the provider was removed" };
      const duration = Math.round(performance.now() - t0);
      await inTransaction(ctx, async (tx) => {
        const at = tx.clock.now();
        await tx.db
          .insertInto("notification_attempts")
          .values({ id: newId("ntfa", at), notification_id: row.id, attempt: row.attempts, started_at: started, duration_ms: duration, outcome: result.ok ? "delivered" : "failed", status_code: result.statusCode, error: result.error })
          .execute();
        const current = await tx.db.selectFrom("notifications").select(["status", "lease_owner"]).where("id", "=", row.id).executeTakeFirst();
        // Another dispatcher took the message over after our lease ran out; it records its own outcome.
        if (!current || current.status !== "pending" || current.lease_owner !== owner) return;
        const target = { type: "notification", id: row.id, label: `${row.kind}:${row.recipient}` };
        if (result.ok) {
          await tx.db.updateTable("notifications").set({ status: "delivered", delivered_at: at, updated_at: at, lease_owner: null, lease_until: null, last_error: null }).where("id", "=", row.id).execute();
          await recordAudit(tx, { organizationId: row.organization_id, action: "notification.delivered", target, after: { source: row.source, attempts: row.attempts } });
          report.delivered += 1;
        } else if (at >= row.expires_at) {
          await tx.db.updateTable("notifications").set({ status: "dead", updated_at: at, lease_owner: null, lease_until: null, last_error: result.error }).where("id", "=", row.id).execute();
          await recordAudit(tx, { organizationId: row.organization_id, action: "notification.dead_lettered", target, after: { source: row.source, attempts: row.attempts, error: result.error } });
          report.dead += 1;
        } else {
          await tx.db.updateTable("notifications").set({ next_attempt_at: at + backoffMs(row.attempts), updated_at: at, lease_owner: null, lease_until: null, last_error: result.error }).where("id", "=", row.id).execute();
          report.retried += 1;
        }
      });
    }
  }
  return report;
}

/** A message as `clerk notify failures` and the API show it. */
export type NotificationRecord = Omit<NotificationsTable, "payload" | "lease_owner" | "lease_until"> & { payload: Record<string, unknown> };

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
export async function retryNotification(ctx: ServiceContext, id: string, maxAgeMs = DEFAULT_MAX_AGE_MS): Promise<NotificationRecord> {
  instanceAdminOnly(ctx, "retry notifications");
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db.selectFrom("notifications").selectAll().where("id", "=", id.trim()).executeTakeFirst();
    if (!row) throw new ClerkError("notify.not_found", `No notification "${id}". List failed ones with: clerk notify failures`, { param: "id" });
    if (row.status !== "dead") throw new ClerkError("notify.not_dead", `Notification ${row.id} is ${row.status}; only a dead-lettered one can be retried.`, { param: "id" });
    const now = tx.clock.now();
    await tx.db.updateTable("notifications").set({ status: "pending", next_attempt_at: now, expires_at: now + maxAgeMs, updated_at: now }).where("id", "=", row.id).execute();
    await recordAudit(tx, { organizationId: row.organization_id, action: "notification.retried", target: { type: "notification", id: row.id, label: `${row.kind}:${row.recipient}` }, after: { attempts: row.attempts } });
    return toRecord({ ...row, status: "pending", next_attempt_at: now, expires_at: now + maxAgeMs, updated_at: now });
  });
}

/** Every delivery attempt, newest first (of one message when given). */
export async function deliveryLog(ctx: ServiceContext, options: { notification?: string | undefined; limit?: number | undefined } = {}) {
  instanceAdminOnly(ctx, "read the delivery log");
  let q = ctx.db
    .selectFrom("notification_attempts as a")
    .innerJoin("notifications as n", "n.id", "a.notification_id")
    .select(["a.id", "a.notification_id", "a.attempt", "a.started_at", "a.duration_ms", "a.outcome", "a.status_code", "a.error", "n.kind", "n.recipient", "n.source", "n.status"]);
  if (options.notification !== undefined) q = q.where("a.notification_id", "=", options.notification);
  return q.orderBy("a.started_at", "desc").orderBy("a.id", "desc").limit(options.limit ?? 100).execute();
}

/** Sends a test message through a provider now, bypassing the queue, and says what happened. */
export async function testProvider(ctx: ServiceContext, input: { kind: string; name?: string | undefined; to?: string | undefined }): Promise<SendResult & { provider: string }> {
  instanceAdminOnly(ctx, "test notification providers");
  const kind = input.kind.trim().toLowerCase();
  if (!["slack", "email", "webhook"].includes(kind)) throw invalid(`--provider "${input.kind}" is not a provider; use slack, email or webhook.`, "provider");
  // A Slack test without --channel goes to the only Slack provider, when there is just one.
  const onlySlack = kind === "slack" && input.name === undefined ? await ctx.db.selectFrom("notification_providers").select("name").where("kind", "=", "slack").execute() : [];
  const slackName = input.name ?? (onlySlack.length === 1 ? (onlySlack[0] as { name: string }).name : "#general");
  const channel: Channel =
    kind === "email" ? { kind: "email", address: input.to ?? "" } : kind === "slack" ? parseChannel(`slack:${slackName}`) : { kind: "webhook", name: (input.name ?? "default").toLowerCase() };
  if (kind === "email" && !input.to) throw invalid("A test e-mail needs --to <address>.", "to");
  const provider = await providerFor(ctx, channel);
  const now = ctx.clock.now();
  const id = newId("ntf", now);
  const row = {
    id,
    recipient: kind === "email" ? (input.to as string) : provider.name,
    subject: "[clerk] Test message",
    body_text: "This is a test message from clerk: notifications reach this channel.",
    body_html: kind === "email" ? "<p>This is a test message from clerk: notifications reach this channel.</p>" : null,
    payload: JSON.stringify({ type: "test", timestamp: new Date(now).toISOString(), data: { message: "This is a test message from clerk." } }),
  } as NotificationsTable;
  const result = await deliver(ctx, row, provider);
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, { organizationId: null, action: "notification.tested", target: { type: "notification_provider", id: provider.id, label: `${provider.kind}:${provider.name}` }, after: { ok: result.ok, error: result.error } }),
  );
  return { ...result, provider: `${provider.kind}:${provider.name}` };
}

/** Dead-lettered messages of an organization, for the health report. */
export async function deadLetteredFindings(ctx: ServiceContext, org: { id: string; slug: string }) {
  const rows = await ctx.db.selectFrom("notifications").selectAll().where("organization_id", "=", org.id).where("status", "=", "dead").orderBy("updated_at", "desc").limit(100).execute();
  return rows.map((r) => ({
    check: "notification.dead_lettered" as const,
    organization: org.slug,
    summary: `A ${r.source} message to ${r.kind}:${r.recipient} was not delivered after ${r.attempts} attempt(s): ${r.last_error ?? "unknown error"}.`,
    fix: [`clerk notify log --notification ${r.id}`, `clerk notify retry ${r.id}`],
    notification: r.id,
    last_error: r.last_error,
  }));
}
