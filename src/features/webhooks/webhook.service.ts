// Webhook endpoints: subscribe a URL to event types, rotate its signing secret, test it, replay what failed.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId, newId } from "../../ids.js";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import {
  type NotificationRecord,
  type SendResult,
  checkEndpointUrl,
  endpointDelivery,
  listFailures,
  newSigningSecret,
  removeEndpointDelivery,
  retryNotification,
  saveEndpointDelivery,
  sendToEndpointNow,
} from "../notifications/index.js";
import { getSetting, putSetting } from "../settings/index.js";
import { parseEventFilters } from "./webhook.events.js";
import type { WebhookEndpointsTable } from "./webhook.table.js";

/** An endpoint as listed: its URL, filters and state, never its signing secret. */
export interface Endpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What subscribes an endpoint. */
export interface EndpointInput {
  url: string;
  description?: string | undefined;
  /** Event types and wildcards: `user.*`, `organizationMembership.created`, `*`. */
  events: readonly string[];
  enabled?: boolean | undefined;
  /** Accept http:// to this machine (a local receiver). */
  allowInsecure?: boolean | undefined;
  /** Accept a receiver on a private network address; TLS is still required. */
  allowPrivateNetwork?: boolean | undefined;
}

function adminOnly(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, { kind: "instance_admin", what, why: "webhook endpoints are the instance's" });
}

const describe = (value: string | undefined): string => {
  const text = (value ?? "").trim();
  if (text.length > 500)
    throw new ClerkError("webhook.invalid_endpoint", "--description is longer than 500 characters.", {
      param: "description",
    });
  return text;
};

async function toEndpoint(ctx: ServiceContext, r: WebhookEndpointsTable): Promise<Endpoint> {
  const delivery = await endpointDelivery(ctx, r.provider_id);
  return {
    id: r.id,
    url: delivery?.url ?? `https://${r.url_host}/`,
    description: r.description,
    events: JSON.parse(r.event_types) as string[],
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function findRow(ctx: ServiceContext, ref: string): Promise<WebhookEndpointsTable> {
  const id = ref.trim();
  const row = isId(id, "whep")
    ? await ctx.db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirst()
    : undefined;
  if (!row)
    throw new ClerkError(
      "webhook.endpoint_not_found",
      `No webhook endpoint "${ref}". List them with: clerk webhooks list`,
      {
        param: "endpoint_id",
      },
    );
  return row;
}

/** Subscribes an endpoint; its `whsec_` signing secret is returned this once. */
export async function addEndpoint(
  ctx: ServiceContext,
  input: EndpointInput,
): Promise<{ endpoint: Endpoint; signingSecret: string }> {
  adminOnly(ctx, "add webhook endpoints");
  const events = parseEventFilters(input.events);
  const description = describe(input.description);
  const options = {
    allowInsecure: input.allowInsecure === true,
    allowPrivateNetwork: input.allowPrivateNetwork === true,
  };
  const url = await checkEndpointUrl(input.url, options);
  const signingSecret = newSigningSecret();
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const id = newId("whep", now);
    const providerId = await saveEndpointDelivery(tx, id, { url: url.href, signingSecret, ...options });
    const row: WebhookEndpointsTable = {
      id,
      provider_id: providerId,
      url_host: url.host,
      description,
      event_types: JSON.stringify(events),
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto("webhook_endpoints").values(row).execute();
    // Events name the instance they come from; the id is made with the first endpoint.
    if ((await getSetting(tx, "instance_id")) === undefined) await putSetting(tx, "instance_id", newId("ins", now));
    await recordAudit(tx, {
      organizationId: null,
      action: "webhook.endpoint_created",
      target: { type: "webhook_endpoint", id, label: url.host },
      after: { host: url.host, description, events, enabled: row.enabled === 1 },
    });
    return { endpoint: await toEndpoint(tx, row), signingSecret };
  });
}

/** Every endpoint, oldest first. */
export async function listEndpoints(ctx: ServiceContext): Promise<Endpoint[]> {
  adminOnly(ctx, "list webhook endpoints");
  const rows = await ctx.db.selectFrom("webhook_endpoints").selectAll().orderBy("created_at").orderBy("id").execute();
  return Promise.all(rows.map((r) => toEndpoint(ctx, r)));
}

/** One endpoint. */
export async function getEndpoint(ctx: ServiceContext, ref: string): Promise<Endpoint> {
  adminOnly(ctx, "read webhook endpoints");
  return toEndpoint(ctx, await findRow(ctx, ref));
}

/** Changes an endpoint's description, filters or state (a disabled endpoint is sent nothing new). */
export async function updateEndpoint(
  ctx: ServiceContext,
  ref: string,
  input: { description?: string | undefined; events?: readonly string[] | undefined; enabled?: boolean | undefined },
): Promise<Endpoint> {
  adminOnly(ctx, "change webhook endpoints");
  const events = input.events === undefined ? undefined : parseEventFilters(input.events);
  const description = input.description === undefined ? undefined : describe(input.description);
  return inTransaction(ctx, async (tx) => {
    const before = await findRow(tx, ref);
    const after: WebhookEndpointsTable = {
      ...before,
      description: description ?? before.description,
      event_types: events === undefined ? before.event_types : JSON.stringify(events),
      enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0,
      updated_at: tx.clock.now(),
    };
    await tx.db.updateTable("webhook_endpoints").set(after).where("id", "=", before.id).execute();
    const view = (r: WebhookEndpointsTable) => ({
      description: r.description,
      events: JSON.parse(r.event_types) as string[],
      enabled: r.enabled === 1,
    });
    await recordAudit(tx, {
      organizationId: null,
      action: "webhook.endpoint_updated",
      target: { type: "webhook_endpoint", id: before.id, label: before.url_host },
      before: view(before),
      after: view(after),
    });
    return toEndpoint(tx, after);
  });
}

/** Removes an endpoint; what is still queued for it is dropped with it. */
export async function removeEndpoint(ctx: ServiceContext, ref: string): Promise<Endpoint> {
  adminOnly(ctx, "remove webhook endpoints");
  return inTransaction(ctx, async (tx) => {
    const row = await findRow(tx, ref);
    const endpoint = await toEndpoint(tx, row);
    await tx.db.deleteFrom("webhook_endpoints").where("id", "=", row.id).execute();
    await removeEndpointDelivery(tx, row.provider_id);
    await recordAudit(tx, {
      organizationId: null,
      action: "webhook.endpoint_removed",
      target: { type: "webhook_endpoint", id: row.id, label: row.url_host },
      before: { host: row.url_host, description: row.description, events: endpoint.events },
    });
    return endpoint;
  });
}

/** How long a rotated-out secret keeps signing beside the new one, so receivers can switch without losing events. */
export const SECRET_GRACE_MS = 24 * 3_600_000;

/**
 * Gives an endpoint a new signing secret, returned this once. For {@link SECRET_GRACE_MS} every message (retries
 * included) is signed with both, the old one dropped after that; `immediately` drops the old one now (a leak).
 */
export async function rotateSecret(
  ctx: ServiceContext,
  ref: string,
  options: { immediately?: boolean | undefined } = {},
): Promise<{ endpoint: Endpoint; signingSecret: string }> {
  adminOnly(ctx, "rotate webhook secrets");
  return inTransaction(ctx, async (tx) => {
    const row = await findRow(tx, ref);
    const current = await endpointDelivery(tx, row.provider_id);
    if (!current) throw new TypeError(`endpoint ${row.id} has no delivery row`);
    const provider = await tx.db
      .selectFrom("notification_providers")
      .select(["allow_insecure", "config"])
      .where("id", "=", row.provider_id)
      .executeTakeFirstOrThrow();
    const signingSecret = newSigningSecret();
    await saveEndpointDelivery(
      tx,
      row.id,
      {
        url: current.url,
        signingSecret,
        previous: options.immediately
          ? undefined
          : { secret: current.signingSecret, until: tx.clock.now() + SECRET_GRACE_MS },
        allowInsecure: provider.allow_insecure === 1,
        allowPrivateNetwork:
          (JSON.parse(provider.config) as { allowPrivateNetwork?: boolean }).allowPrivateNetwork === true,
      },
      row.provider_id,
    );
    const now = tx.clock.now();
    await tx.db.updateTable("webhook_endpoints").set({ updated_at: now }).where("id", "=", row.id).execute();
    await recordAudit(tx, {
      organizationId: null,
      action: "webhook.secret_rotated",
      target: { type: "webhook_endpoint", id: row.id, label: row.url_host },
      after: { previousSecretValidMs: options.immediately ? 0 : SECRET_GRACE_MS },
    });
    return { endpoint: await toEndpoint(tx, { ...row, updated_at: now }), signingSecret };
  });
}

/** Sends a signed test event (`type: "webhook.test"`) to an endpoint now, outside the queue, and says what happened. */
export async function testEndpoint(ctx: ServiceContext, ref: string): Promise<SendResult & { endpoint: Endpoint }> {
  adminOnly(ctx, "test webhook endpoints");
  const row = await findRow(ctx, ref);
  const now = ctx.clock.now();
  const result = await sendToEndpointNow(ctx, row.provider_id, {
    id: newId("ntf", now),
    subject: "webhook.test",
    payload: {
      data: { message: "This is a test event from clerk: this endpoint receives and verifies events." },
      object: "event",
      type: "webhook.test",
      timestamp: now,
      instance_id: (await getSetting(ctx, "instance_id")) ?? "",
    },
  });
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, {
      organizationId: null,
      action: "webhook.tested",
      target: { type: "webhook_endpoint", id: row.id, label: row.url_host },
      after: { ok: result.ok, status_code: result.statusCode, error: result.error },
    }),
  );
  return { ...result, endpoint: await toEndpoint(ctx, row) };
}

