// Webhook endpoints and their messages as the API answers them.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { NotificationRecord } from "../notifications/index.js";
import type { Endpoint } from "./webhook.service.js";

/** An endpoint, never its signing secret. */
export const endpointSchema = z.object({
  object: z.literal("webhook_endpoint"),
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()).describe("Event types and wildcards it receives: user.*, organization.created, *"),
  enabled: z.boolean(),
  created_at: millis,
  updated_at: millis,
});
export type EndpointObject = z.infer<typeof endpointSchema>;

export function endpointObject(e: Endpoint): EndpointObject {
  return {
    object: "webhook_endpoint",
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

/** An endpoint just made or given a new secret: the secret, shown only in this answer. */
export const endpointWithSecretSchema = endpointSchema.extend({
  signing_secret: z.string().describe("whsec_…: verify webhook-signature with it; shown only in this answer"),
});

/** The answer of a test event. */
export const endpointTestSchema = z.object({
  object: z.literal("webhook_test"),
  endpoint: endpointSchema,
  delivered: z.boolean(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
});

/** An event message for an endpoint, as the outbox holds it. */
export const messageSchema = z.object({
  object: z.literal("webhook_message"),
  id: z.string().describe("Also its webhook-id: receivers drop a message they have seen"),
  endpoint_id: z.string(),
  type: z.string(),
  status: z.enum(["pending", "delivered", "dead"]),
  attempts: z.number().int(),
  next_attempt_at: millis,
  last_error: z.string().nullable(),
  created_at: millis,
  updated_at: millis,
});

export function messageObject(n: NotificationRecord): z.infer<typeof messageSchema> {
  return {
    object: "webhook_message",
    id: n.id,
    endpoint_id: n.recipient,
    type: n.source,
    status: n.status,
    attempts: n.attempts,
    next_attempt_at: n.next_attempt_at,
    last_error: n.last_error,
    created_at: n.created_at,
    updated_at: n.updated_at,
  };
}
