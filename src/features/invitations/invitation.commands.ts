// `clerk org invitation …`: create, list, revoke. Create and list stay hand-written: their flags carry CLI
// defaults (30 days, 100 rows) and checks with their own messages that derived flags would not keep.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { listSchema } from "../roles/index.js";
import { invitationStatusSchema } from "./invitation.schema.js";
import { invitationOperations } from "./invitation.operations.js";

function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 365)
    throw new ClerkError("input.invalid", `"${value}" is not a whole number of days from 1 to 365.`, {
      param: "expires-in-days",
    });
  return n;
}

function parseStatuses(value: string): string[] {
  return listSchema.parse(value).map((s) => {
    const parsed = invitationStatusSchema.safeParse(s);
    if (!parsed.success)
      throw new ClerkError("input.invalid", `"${s}" is not a status; use pending, accepted, revoked or expired.`, {
        param: "status",
      });
    return parsed.data;
  });
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new ClerkError("input.invalid", `"${value}" is not a whole number from 1 to 500.`, { param: "limit" });
  return n;
}

/** Adds `clerk org invitation create|list|revoke` (after the `org` command exists). */
export function registerInvitationCommands(program: Command): void {
  const org = commandNamed(program, "org");
  const invitation = org
    .command("invitation")
    .alias("invitations")
    .description("Invitations to join an organization with a role.");

  invitation
    .command("create")
    .description("Invite an e-mail address with a role (one pending invitation per address and organization).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the address to invite")
    .option("--role <role>", "role name, key or id (default: the default role)")
    .option("--expires-in-days <days>", "1 to 365", "30")
    .option("--inviter <user>", "the member it is sent on behalf of (e-mail or user id; must manage members)")
    .option("--redirect-url <url>", "where the accept link leads")
    .option("--no-notify", "do not e-mail the invitation (it is e-mailed when an e-mail provider is configured)")
    .addHelpText(
      "after",
      '\nExample:\n  clerk org invitation create --organization "engineering-team" --email "dana@acme.com" --role "Developer" --expires-in-days 7',
    )
    .action(
      action<{
        organization?: string;
        email: string;
        role?: string;
        expiresInDays: string;
        inviter?: string;
        redirectUrl?: string;
        notify: boolean;
      }>(async ({ api }, o) => {
        const i = await api.call(invitationOperations.create, {
          params: { organization_id: organizationOrDefault(o.organization) },
          body: {
            email_address: o.email,
            role: o.role,
            expires_in_days: parseDays(o.expiresInDays),
            inviter_user_id: o.inviter,
            redirect_url: o.redirectUrl,
            notify: o.notify,
          },
        });
        return {
          json: i,
          text: `Invited ${i.email_address} to ${organizationOrDefault(o.organization)} as ${i.role_name} until ${when(i.expires_at)} (${i.id}).`,
        };
      }),
    );

  invitation
    .command("list")
    .description("List an organization's invitations, newest first.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--status <statuses>", "pending, accepted, revoked or expired; several comma-separated")
    .option("--limit <n>", "at most this many (1 to 500)", "100")
    .addHelpText("after", '\nExample:\n  clerk org invitation list --organization "engineering-team" --status pending')
    .action(
      action<{ organization?: string; status?: string; limit: string }>(async ({ api }, o) => {
        const { data } = await api.call(invitationOperations.list, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: {
            status: o.status === undefined ? undefined : parseStatuses(o.status).join(","),
            limit: parseLimit(o.limit),
          },
        });
        return {
          json: data,
          text: table(
            ["EMAIL", "ROLE", "STATUS", "EXPIRES", "ID"],
            data.map((i) => [i.email_address, i.role_name, i.status, when(i.expires_at), i.id]),
          ),
        };
      }),
    );

  operationCommand(invitation, "revoke", invitationOperations.revoke, {
    description: "Revoke a pending invitation, by id or by the invited address.",
    args: [
      {
        field: "invitation_id",
        name: "invitation",
        description: "invitation id (orginv_…) or the invited e-mail address",
      },
    ],
    flags: {
      organization_id: {
        flag: "organization",
        value: "org",
        help: "slug, id or name (default: clerk org use)",
        resolve: organizationOrDefault,
      },
      requesting_user_id: false,
    },
    examples: ['clerk org invitation revoke dana@acme.com --organization "engineering-team"'],
    render: (i, { options }) => ({
      json: i,
      text: `Revoked the invitation of ${i.email_address} to ${organizationOrDefault(options.organization as string | undefined)}.`,
    }),
  });
}
