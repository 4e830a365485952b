// `clerk webhooks …`: endpoints that receive Clerk-format events (add, list, show, update, remove, rotate-secret,
// test, failures, replay), flags derived from the operations.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { table, when } from "../../cli/output.js";
import { ClerkError } from "../../errors.js";
import { webhookOperations } from "./webhook.operations.js";
import type { EndpointObject } from "./webhook.view.js";

const endpointArg = [{ field: "endpoint_id", name: "endpoint", description: "its id (whep_…)" }] as const;
const eventsFlag = {
  value: "types",
  help: "comma-separated event types and wildcards, e.g. user.*,organizationMembership.created or *",
};

const line = (e: EndpointObject) =>
  `${e.id} ${e.url} (${e.enabled ? "enabled" : "disabled"}): ${e.events.join(", ")}${e.description ? ` - ${e.description}` : ""}`;

const secretText = (secret: string) =>
  `\nSigning secret (shown once; verify deliveries with it, e.g. CLERK_WEBHOOK_SIGNING_SECRET for verifyWebhook):\n\n  ${secret}\n`;

export function registerWebhookCommands(program: Command): void {
  const webhooks = program
    .command("webhooks")
    .description("Clerk-format webhooks: endpoints subscribed to event types, signed per Standard Webhooks.");

  operationCommand(webhooks, "add", webhookOperations.add, {
    description: "Subscribe an endpoint to event types; prints its signing secret once.",
    flags: {
      events: eventsFlag,
      allow_insecure: { value: "true", help: "accept http:// to this machine (a local receiver)" },
      allow_private_network: { value: "true", help: "accept a private network address; TLS is still required" },
    },
    examples: [
      'clerk webhooks add --url https://app.acme.com/api/webhooks/clerk --events "user.*,organization.*,organizationMembership.*"',
      'clerk webhooks add --url http://localhost:3000/webhooks --events "*" --allow-insecure true',
    ],
    render: (e) => ({ json: e, text: `Subscribed ${line(e)}.${secretText(e.signing_secret)}` }),
  });

  operationCommand(webhooks, "list", webhookOperations.list, {
    description: "List the endpoints (never their secrets).",
    examples: ["clerk webhooks list"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["ENDPOINT", "URL", "EVENTS", "STATE", "UPDATED"],
        data.map((e) => [e.id, e.url, e.events.join(","), e.enabled ? "enabled" : "disabled", when(e.updated_at)]),
      ),
    }),
  });

  operationCommand(webhooks, "show", webhookOperations.get, {
    description: "Show one endpoint.",
    args: endpointArg,
    examples: ["clerk webhooks show whep_2Wg7…"],
    render: (e) => ({ json: e, text: line(e) }),
  });

  operationCommand(webhooks, "update", webhookOperations.update, {
    description: "Change an endpoint's event types, description, or whether it is enabled.",
    args: endpointArg,
    flags: { events: eventsFlag, enabled: { value: "true|false", help: "false: send it nothing new" } },
    examples: [
      'clerk webhooks update whep_2Wg7… --events "user.*"',
      "clerk webhooks update whep_2Wg7… --enabled false",
    ],
    render: (e) => ({ json: e, text: `Updated ${line(e)}.` }),
  });

  operationCommand(webhooks, "remove", webhookOperations.remove, {
    description: "Remove an endpoint; events still queued for it are dropped.",
    args: endpointArg,
    examples: ["clerk webhooks remove whep_2Wg7…"],
    render: (e) => ({ json: e, text: `Removed ${e.id} (${e.url}).` }),
  });

  operationCommand(webhooks, "rotate-secret", webhookOperations.rotate, {
    description:
      "Give an endpoint a new signing secret (prints it once); for 24 hours deliveries carry signatures with both.",
    args: endpointArg,
    flags: { immediately: { value: "true", help: "stop signing with the old secret now (it leaked)" } },
    examples: ["clerk webhooks rotate-secret whep_2Wg7…", "clerk webhooks rotate-secret whep_2Wg7… --immediately true"],
    render: (e) => ({ json: e, text: `New secret for ${e.id}.${secretText(e.signing_secret)}` }),
  });

  operationCommand(webhooks, "test", webhookOperations.test, {
    description: "Send a signed webhook.test event to an endpoint now and say what it answered.",
    args: endpointArg,
    examples: ["clerk webhooks test whep_2Wg7…"],
    render: (r) => {
      if (!r.delivered)
        throw new ClerkError(
          "webhook.invalid_endpoint",
          `The test event to ${r.endpoint.url} was not delivered: ${r.error ?? "unknown error"}`,
        );
      return { json: r, text: `Delivered a test event to ${r.endpoint.url} (${r.status_code}).` };
    },
  });

  operationCommand(webhooks, "failures", webhookOperations.failures, {
    description: "List an endpoint's dead-lettered events (undelivered past their maximum age).",
    args: endpointArg,
    examples: ["clerk webhooks failures whep_2Wg7…"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["MESSAGE", "TYPE", "ATTEMPTS", "LAST ERROR", "SINCE"],
        data.map((m) => [m.id, m.type, m.attempts, m.last_error ?? "", when(m.created_at)]),
      ),
    }),
  });

  operationCommand(webhooks, "replay", webhookOperations.replay, {
    description: "Queue an endpoint's dead-lettered events again, with their original webhook-id.",
    args: endpointArg,
    flags: { message_id: { flag: "message", value: "id", help: "only this message (from clerk webhooks failures)" } },
    examples: ["clerk webhooks replay whep_2Wg7…", "clerk webhooks replay whep_2Wg7… --message ntf_2Wg7…"],
    render: ({ data }) => ({
      json: data,
      text:
        data.length === 0
          ? "Nothing to replay."
          : `Queued again: ${data.map((m) => `${m.id} (${m.type})`).join(", ")}.`,
    }),
  });
}
