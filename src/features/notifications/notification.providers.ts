// Providers: where messages go (Slack, SMTP, signed webhooks), their secrets sealed at rest; sending through one.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { sealSecret, unsealSecret } from "../../secrets.js";
import { recordAudit } from "../audit/index.js";
import { type Channel, checkReceiverUrl, formatChannel, parseChannel } from "./notification.channels.js";
import { type DestinationPolicy, checkDestination } from "./notification.destination.js";
import {
  type Outgoing,
  type SendResult,
  newSigningSecret,
  sendEmail,
  sendSlack,
  sendWebhook,
} from "./notification.senders.js";
import type { NotificationProvidersTable, NotificationsTable, ProviderKind } from "./notification.table.js";
import { escapeHtml } from "./notification.template.js";
import { assertAllowedNow } from "../access/index.js";

const PURPOSE = "notification-provider";

/** Refuses member actors: providers, the dead letter and the log are the instance's, not an organization's. */
export function instanceAdminOnly(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, {
    kind: "instance_admin",
    what,
    why: "notifications are the instance's, not an organization's",
  });
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
  /** Allow loopback, private and unique-local addresses (an internal relay or CI); TLS is still required. */
  allowPrivateNetwork?: boolean | undefined;
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

export function invalid(message: string, param: string): ClerkError {
  return new ClerkError("notify.invalid_provider", message, { param });
}

/** Checks a provider's settings and splits them into what may be shown and what is sealed. */
function settingsOf(input: ProviderInput): {
  kind: ProviderKind;
  name: string;
  config: Record<string, unknown>;
  secret: Record<string, unknown>;
  signingSecret?: string;
  /** The host it connects to, checked against the destination policy before anything is stored. */
  host: string;
  hostParam: string;
} {
  const insecure = input.allowInsecure === true;
  const privateNetwork = input.allowPrivateNetwork === true ? { allowPrivateNetwork: true } : {};
  switch (input.kind) {
    case "slack": {
      if (!input.webhook)
        throw invalid('A Slack provider needs --webhook "https://hooks.slack.com/services/…".', "webhook");
      if (!input.channel)
        throw invalid(
          'A Slack provider needs --channel "#code-reviews" (rules name it as slack:#code-reviews).',
          "channel",
        );
      const url = checkReceiverUrl(input.webhook, "webhook", insecure);
      const channel = parseChannel(`slack:${input.channel}`) as Extract<Channel, { kind: "slack" }>;
      return {
        kind: "slack",
        name: channel.name,
        config: { channel: channel.name, host: url.host, ...privateNetwork },
        secret: { webhook: url.href },
        host: url.hostname,
        hostParam: "webhook",
      };
    }
    case "email": {
      if (!input.smtpHost) throw invalid("An e-mail provider needs --smtp-host, e.g. smtp.acme.com.", "smtp-host");
      if (!input.from || !/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(input.from.trim()))
        throw invalid('An e-mail provider needs --from, an address such as "clerk <clerk@acme.com>".', "from");
      const port = input.smtpPort ?? 587;
      if (!Number.isInteger(port) || port < 1 || port > 65_535)
        throw invalid(`--smtp-port ${port} is not a port number (1-65535).`, "smtp-port");
      if (input.smtpUser && !input.smtpPassword)
        throw invalid(
          "--smtp-user needs a password: set CLERK_SMTP_PASSWORD (the CLI asks on a terminal); it is never a flag.",
          "smtp-password",
        );
      return {
        kind: "email",
        name: "default",
        config: {
          host: input.smtpHost.trim(),
          port,
          user: input.smtpUser ?? null,
          from: input.from.trim(),
          ...privateNetwork,
        },
        secret: { password: input.smtpPassword ?? null },
        host: input.smtpHost.trim(),
        hostParam: "smtp-host",
      };
    }
    case "webhook": {
      if (!input.url) throw invalid('A webhook provider needs --url "https://ci.acme.com/hooks/clerk".', "url");
      const url = checkReceiverUrl(input.url, "url", insecure);
      const name = (input.name ?? "default").trim().toLowerCase();
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name))
        throw invalid(`--name "${input.name}" is not a webhook name (letters, digits, "-", "_").`, "name");
      const signingSecret = input.signingSecret ?? newSigningSecret();
      if (!/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/.test(signingSecret))
        throw invalid("--signing-secret must be a Standard Webhooks secret: whsec_ and base64.", "signing-secret");
      return {
        kind: "webhook",
        name,
        config: { host: url.host, ...privateNetwork },
        secret: { url: url.href, signingSecret },
        signingSecret,
        host: url.hostname,
        hostParam: "url",
      };
    }
    default:
      throw invalid(`--provider "${input.kind}" is not a provider; use slack, email or webhook.`, "provider");
  }
}

