// `clerk org member …` (membership) and `clerk member …` (direct grants, effective permissions).
import type { Command } from "commander";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { describeGrant, grantJson } from "../grants/index.js";
import { type Membership, addMember, grantToMember, listDirectGrants, listMembers, removeMember, revokeFromMember, updateMemberRoles } from "./index.js";

const memberJson = (m: Membership) => ({
  id: m.id,
  organization_id: m.organizationId,
  user: { id: m.user.id, email: m.user.email, name: m.user.name, kind: m.user.kind },
  roles: m.roles.map((r) => r.key),
  created_at: m.createdAt,
  updated_at: m.updatedAt,
});

export function registerMemberCommands(program: Command): void {
  const org = commandNamed(program, "org");
  const member = org.command("member").description("Members of an organization and their roles.");

  member
    .command("add")
    .description("Add a user (created if new) to an organization with one or more roles.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .option("--role <roles>", "role name, key or id; several comma-separated (default: the default role)")
    .option("--agent", "the member is an AI agent, not a person")
    .addHelpText("after", '\nExample:\n  clerk org member add --organization "engineering-team" --email "alice@acme.com" --role "Developer"')
    .action(
      action<{ organization?: string; email: string; role?: string; agent?: boolean }>(async ({ ctx }, o) => {
        const m = await addMember(ctx, { organization: organizationOrDefault(o.organization), email: o.email, roles: o.role, kind: o.agent ? "agent" : undefined });
        return { json: memberJson(m), text: `Added ${m.user.email} to ${o.organization ?? "the organization"} as ${m.roles.map((r) => r.name).join(", ")}.` };
      }),
    );

  member
    .command("list")
    .description("List an organization's members and their roles.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", '\nExample:\n  clerk org member list --organization "engineering-team"')
    .action(
      action<{ organization?: string }>(async ({ ctx }, o) => {
        const members = await listMembers(ctx, organizationOrDefault(o.organization));
        return {
          json: members.map(memberJson),
          text: table(["EMAIL", "KIND", "ROLES", "SINCE"], members.map((m) => [m.user.email, m.user.kind, m.roles.map((r) => r.name).join(", "), when(m.createdAt)])),
        };
      }),
    );

  member
    .command("update")
    .description("Replace a member's roles.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .requiredOption("--role <roles>", "the new role(s), comma-separated")
    .addHelpText("after", '\nExample:\n  clerk org member update --organization "engineering-team" --email "alice@acme.com" --role "Developer,Code Reviewer"')
    .action(
      action<{ organization?: string; email: string; role: string }>(async ({ ctx }, o) => {
        const m = await updateMemberRoles(ctx, { organization: organizationOrDefault(o.organization), email: o.email, roles: o.role });
        return { json: memberJson(m), text: `${m.user.email} now holds ${m.roles.map((r) => r.name).join(", ")}.` };
      }),
    );

  member
    .command("remove")
    .description("Remove a member (and their direct grants) from an organization.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .addHelpText("after", '\nExample:\n  clerk org member remove --organization "engineering-team" --email "bob@acme.com"')
    .action(
      action<{ organization?: string; email: string }>(async ({ ctx }, o) => {
        const m = await removeMember(ctx, { organization: organizationOrDefault(o.organization), email: o.email });
        return { json: { ...memberJson(m), deleted: true }, text: `Removed ${m.user.email}.` };
      }),
    );

  const direct = program.command("member").description("Direct (temporary or scoped) grants to members, and what members may do.");

  direct
    .command("grant")
    .description("Grant a permission directly to a member, beside their roles (temporary access).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option("--scope <scopes>", "comma-separated type:pattern scopes, e.g. repository:*-app")
    .option("--expires <when>", "a date (through that day, UTC) or an ISO time")
    .addHelpText("after", '\nExample:\n  clerk member grant --organization engineering-team --email "carol@acme.com" --permission write:deployments --scope environment:staging --expires 2026-12-31')
    .action(
      action<{ organization?: string; email: string; permission: string; scope?: string; expires?: string }>(async ({ ctx }, o) => {
        const { grant, before } = await grantToMember(ctx, { organization: organizationOrDefault(o.organization), email: o.email, permission: o.permission, scope: o.scope, expires: o.expires });
        const verb = before ? `Changed ${o.email}'s direct grant from ${describeGrant(before)} to` : `Granted ${o.email}`;
        return { json: grantJson(grant), text: `${verb} ${describeGrant(grant)}.` };
      }),
    );

  direct
    .command("revoke")
    .description("Take a direct grant away from a member.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .requiredOption("--permission <permission>", "the permission to revoke")
    .addHelpText("after", '\nExample:\n  clerk member revoke --organization engineering-team --email "carol@acme.com" --permission write:deployments')
    .action(
      action<{ organization?: string; email: string; permission: string }>(async ({ ctx }, o) => {
        const g = await revokeFromMember(ctx, { organization: organizationOrDefault(o.organization), email: o.email, permission: o.permission });
        return { json: { ...grantJson(g), deleted: true }, text: `Revoked ${describeGrant(g)} from ${o.email}.` };
      }),
    );

  direct
    .command("list")
    .description("List members' direct grants (all members, or one with --email).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--email <email>", "only this member")
    .addHelpText("after", "\nExample:\n  clerk member list --organization engineering-team")
    .action(
      action<{ organization?: string; email?: string }>(async ({ ctx }, o) => {
        const rows = await listDirectGrants(ctx, organizationOrDefault(o.organization), o.email);
        return {
          json: rows.map((r) => ({ member: r.member, ...grantJson(r.grant) })),
          text: table(["MEMBER", "PERMISSION", "SCOPES", "EXPIRES"], rows.map((r) => [r.member, r.grant.permission, r.grant.scopes.join(", ") || "(all)", when(r.grant.expiresAt)])),
        };
      }),
    );
}
