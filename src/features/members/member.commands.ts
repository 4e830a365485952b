// `clerk org member …` (membership) and `clerk member …` (direct grants, effective permissions).
import type { Command } from "commander";
import { listAll } from "../../cli/api.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { describeGrant } from "../grants/index.js";
import { memberOperations } from "./member.operations.js";

/** The grant fields the text output reads, as the API returns them. */
const described = (g: { permission: string; scopes: string[]; expires_at: number | null }) =>
  describeGrant({ permission: g.permission, scopes: g.scopes, expiresAt: g.expires_at });

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
    .addHelpText(
      "after",
      '\nExample:\n  clerk org member add --organization "engineering-team" --email "alice@acme.com" --role "Developer"',
    )
    .action(
      action<{ organization?: string; email: string; role?: string; agent?: boolean }>(async ({ api }, o) => {
        const m = await api.call(memberOperations.add, {
          params: { organization_id: organizationOrDefault(o.organization) },
          body: { email_address: o.email, role: o.role, kind: o.agent ? "agent" : undefined },
        });
        return {
          json: m,
          text: `Added ${m.public_user_data.identifier} to ${o.organization ?? "the organization"} as ${m.role_names.join(", ")}.`,
        };
      }),
    );

  member
    .command("list")
    .description("List an organization's members and their roles.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", '\nExample:\n  clerk org member list --organization "engineering-team"')
    .action(
      action<{ organization?: string }>(async ({ api }, o) => {
        const members = await listAll(api, memberOperations.list, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { order_by: "email_address" },
        });
        return {
          json: members,
          text: table(
            ["EMAIL", "KIND", "ROLES", "SINCE"],
            members.map((m) => [
              m.public_user_data.identifier,
              m.public_user_data.kind,
              m.role_names.join(", "),
              when(m.created_at),
            ]),
          ),
        };
      }),
    );

  member
    .command("update")
    .description("Replace a member's roles.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .requiredOption("--role <roles>", "the new role(s), comma-separated")
    .addHelpText(
      "after",
      '\nExample:\n  clerk org member update --organization "engineering-team" --email "alice@acme.com" --role "Developer,Code Reviewer"',
    )
    .action(
      action<{ organization?: string; email: string; role: string }>(async ({ api }, o) => {
        const m = await api.call(memberOperations.update, {
          params: { organization_id: organizationOrDefault(o.organization), user_id: o.email },
          body: { role: o.role },
        });
        return { json: m, text: `${m.public_user_data.identifier} now holds ${m.role_names.join(", ")}.` };
      }),
    );

  member
    .command("remove")
    .description("Remove a member (and their direct grants) from an organization.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .addHelpText(
      "after",
      '\nExample:\n  clerk org member remove --organization "engineering-team" --email "bob@acme.com"',
    )
    .action(
      action<{ organization?: string; email: string }>(async ({ api }, o) => {
        const m = await api.call(memberOperations.remove, {
          params: { organization_id: organizationOrDefault(o.organization), user_id: o.email },
        });
        return { json: { ...m, deleted: true }, text: `Removed ${m.public_user_data.identifier}.` };
      }),
    );

  const direct = program
    .command("member")
    .description("Direct (temporary or scoped) grants to members, and what members may do.");

  direct
    .command("grant")
    .description("Grant a permission directly to a member, beside their roles (temporary access).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option("--scope <scopes>", "comma-separated type:pattern scopes, e.g. repository:*-app")
    .option("--expires <when>", "a date (through that day, UTC) or an ISO time")
    .addHelpText(
      "after",
      '\nExample:\n  clerk member grant --organization engineering-team --email "carol@acme.com" --permission write:deployments --scope environment:staging --expires 2026-12-31',
    )
    .action(
      action<{ organization?: string; email: string; permission: string; scope?: string; expires?: string }>(
        async ({ api }, o) => {
          const grant = await api.call(memberOperations.grant, {
            params: { organization_id: organizationOrDefault(o.organization), user_id: o.email },
            body: { permission: o.permission, scopes: o.scope, expires_at: o.expires },
          });
          const verb = grant.previous
            ? `Changed ${o.email}'s direct grant from ${described(grant.previous)} to`
            : `Granted ${o.email}`;
          return { json: grant, text: `${verb} ${described(grant)}.` };
        },
      ),
    );

  direct
    .command("revoke")
    .description("Take a direct grant away from a member.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .requiredOption("--permission <permission>", "the permission to revoke")
    .addHelpText(
      "after",
      '\nExample:\n  clerk member revoke --organization engineering-team --email "carol@acme.com" --permission write:deployments',
    )
    .action(
      action<{ organization?: string; email: string; permission: string }>(async ({ api }, o) => {
        const g = await api.call(memberOperations.revoke, {
          params: {
            organization_id: organizationOrDefault(o.organization),
            user_id: o.email,
            permission: o.permission,
          },
        });
        return { json: g, text: `Revoked ${described(g)} from ${o.email}.` };
      }),
    );

  direct
    .command("list")
    .description("List members' direct grants (all members, or one with --email).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--email <email>", "only this member")
    .addHelpText("after", "\nExample:\n  clerk member list --organization engineering-team")
    .action(
      action<{ organization?: string; email?: string }>(async ({ api }, o) => {
        const { data: rows } = await api.call(memberOperations.directGrants, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { user_id: o.email },
        });
        return {
          json: rows,
          text: table(
            ["MEMBER", "PERMISSION", "SCOPES", "EXPIRES"],
            rows.map((r) => [r.identifier, r.permission, r.scopes.join(", ") || "(all)", when(r.expires_at)]),
          ),
        };
      }),
    );

  direct
    .command("permissions")
    .description("Everything a member may do in an organization, with where each permission comes from.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .addHelpText(
      "after",
      "\nExample:\n  clerk member permissions --organization engineering-team --email alice@acme.com",
    )
    .action(
      action<{ organization?: string; email: string }>(async ({ api }, o) => {
        const { data: rows } = await api.call(memberOperations.permissions, {
          params: { organization_id: organizationOrDefault(o.organization), user_id: o.email },
        });
        return {
          json: rows,
          text: table(
            ["PERMISSION", "SCOPES", "EXPIRES", "FROM"],
            rows.map((r) => [r.permission, r.scopes.join(", ") || "(all)", when(r.expires_at), r.sources.join("; ")]),
          ),
        };
      }),
    );
}