/** Creates or replaces a provider; a webhook's signing secret is returned once (new ones are generated). */
export async function configureProvider(
  ctx: ServiceContext,
  input: ProviderInput,
): Promise<{ provider: Provider; signingSecret: string | null; replaced: boolean }> {
  instanceAdminOnly(ctx, "configure notifications");
  const s = settingsOf(input);
  await checkDestination(s.host, s.hostParam, {
    loopback: input.allowInsecure === true,
    privateNetwork: input.allowPrivateNetwork === true,
  });
  const sealed = sealSecret(ctx, JSON.stringify(s.secret), PURPOSE);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const existing = await tx.db
      .selectFrom("notification_providers")
      .selectAll()
      .where("kind", "=", s.kind)
      .where("name", "=", s.name)
      .executeTakeFirst();
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
  // Webhook endpoints are listed by `clerk webhooks list`, not here.
  return (
    await ctx.db
      .selectFrom("notification_providers")
      .selectAll()
      .where("kind", "!=", "clerk_webhook")
      .orderBy("kind")
      .orderBy("name")
      .execute()
  ).map(toProvider);
}

/**
 * A provider's secrets, opened so that configuration as code can tell whether the file's differ (it compares
 * digests and never shows them) and keep a webhook's signing secret when the file does not set one.
 */
export async function providerSecrets(ctx: ServiceContext, id: string): Promise<Record<string, string | null>> {
  instanceAdminOnly(ctx, "read notification provider secrets");
  const row = await ctx.db.selectFrom("notification_providers").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return {};
  return JSON.parse(unsealSecret(ctx, row.secret, PURPOSE).toString("utf8")) as Record<string, string | null>;
}