/** Dead-lettered events of an endpoint (or of every endpoint), newest first. */
export async function failedEvents(ctx: ServiceContext, ref?: string): Promise<NotificationRecord[]> {
  adminOnly(ctx, "list failed webhook events");
  const endpoint = ref === undefined ? undefined : await findRow(ctx, ref);
  return (await listFailures(ctx)).filter(
    (n) => n.kind === "clerk_webhook" && (endpoint === undefined || n.recipient === endpoint.id),
  );
}

/**
 * Queues dead-lettered events again, each with its original id (receivers drop duplicates by `webhook-id`):
 * one message (of the endpoint, when one is named too), or every dead-lettered one of an endpoint.
 */
export async function replayEvents(
  ctx: ServiceContext,
  input: { endpoint?: string | undefined; message?: string | undefined },
): Promise<NotificationRecord[]> {
  adminOnly(ctx, "replay webhook events");
  if (input.endpoint === undefined && input.message === undefined)
    throw new ClerkError("webhook.invalid_endpoint", "Name an endpoint (every failed event) or one message.", {
      param: "endpoint_id",
    });
  const failed = await failedEvents(ctx, input.endpoint);
  const chosen = input.message === undefined ? failed : failed.filter((n) => n.id === input.message?.trim());
  if (input.message !== undefined && chosen.length === 0)
    throw new ClerkError(
      "webhook.message_not_found",
      `No dead-lettered webhook event "${input.message}". List them with: clerk webhooks failures`,
      { param: "message_id" },
    );
  const out: NotificationRecord[] = [];
  for (const n of chosen) out.push(await retryNotification(ctx, n.id));
  return out;
}
