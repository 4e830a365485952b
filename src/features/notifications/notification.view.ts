// Providers, rules, messages and delivery attempts as the API answers them.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { Provider } from "./notification.providers.js";
import type { Rule } from "./notification.rules.js";

/** What a message goes through: a provider's kind, or `clerk_webhook` (an endpoint of the webhooks feature). */
const kind = z.enum(["slack", "email", "webhook", "clerk_webhook"]);

/** A configured provider, never its secrets. */
export const providerSchema = z.object({
  object: z.literal("notification_provider"),
  id: z.string(),
  provider: kind,
  name: z.string().describe("slack: the channel; email: default; webhook: its name in rules (webhook:<name>)"),
  config: z.record(z.string(), z.unknown()).describe("What is not secret: channel, SMTP host and port, receiver host"),
  allow_insecure: z.boolean(),
  created_at: millis,
  updated_at: millis,
});
export type ProviderObject = z.infer<typeof providerSchema>;

export function providerObject(p: Provider): ProviderObject {
  return {
    object: "notification_provider",
    id: p.id,
    provider: p.kind,
    name: p.name,
    config: p.config,
    allow_insecure: p.allowInsecure,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

/** A provider just configured: whether it replaced one, and a webhook's signing secret, shown this once. */
export const configuredProviderSchema = providerSchema.extend({
  replaced: z.boolean(),
  signing_secret: z
    .string()
    .nullable()
    .describe("A webhook's signing secret, shown only in this answer; null for other providers"),
});

/** A workflow's notification rule. */
export const ruleSchema = z.object({
  object: z.literal("notification_rule"),
  id: z.string(),
  workflow: z.object({ id: z.string(), slug: z.string() }),
  on: z.string().describe("The signal, e.g. stage:assigned"),
  message: z.string(),
  channel: z.string(),
  created_at: millis,
});
export type RuleObject = z.infer<typeof ruleSchema>;

export function ruleObject(r: Rule): RuleObject {
  return {
    object: "notification_rule",
    id: r.id,
    workflow: r.workflow,
    on: r.on,
    message: r.message,
    channel: r.channel,
    created_at: r.createdAt,
  };
}

/** The answer of a test message. */
export const notificationTestSchema = z.object({
  object: z.literal("notification_test"),
  provider: z.string(),
  delivered: z.boolean(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
});

/** A message in the outbox, as stored (without its lease). */
export const notificationSchema = z.object({
  id: z.string(),
  organization_id: z.string().nullable(),
  rule_id: z.string().nullable(),
  source: z.string().describe("The signal (stage:assigned), invitation.created or test"),
  provider_id: z.string(),
  kind,
  recipient: z.string().describe("The channel, e-mail address or webhook name it goes to"),
  subject: z.string(),
  body_text: z.string().describe("Empty once a dead-lettered message's text is purged"),
  body_html: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).describe("What webhooks (and Slack) are sent"),
  sealed_values: z.string().nullable().describe("Secret values the bodies name, sealed under the master key"),
  status: z.enum(["pending", "delivered", "dead"]),
  attempts: z.number().int(),
  next_attempt_at: millis,
  expires_at: millis,
  last_error: z.string().nullable(),
  created_at: millis,
  updated_at: millis,
  delivered_at: millis.nullable(),
});

/** One delivery attempt, with the message it was for. */
export const attemptSchema = z.object({
  id: z.string(),
  notification_id: z.string(),
  attempt: z.number().int(),
  started_at: millis,
  duration_ms: z.number(),
  outcome: z.enum(["delivered", "failed"]),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  kind,
  recipient: z.string(),
  source: z.string(),
  status: z.enum(["pending", "delivered", "dead"]).describe("The message's status now"),
});

/** What one dispatch pass did. */
export const dispatchSchema = z.object({
  object: z.literal("notification_dispatch"),
  delivered: z.number().int(),
  retried: z.number().int(),
  dead: z.number().int(),
});