/** The provider a channel goes through (e-mail channels share the one e-mail provider), if configured. */
export async function findProvider(
  ctx: ServiceContext,
  channel: Channel,
): Promise<NotificationProvidersTable | undefined> {
  const name = channel.kind === "email" ? "default" : channel.name;
  return ctx.db
    .selectFrom("notification_providers")
    .selectAll()
    .where("kind", "=", channel.kind)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** The provider a channel goes through, or an error with the `clerk notify configure` that would add it. */
export async function providerFor(ctx: ServiceContext, channel: Channel): Promise<NotificationProvidersTable> {
  const name = channel.kind === "email" ? "default" : channel.name;
  const row = await findProvider(ctx, channel);
  if (row) return row;
  const known = await ctx.db
    .selectFrom("notification_providers")
    .select(["kind", "name"])
    .where("kind", "=", channel.kind)
    .execute();
  const how =
    channel.kind === "slack"
      ? `clerk notify configure --provider slack --webhook "https://hooks.slack.com/services/…" --channel "${name}"`
      : channel.kind === "email"
        ? "clerk notify configure --provider email --smtp-host … --smtp-port 587 --smtp-user … --from …"
        : `clerk notify configure --provider webhook --name ${name} --url "https://…"`;
  const have = known.length ? ` Configured: ${known.map((k) => `${k.kind}:${k.name}`).join(", ")}.` : "";
  throw new ClerkError(
    "notify.provider_not_configured",
    `No ${channel.kind} provider for ${formatChannel(channel)} is configured.${have} Configure it with: ${how}`,
    { param: "channel" },
  );
}

/** The purpose a message's sealed values are bound to: they open only for the row they were written with. */
export const sealedValuesPurpose = (id: string) => `notification:${id}`;

/** Where a configured provider may connect. */
export function policyOf(provider: NotificationProvidersTable): DestinationPolicy {
  const config = JSON.parse(provider.config) as Record<string, unknown>;
  return { loopback: provider.allow_insecure === 1, privateNetwork: config.allowPrivateNetwork === true };
}

export async function deliver(
  ctx: ServiceContext,
  row: NotificationsTable,
  provider: NotificationProvidersTable,
): Promise<SendResult> {
  const secret = JSON.parse(unsealSecret(ctx, provider.secret, PURPOSE).toString("utf8")) as Record<
    string,
    string | null
  >;
  const config = JSON.parse(provider.config) as Record<string, unknown>;
  const policy = policyOf(provider);
  // Secret values (an accept link) are opened only now, for this send, and never written back.
  const values = row.sealed_values
    ? (JSON.parse(unsealSecret(ctx, row.sealed_values, sealedValuesPurpose(row.id)).toString("utf8")) as Record<
        string,
        string
      >)
    : {};
  const fill = (body: string, escape: (v: string) => string) =>
    row.sealed_values
      ? body.replace(/\{\{([a-z_]+)\}\}/g, (all, name: string) =>
          name in values ? escape(values[name] as string) : all,
        )
      : body;
  const m: Outgoing = {
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    text: fill(row.body_text, (v) => v),
    html: row.body_html === null ? null : fill(row.body_html, escapeHtml),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
  if (provider.kind === "slack") return sendSlack(secret.webhook as string, row.recipient, m, policy);
  if (provider.kind === "webhook" || provider.kind === "clerk_webhook") {
    const now = ctx.clock.now();
    // A rotated-out secret still signs until its grace period ends.
    const previous = secret.previousSecret && Number(secret.previousUntil) > now ? [secret.previousSecret] : [];
    return sendWebhook(secret.url as string, [secret.signingSecret as string, ...previous], m, now, policy);
  }
  return sendEmail(
    {
      host: String(config.host),
      port: Number(config.port),
      user: (config.user as string | null) ?? null,
      from: String(config.from),
      allowInsecure: provider.allow_insecure === 1,
      policy,
    },
    secret.password ?? null,
    m,
  );
}

/** Sends a test message through a provider now, bypassing the queue, and says what happened. */
export async function testProvider(
  ctx: ServiceContext,
  input: { kind: string; name?: string | undefined; to?: string | undefined },
): Promise<SendResult & { provider: string }> {
  instanceAdminOnly(ctx, "test notification providers");
  const kind = input.kind.trim().toLowerCase();
  if (!["slack", "email", "webhook"].includes(kind))
    throw invalid(`--provider "${input.kind}" is not a provider; use slack, email or webhook.`, "provider");
  // A Slack test without --channel goes to the only Slack provider, when there is just one.
  const onlySlack =
    kind === "slack" && input.name === undefined
      ? await ctx.db.selectFrom("notification_providers").select("name").where("kind", "=", "slack").execute()
      : [];
  const slackName = input.name ?? (onlySlack.length === 1 ? (onlySlack[0] as { name: string }).name : "#general");
  const channel: Channel =
    kind === "email"
      ? { kind: "email", address: input.to ?? "" }
      : kind === "slack"
        ? parseChannel(`slack:${slackName}`)
        : { kind: "webhook", name: (input.name ?? "default").toLowerCase() };
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
    payload: JSON.stringify({
      type: "test",
      timestamp: new Date(now).toISOString(),
      data: { message: "This is a test message from clerk." },
    }),
  } as NotificationsTable;
  const result = await deliver(ctx, row, provider);
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, {
      organizationId: null,
      action: "notification.tested",
      target: { type: "notification_provider", id: provider.id, label: `${provider.kind}:${provider.name}` },
      after: { ok: result.ok, error: result.error },
    }),
  );
  return { ...result, provider: `${provider.kind}:${provider.name}` };
}

