// `clerk org invitation …`: create, list, revoke.
import type { Command } from "commander";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { listSchema } from "../roles/index.js";
import { type Invitation, createInvitation, invitationStatusSchema, listInvitations, revokeInvitation } from "./index.js";

const invitationJson = (i: Invitation) => ({
  id: i.id,
  organization_id: i.organization.id,
  email_address: i.emailAddress,
  role: i.role.key,
  status: i.status,
  inviter_id: i.inviter?.id ?? null,
  redirect_url: i.redirectUrl,
  public_metadata: i.publicMetadata,
  private_metadata: i.privateMetadata,
  expires_at: i.expiresAt,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 365) throw new ClerkError("input.invalid", `"${value}" is not a whole number of days from 1 to 365.`, { param: "expires-in-days" });
  return n;
}

function parseStatuses(value: string) {
  return listSchema.parse(value).map((s) => {
    const parsed = invitationStatusSchema.safeParse(s);
    if (!parsed.success) throw new ClerkError("input.invalid", `"${s}" is not a status; use pending, accepted, revoked or expired.`, { param: "status" });
    return parsed.data;
  });
}

/** Adds `clerk org invitation create|list|revoke` (after the `org` command exists). */
export function registerInvitationCommands(program: Command): void {
  const org = commandNamed(program, "org");
  const invitation = org.command("invitation").alias("invitations").description("Invitations to join an organization with a role.");

  invitation
    .command("create")
    .description("Invite an e-mail address with a role (one pending invitation per address and organization).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the address to invite")
    .option("--role <role>", "role name, key or id (default: the default role)")
    .option("--expires-in-days <days>", "1 to 365", "30")
    .option("--inviter <user>", "the member it is sent on behalf of (e-mail or user id; must manage members)")
    .option("--redirect-url <url>", "where the accept link leads")
    .addHelpText("after", '\nExample:\n  clerk org invitation create --organization "engineering-team" --email "dana@acme.com" --role "Developer" --expires-in-days 7')
    .action(
      action<{ organization?: string; email: string; role?: string; expiresInDays: string; inviter?: string; redirectUrl?: string }>(async ({ ctx }, o) => {
        const i = await createInvitation(ctx, {
          organization: organizationOrDefault(o.organization),
          email: o.email,
          role: o.role,
          expiresInDays: parseDays(o.expiresInDays),
          inviterUserId: o.inviter,
          redirectUrl: o.redirectUrl,
        });
        return { json: invitationJson(i), text: `Invited ${i.emailAddress} to ${i.organization.slug} as ${i.role.name} until ${when(i.expiresAt)} (${i.id}).` };
      }),
    );

  invitation
    .command("list")
    .description("List an organization's invitations, newest first.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--status <statuses>", "pending, accepted, revoked or expired; several comma-separated")
    .option("--limit <n>", "at most this many", "100")
    .addHelpText("after", '\nExample:\n  clerk org invitation list --organization "engineering-team" --status pending')
    .action(
      action<{ organization?: string; status?: string; limit: string }>(async ({ ctx }, o) => {
        const page = await listInvitations(ctx, {
          organization: organizationOrDefault(o.organization),
          status: o.status === undefined ? undefined : parseStatuses(o.status),
          limit: Number(o.limit),
        });
        return {
          json: page.data.map(invitationJson),
          text: table(
            ["EMAIL", "ROLE", "STATUS", "EXPIRES", "ID"],
            page.data.map((i) => [i.emailAddress, i.role.name, i.status, when(i.expiresAt), i.id]),
          ),
        };
      }),
    );

  invitation
    .command("revoke")
    .description("Revoke a pending invitation, by id or by the invited address.")
    .argument("<invitation>", "invitation id (orginv_…) or the invited e-mail address")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", '\nExample:\n  clerk org invitation revoke dana@acme.com --organization "engineering-team"')
    .action(
      action<{ organization?: string }>(async ({ ctx }, o, args) => {
        const i = await revokeInvitation(ctx, { organization: organizationOrDefault(o.organization), invitation: args[0] as string });
        return { json: invitationJson(i), text: `Revoked the invitation of ${i.emailAddress} to ${i.organization.slug}.` };
      }),
    );
}
