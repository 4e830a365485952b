// The notification operations: providers, workflow rules, the dead letter, retries, the delivery log, a dispatch pass.
import { z } from "zod";
import { operation, pageOf } from "../../operations/index.js";
import {
  addRule,
  configureProvider,
  deliveryLog,
  dispatchNotifications,
  instanceAdminOnly,
  listFailures,
  listProviders,
  listRules,
  removeRule,
  retryNotification,
  testProvider,
} from "./index.js";
import {
  attemptSchema,
  configuredProviderSchema,
  dispatchSchema,
  notificationSchema,
  notificationTestSchema,
  providerObject,
  providerSchema,
  ruleObject,
  ruleSchema,
} from "./notification.view.js";

const tag = "Notifications";
const list = <T>(data: T[]) => ({ data, total_count: data.length });

const providerBody = z
  .object({
    provider: z.string(),
    webhook: z.string().optional(),
    channel: z.string().optional(),
    smtp_host: z.string().optional(),
    smtp_port: z.number().int().optional(),
    smtp_user: z.string().optional(),
    smtp_password: z.string().optional(),
    from: z.string().optional(),
    url: z.string().optional(),
    name: z.string().optional(),
    signing_secret: z.string().optional(),
    allow_insecure: z.boolean().optional(),
    allow_private_network: z.boolean().optional(),
  })
  .strict();
const testBody = z.object({ provider: z.string(), name: z.string().optional(), to: z.string().optional() }).strict();
const ruleBody = z.object({ on: z.string(), message: z.string(), channel: z.string() }).strict();
const wfParams = z.object({ workflow_id: z.string() });
const wfQuery = z.object({ organization_id: z.string().optional() }).strict();
const idParams = z.object({ id: z.string() });
const logQuery = z
  .object({ notification: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).optional() })
  .strict();

/** The notification operations, served under /v1 and called by the CLI. */
export const notificationOperations = {
  configure: operation(
    {
      method: "POST",
      url: "/notification_providers",
      tag,
      summary: "Configure a provider (slack, email, webhook); secrets are sealed at rest and never shown again",
      body: providerBody,
      output: configuredProviderSchema,
    },
    async ({ ctx, body: b }) => {
      const r = await configureProvider(ctx, {
        kind: b.provider,
        webhook: b.webhook,
        channel: b.channel,
        smtpHost: b.smtp_host,
        smtpPort: b.smtp_port,
        smtpUser: b.smtp_user,
        smtpPassword: b.smtp_password,
        from: b.from,
        url: b.url,
        name: b.name,
        signingSecret: b.signing_secret,
        allowInsecure: b.allow_insecure,
        allowPrivateNetwork: b.allow_private_network,
      });
      return { ...providerObject(r.provider), replaced: r.replaced, signing_secret: r.signingSecret };
    },
  ),
  providers: operation(
    {
      method: "GET",
      url: "/notification_providers",
      tag,
      summary: "The configured providers (without their secrets)",
      output: pageOf(providerSchema),
    },
    async ({ ctx }) => list((await listProviders(ctx)).map(providerObject)),
  ),
  test: operation(
    {
      method: "POST",
      url: "/notification_providers/test",
      tag,
      summary: "Send a test message through a provider now",
      body: testBody,
      output: notificationTestSchema,
    },
    async ({ ctx, body: b }) => {
      const r = await testProvider(ctx, { kind: b.provider, name: b.name, to: b.to });
      return {
        object: "notification_test" as const,
        provider: r.provider,
        delivered: r.ok,
        status_code: r.statusCode,
        error: r.error,
      };
    },
  ),
  addRule: operation(
    {
      method: "POST",
      url: "/workflows/:workflow_id/notification_rules",
      tag,
      summary: "On a workflow's signal, send a message (placeholders checked now) to a channel",
      params: wfParams,
      query: wfQuery,
      body: ruleBody,
      output: ruleSchema,
    },
    async ({ ctx, params: p, query: q, body: b }) =>
      ruleObject(
        await addRule(ctx, {
          workflow: p.workflow_id,
          organization: q.organization_id,
          on: b.on,
          message: b.message,
          channel: b.channel,
        }),
      ),
  ),
  rules: operation(
    {
      method: "GET",
      url: "/workflows/:workflow_id/notification_rules",
      tag,
      summary: "A workflow's notification rules",
      params: wfParams,
      query: wfQuery,
      output: pageOf(ruleSchema),
    },
    async ({ ctx, params: p, query: q }) =>
      list((await listRules(ctx, p.workflow_id, q.organization_id)).map(ruleObject)),
  ),
  removeRule: operation(
    {
      method: "DELETE",
      url: "/notification_rules/:id",
      tag,
      summary: "Remove a notification rule",
      params: idParams,
      output: ruleSchema.extend({ deleted: z.literal(true) }),
    },
    async ({ ctx, params: p }) => ({ ...ruleObject(await removeRule(ctx, p.id)), deleted: true as const }),
  ),
  failures: operation(
    {
      method: "GET",
      url: "/notifications/failures",
      tag,
      summary: "Dead-lettered messages, newest first",
      output: pageOf(notificationSchema),
    },
    async ({ ctx }) => list(await listFailures(ctx)),
  ),
  retry: operation(
    {
      method: "POST",
      url: "/notifications/:id/retry",
      tag,
      summary: "Queue a dead-lettered message again",
      params: idParams,
      output: notificationSchema,
    },
    async ({ ctx, params: p }) => retryNotification(ctx, p.id),
  ),
  log: operation(
    {
      method: "GET",
      url: "/notifications/attempts",
      tag,
      summary: "Every delivery attempt, newest first",
      query: logQuery,
      output: pageOf(attemptSchema),
    },
    async ({ ctx, query: q }) => list(await deliveryLog(ctx, { notification: q.notification, limit: q.limit })),
  ),
  dispatch: operation(
    {
      method: "POST",
      url: "/notifications/dispatch",
      tag,
      summary: "Deliver what is due now (clerk serve does this every 250 ms)",
      output: dispatchSchema,
    },
    async ({ ctx }) => {
      instanceAdminOnly(ctx, "dispatch notifications");
      return { object: "notification_dispatch" as const, ...(await dispatchNotifications(ctx)) };
    },
  ),
};