/** Where a webhooks endpoint posts and how it signs: sealed in its delivery row, like any webhook provider's. */
export interface EndpointDelivery {
  url: string;
  signingSecret: string;
  /** The secret it replaces, which still signs (beside the new one) until `until`. */
  previous?: { secret: string; until: number } | undefined;
  allowInsecure: boolean;
  allowPrivateNetwork: boolean;
}

/**
 * Checks an endpoint's URL (https, or http to this machine with `allowInsecure`) and the addresses it resolves to
 * against the destination policy, before anything is stored.
 */
export async function checkEndpointUrl(
  value: string,
  options: { allowInsecure: boolean; allowPrivateNetwork: boolean },
): Promise<URL> {
  const url = checkReceiverUrl(value, "url", options.allowInsecure);
  await checkDestination(url.hostname, "url", {
    loopback: options.allowInsecure,
    privateNetwork: options.allowPrivateNetwork,
  });
  return url;
}

/**
 * Writes the delivery row (a `clerk_webhook` provider named after the endpoint) of a webhooks endpoint in the
 * caller's transaction, its URL and signing secret sealed; replaces the row when `existingId` is given.
 */
export async function saveEndpointDelivery(
  tx: ServiceContext,
  endpointId: string,
  d: EndpointDelivery,
  existingId?: string,
): Promise<string> {
  const now = tx.clock.now();
  const url = new URL(d.url);
  const row: NotificationProvidersTable = {
    id: existingId ?? newId("ntfp", now),
    kind: "clerk_webhook",
    name: endpointId,
    config: JSON.stringify({ host: url.host, ...(d.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}) }),
    secret: sealSecret(
      tx,
      JSON.stringify({
        url: url.href,
        signingSecret: d.signingSecret,
        ...(d.previous ? { previousSecret: d.previous.secret, previousUntil: d.previous.until } : {}),
      }),
      PURPOSE,
    ),
    allow_insecure: d.allowInsecure ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  if (existingId) {
    const { created_at: _c, ...rest } = row;
    await tx.db.updateTable("notification_providers").set(rest).where("id", "=", existingId).execute();
  } else await tx.db.insertInto("notification_providers").values(row).execute();
  return row.id;
}

/** A webhooks endpoint's delivery settings, its URL and current secret unsealed (for an instance admin's listing). */
export async function endpointDelivery(ctx: ServiceContext, providerId: string): Promise<EndpointDelivery | undefined> {
  const row = await ctx.db
    .selectFrom("notification_providers")
    .select(["secret", "config", "allow_insecure"])
    .where("id", "=", providerId)
    .where("kind", "=", "clerk_webhook")
    .executeTakeFirst();
  if (!row) return undefined;
  const secret = JSON.parse(unsealSecret(ctx, row.secret, PURPOSE).toString("utf8")) as {
    url: string;
    signingSecret: string;
  };
  return {
    url: secret.url,
    signingSecret: secret.signingSecret,
    allowInsecure: row.allow_insecure === 1,
    allowPrivateNetwork: (JSON.parse(row.config) as { allowPrivateNetwork?: boolean }).allowPrivateNetwork === true,
  };
}

/** Removes a webhooks endpoint's delivery row, and with it every message still queued for it. */
export async function removeEndpointDelivery(tx: ServiceContext, providerId: string): Promise<void> {
  await tx.db
    .deleteFrom("notification_providers")
    .where("id", "=", providerId)
    .where("kind", "=", "clerk_webhook")
    .execute();
}

/** Posts one payload to a webhooks endpoint now, signed, outside the queue (`clerk webhooks test`). */
export async function sendToEndpointNow(
  ctx: ServiceContext,
  providerId: string,
  message: { id: string; subject: string; payload: Record<string, unknown> },
): Promise<SendResult> {
  const provider = await ctx.db
    .selectFrom("notification_providers")
    .selectAll()
    .where("id", "=", providerId)
    .where("kind", "=", "clerk_webhook")
    .executeTakeFirstOrThrow();
  const row = {
    id: message.id,
    recipient: provider.name,
    subject: message.subject,
    body_text: message.subject,
    body_html: null,
    sealed_values: null,
    payload: JSON.stringify(message.payload),
  } as NotificationsTable;
  return deliver(ctx, row, provider);
}
