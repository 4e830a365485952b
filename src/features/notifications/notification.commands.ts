// `clerk notify …` (providers, tests, the dead letter, the log) and `clerk workflow notify` (rules).
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { orgHint, promptSecret } from "../../cli/input.js";
import { commandNamed, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { notificationOperations } from "./notification.operations.js";

/** The SMTP password: CLERK_SMTP_PASSWORD, else asked on a terminal; never a flag, so never in shell history. */
async function smtpPassword(user: string | undefined): Promise<string | undefined> {
  if (!user) return undefined;
  const fromEnv = process.env.CLERK_SMTP_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) return promptSecret(`SMTP password for ${user}: `);
  throw new ClerkError(
    "notify.invalid_provider",
    "--smtp-user needs a password: set CLERK_SMTP_PASSWORD (or run on a terminal to be asked); it is never a flag.",
    { param: "smtp-password" },
  );
}

export function registerNotificationCommands(program: Command): void {
  const notify = program
    .command("notify")
    .description("Notifications: Slack, e-mail over SMTP and signed webhooks; deliveries, failures and retries.");

  notify
    .command("configure")
    .description("Configure a provider (replacing one of the same kind and name). Secrets are encrypted at rest.")
    .requiredOption("--provider <provider>", "slack, email or webhook")
    .option("--webhook <url>", "slack: the incoming-webhook URL")
    .option("--channel <channel>", "slack: the channel it posts to, e.g. #code-reviews")
    .option("--smtp-host <host>", "email: the SMTP server")
    .option("--smtp-port <port>", "email: its port (587 STARTTLS, 465 TLS)", "587")
    .option("--smtp-user <user>", "email: the login (the password comes from CLERK_SMTP_PASSWORD or a prompt)")
    .option("--from <address>", 'email: the sender, e.g. "clerk <clerk@acme.com>"')
    .option("--url <url>", "webhook: where to POST")
    .option("--name <name>", "webhook: its name in rules (webhook:<name>)", "default")
    .option(
      "--allow-insecure",
      "accept http:// to this machine (a local receiver), SMTP without STARTTLS to this machine, and unverified SMTP certificates",
    )
    .option(
      "--allow-private-network",
      "accept a receiver or SMTP server on a private network address (10/8, 172.16/12, 192.168/16, fc00::/7, this machine); TLS is still required",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  clerk notify configure --provider "slack" --webhook "https://hooks.slack.com/services/YOUR/WEBHOOK/URL" --channel "#code-reviews"\n  CLERK_SMTP_PASSWORD=… clerk notify configure --provider email --smtp-host smtp.acme.com --smtp-port 587 --smtp-user clerk --from "clerk <clerk@acme.com>"\n  clerk notify configure --provider webhook --name ci --url https://ci.acme.com/hooks/clerk',
    )
    .action(
      action<{
        provider: string;
        webhook?: string;
        channel?: string;
        smtpHost?: string;
        smtpPort: string;
        smtpUser?: string;
        from?: string;
        url?: string;
        name: string;
        allowInsecure?: boolean;
        allowPrivateNetwork?: boolean;
      }>(async ({ api }, o) => {
        const port = Number(o.smtpPort);
        const p = await api.call(notificationOperations.configure, {
          body: {
            provider: o.provider.trim().toLowerCase(),
            webhook: o.webhook,
            channel: o.channel,
            smtp_host: o.smtpHost,
            smtp_port: Number.isFinite(port) ? port : -1,
            smtp_user: o.smtpUser,
            smtp_password: await smtpPassword(o.smtpUser),
            from: o.from,
            url: o.url,
            name: o.name,
            allow_insecure: o.allowInsecure,
            allow_private_network: o.allowPrivateNetwork,
          },
        });
        const secret = p.signing_secret
          ? `\nSigning secret (shown once; the receiver verifies webhook-signature with it):\n\n  ${p.signing_secret}\n`
          : "";
        return {
          json: p,
          text: `${p.replaced ? "Replaced" : "Configured"} ${p.provider}:${p.name} (${p.id}).${secret}`,
        };
      }),
    );

  operationCommand(notify, "providers", notificationOperations.providers, {
    description: "List the configured providers (never their secrets).",
    examples: ["clerk notify providers"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["PROVIDER", "NAME", "SETTINGS", "UPDATED"],
        data.map((p) => [
          p.provider,
          p.name,
          Object.entries(p.config)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(" "),
          when(p.updated_at),
        ]),
      ),
    }),
  });

  notify
    .command("test")
    .description("Send a test message through a provider now.")
    .requiredOption("--provider <provider>", "slack, email or webhook")
    .option("--channel <channel>", "slack: which channel's provider (default: the only one)")
    .option("--name <name>", "webhook: its name", "default")
    .option("--to <address>", "email: where to send it")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk notify test --provider slack --channel "#code-reviews"\n  clerk notify test --provider email --to lead@acme.com',
    )
    .action(
      action<{ provider: string; channel?: string; name: string; to?: string }>(async ({ api }, o) => {
        const kind = o.provider.trim().toLowerCase();
        const r = await api.call(notificationOperations.test, {
          body: {
            provider: kind,
            name: kind === "slack" ? o.channel : kind === "webhook" ? o.name : undefined,
            to: o.to,
          },
        });
        if (!r.delivered)
          throw new ClerkError(
            "notify.invalid_provider",
            `The test message to ${r.provider} was not delivered: ${r.error}`,
          );
        return { json: r, text: `Sent a test message through ${r.provider}.` };
      }),
    );

  operationCommand(notify, "failures", notificationOperations.failures, {
    description: "List dead-lettered messages (undelivered past their maximum age).",
    examples: ["clerk notify failures"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["NOTIFICATION", "SOURCE", "TO", "ATTEMPTS", "LAST ERROR", "SINCE"],
        data.map((n) => [
          n.id,
          n.source,
          `${n.kind}:${n.recipient}`,
          n.attempts,
          n.last_error ?? "",
          when(n.created_at),
        ]),
      ),
    }),
  });

  operationCommand(notify, "retry", notificationOperations.retry, {
    description: "Queue a dead-lettered message again.",
    args: [{ field: "id", name: "notification", description: "its id (from clerk notify failures)" }],
    examples: ["clerk notify retry ntf_2Wg7…"],
    render: (n) => ({ json: n, text: `Queued ${n.id} to ${n.kind}:${n.recipient} again.` }),
  });

  operationCommand(notify, "log", notificationOperations.log, {
    description: "Every delivery attempt, newest first.",
    flags: {
      notification: { value: "id", help: "only this message's" },
      limit: { value: "n", help: "at most this many", default: "100" },
    },
    examples: ["clerk notify log --limit 20"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["AT", "NOTIFICATION", "TO", "ATTEMPT", "OUTCOME", "DETAIL"],
        data.map((a) => [
          when(a.started_at),
          a.notification_id,
          `${a.kind}:${a.recipient}`,
          a.attempt,
          a.outcome,
          a.error ?? (a.status_code === null ? "" : String(a.status_code)),
        ]),
      ),
    }),
  });

  operationCommand(notify, "dispatch", notificationOperations.dispatch, {
    description: "Deliver what is due now (clerk serve does this every 250 ms; use this from cron without a server).",
    examples: ["clerk notify dispatch"],
    render: (r) => ({ json: r, text: `Delivered ${r.delivered}, will retry ${r.retried}, dead-lettered ${r.dead}.` }),
  });

  const workflow = commandNamed(program, "workflow");
  operationCommand(workflow, "notify", notificationOperations.addRule, {
    description: "On a workflow's signal, send a message to a channel (placeholders and channel are checked now).",
    flags: {
      workflow_id: { flag: "workflow", help: "slug, id or name" },
      organization_id: { flag: "organization", value: "org", help: "slug, id or name", resolve: orgHint },
      on: { value: "signal", help: "stage:assigned, stage:overdue, stage:escalated, run:approved or run:rejected" },
      message: {
        value: "text",
        help: "with placeholders such as {pr.url}, {pr.title}, {elapsed}, {stage.name}, {workflow.name}, {assignee.email}, {run.url}, {event.<attr>}",
      },
      channel: { help: "slack:#channel, email:<address>, email:assignee or webhook:<name>" },
    },
    examples: [
      'clerk workflow notify --workflow "pull-request-approval" --on "stage:assigned" --message "You have a new pull request to review: {pr.url}" --channel "slack:#code-reviews"',
      'clerk workflow notify --workflow "pull-request-approval" --on "stage:overdue" --message "Review overdue: {pr.title} has been waiting {elapsed}" --channel "slack:#engineering-alerts"',
    ],
    render: (r) => ({
      json: r,
      text: `On ${r.on}, ${r.workflow.slug} now tells ${r.channel}: ${r.message} (${r.id}).`,
    }),
  });
  workflow
    .command("notifications")
    .description("List a workflow's notification rules, or remove one with --remove.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .option("--remove <rule>", "remove this rule (its id)")
    .addHelpText("after", '\nExample:\n  clerk workflow notifications --workflow "pull-request-approval"')
    .action(
      action<{ workflow: string; organization?: string; remove?: string }>(async ({ api }, o) => {
        if (o.remove) {
          const r = await api.call(notificationOperations.removeRule, { params: { id: o.remove } });
          return { json: r, text: `Removed rule ${r.id} (${r.on} → ${r.channel}).` };
        }
        const { data } = await api.call(notificationOperations.rules, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
        });
        return {
          json: data,
          text: table(
            ["RULE", "ON", "CHANNEL", "MESSAGE"],
            data.map((r) => [r.id, r.on, r.channel, r.message]),
          ),
        };
      }),
    );
}
