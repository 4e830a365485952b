// `clerk notify …` (providers, tests, the dead letter, the log) and `clerk workflow notify` (rules).
import type { Command } from "commander";
import { orgHint, promptSecret } from "../../cli/input.js";
import { commandNamed, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { notificationEndpoints } from "./notification.routes.js";

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
        const p = await api.call(notificationEndpoints.configure, {
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

  notify
    .command("providers")
    .description("List the configured providers (never their secrets).")
    .addHelpText("after", "\nExample:\n  clerk notify providers")
    .action(
      action(async ({ api }) => {
        const { data } = await api.call(notificationEndpoints.providers);
        return {
          json: data,
          text: table(
            ["PROVIDER", "NAME", "SETTINGS", "UPDATED"],
            data.map((p) => [
              p.provider,
              p.name,
              Object.entries(p.config)
                .map(([k, v]) => `${k}=${v}`)
                .join(" "),
              when(p.updated_at),
            ]),
          ),
        };
      }),
    );

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
        const r = await api.call(notificationEndpoints.test, {
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

  notify
    .command("failures")
    .description("List dead-lettered messages (undelivered past their maximum age).")
    .addHelpText("after", "\nExample:\n  clerk notify failures")
    .action(
      action(async ({ api }) => {
        const { data } = await api.call(notificationEndpoints.failures);
        return {
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
        };
      }),
    );

  notify
    .command("retry")
    .description("Queue a dead-lettered message again.")
    .argument("<notification>", "its id (from clerk notify failures)")
    .addHelpText("after", "\nExample:\n  clerk notify retry ntf_2Wg7…")
    .action(
      action(async ({ api }, _o, args) => {
        const n = await api.call(notificationEndpoints.retry, { params: { id: args[0] as string } });
        return { json: n, text: `Queued ${n.id} to ${n.kind}:${n.recipient} again.` };
      }),
    );

  notify
    .command("log")
    .description("Every delivery attempt, newest first.")
    .option("--notification <id>", "only this message's")
    .option("--limit <n>", "at most this many", "100")
    .addHelpText("after", "\nExample:\n  clerk notify log --limit 20")
    .action(
      action<{ notification?: string; limit: string }>(async ({ api }, o) => {
        const { data } = await api.call(notificationEndpoints.log, {
          query: { notification: o.notification, limit: o.limit },
        });
        return {
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
        };
      }),
    );

  notify
    .command("dispatch")
    .description("Deliver what is due now (clerk serve does this every 250 ms; use this from cron without a server).")
    .addHelpText("after", "\nExample:\n  clerk notify dispatch")
    .action(
      action(async ({ api }) => {
        const r = await api.call(notificationEndpoints.dispatch);
        return { json: r, text: `Delivered ${r.delivered}, will retry ${r.retried}, dead-lettered ${r.dead}.` };
      }),
    );

  const workflow = commandNamed(program, "workflow");
  workflow
    .command("notify")
    .description("On a workflow's signal, send a message to a channel (placeholders and channel are checked now).")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--on <signal>", "stage:assigned, stage:overdue, stage:escalated, run:approved or run:rejected")
    .requiredOption(
      "--message <text>",
      "with placeholders such as {pr.url}, {pr.title}, {elapsed}, {stage.name}, {workflow.name}, {assignee.email}, {run.url}, {event.<attr>}",
    )
    .requiredOption("--channel <channel>", "slack:#channel, email:<address>, email:assignee or webhook:<name>")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk workflow notify --workflow "pull-request-approval" --on "stage:assigned" --message "You have a new pull request to review: {pr.url}" --channel "slack:#code-reviews"\n  clerk workflow notify --workflow "pull-request-approval" --on "stage:overdue" --message "Review overdue: {pr.title} has been waiting {elapsed}" --channel "slack:#engineering-alerts"',
    )
    .action(
      action<{ workflow: string; organization?: string; on: string; message: string; channel: string }>(
        async ({ api }, o) => {
          const r = await api.call(notificationEndpoints.addRule, {
            params: { workflow_id: o.workflow },
            query: { organization_id: orgHint(o.organization) },
            body: { on: o.on, message: o.message, channel: o.channel },
          });
          return { json: r, text: `On ${r.on}, ${r.workflow.slug} now tells ${r.channel}: ${r.message} (${r.id}).` };
        },
      ),
    );
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
          const r = await api.call(notificationEndpoints.removeRule, { params: { id: o.remove } });
          return { json: r, text: `Removed rule ${r.id} (${r.on} → ${r.channel}).` };
        }
        const { data } = await api.call(notificationEndpoints.rules, {
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
