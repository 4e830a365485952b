// The webhook endpoint operations: subscribe, list, change, remove, rotate the secret, test, list failures, replay.
import { z } from "zod";
import { operation, pageOf } from "../../operations/index.js";
import {
  addEndpoint,
  endpointObject,
  endpointSchema,
  failedEvents,
  getEndpoint,
  listEndpoints,
  messageObject,
  messageSchema,
  removeEndpoint,
  replayEvents,
  rotateSecret,
  testEndpoint,
  updateEndpoint,
} from "./index.js";
import { endpointTestSchema, endpointWithSecretSchema } from "./webhook.view.js";

const tag = "Webhooks";
const list = <T>(data: T[]) => ({ data, total_count: data.length });
const idParams = z.object({ endpoint_id: z.string() });
const events = z
  .array(z.string())
  .min(1)
  .describe("Event types and wildcards: user.*, organizationMembership.created, * (everything)");

const createBody = z
  .object({
    url: z.string().describe("Where events are POSTed (https; http only to this machine with allow_insecure)"),
    description: z.string().optional(),
    events,
    enabled: z.boolean().optional(),
    allow_insecure: z.boolean().optional().describe("Accept http:// to this machine (a local receiver)"),
    allow_private_network: z
      .boolean()
      .optional()
      .describe("Accept a receiver on a private network address; TLS is still required"),
  })
  .strict();
const updateBody = z
  .object({ description: z.string().optional(), events: events.optional(), enabled: z.boolean().optional() })
  .strict();
const replayBody = z
  .object({ message_id: z.string().optional().describe("Only this message (default: every failed one)") })
  .strict();

/** The webhook endpoint operations, served under /v1 for instance admins and called by the CLI. */
export const webhookOperations = {
  add: operation(
    {
      method: "POST",
      url: "/webhook_endpoints",
      tag,
      summary: "Subscribe an endpoint to event types; its whsec_ signing secret is shown only in this answer",
      body: createBody,
      output: endpointWithSecretSchema,
    },
    async ({ ctx, body: b }) => {
      const r = await addEndpoint(ctx, {
        url: b.url,
        description: b.description,
        events: b.events,
        enabled: b.enabled,
        allowInsecure: b.allow_insecure,
        allowPrivateNetwork: b.allow_private_network,
      });
      return { ...endpointObject(r.endpoint), signing_secret: r.signingSecret };
    },
  ),
  list: operation(
    {
      method: "GET",
      url: "/webhook_endpoints",
      tag,
      summary: "The webhook endpoints (never their secrets)",
      output: pageOf(endpointSchema),
    },
    async ({ ctx }) => list((await listEndpoints(ctx)).map(endpointObject)),
  ),
  get: operation(
    {
      method: "GET",
      url: "/webhook_endpoints/:endpoint_id",
      tag,
      summary: "One webhook endpoint",
      params: idParams,
      output: endpointSchema,
    },
    async ({ ctx, params: p }) => endpointObject(await getEndpoint(ctx, p.endpoint_id)),
  ),
  update: operation(
    {
      method: "PATCH",
      url: "/webhook_endpoints/:endpoint_id",
      tag,
      summary: "Change an endpoint's description, event types or whether it is enabled",
      params: idParams,
      body: updateBody,
      output: endpointSchema,
    },
    async ({ ctx, params: p, body: b }) => endpointObject(await updateEndpoint(ctx, p.endpoint_id, b)),
  ),
  remove: operation(
    {
      method: "DELETE",
      url: "/webhook_endpoints/:endpoint_id",
      tag,
      summary: "Remove an endpoint; events still queued for it are dropped",
      params: idParams,
      output: endpointSchema.extend({ deleted: z.literal(true) }),
    },
    async ({ ctx, params: p }) => ({
      ...endpointObject(await removeEndpoint(ctx, p.endpoint_id)),
      deleted: true as const,
    }),
  ),
  rotate: operation(
    {
      method: "POST",
      url: "/webhook_endpoints/:endpoint_id/rotate_secret",
      tag,
      summary:
        "Give an endpoint a new signing secret, shown only in this answer; the old one also signs for 24 hours unless immediately",
      params: idParams,
      body: z
        .object({
          immediately: z
            .boolean()
            .optional()
            .describe("Stop signing with the old secret at once (it leaked), instead of in 24 hours"),
        })
        .strict(),
      output: endpointWithSecretSchema,
    },
    async ({ ctx, params: p, body: b }) => {
      const r = await rotateSecret(ctx, p.endpoint_id, { immediately: b.immediately });
      return { ...endpointObject(r.endpoint), signing_secret: r.signingSecret };
    },
  ),
  test: operation(
    {
      method: "POST",
      url: "/webhook_endpoints/:endpoint_id/test",
      tag,
      summary: "Send a signed webhook.test event to an endpoint now",
      params: idParams,
      output: endpointTestSchema,
    },
    async ({ ctx, params: p }) => {
      const r = await testEndpoint(ctx, p.endpoint_id);
      return {
        object: "webhook_test" as const,
        endpoint: endpointObject(r.endpoint),
        delivered: r.ok,
        status_code: r.statusCode,
        error: r.error,
      };
    },
  ),
  failures: operation(
    {
      method: "GET",
      url: "/webhook_endpoints/:endpoint_id/failed_messages",
      tag,
      summary: "An endpoint's dead-lettered events, newest first",
      params: idParams,
      output: pageOf(messageSchema),
    },
    async ({ ctx, params: p }) => list((await failedEvents(ctx, p.endpoint_id)).map(messageObject)),
  ),
  replay: operation(
    {
      method: "POST",
      url: "/webhook_endpoints/:endpoint_id/replay",
      tag,
      summary: "Queue an endpoint's dead-lettered events again (same webhook-id), or one of them",
      params: idParams,
      body: replayBody,
      output: pageOf(messageSchema),
    },
    async ({ ctx, params: p, body: b }) => {
      const replayed = await replayEvents(ctx, { endpoint: p.endpoint_id, message: b.message_id });
      return list(replayed.map(messageObject));
    },
  ),
};
