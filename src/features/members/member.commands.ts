// `clerk org member …` (membership) and `clerk member …` (direct grants, effective permissions). `org member add`
// stays hand-written: its --agent switch takes no value, which a derived flag cannot spell.
import type { Command } from "commander";
import { type FlagSpec, operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { describeGrant } from "../grants/index.js";
import type { CliSession } from "../../cli/context.js";
import { userOperations } from "../users/index.js";
import { memberOperations } from "./member.operations.js";

/** Whether each member is a person or an agent: Clerk's membership omits it, the user's private metadata has it. */
async function kindsOf(session: CliSession, emails: readonly string[]): Promise<Map<string, string>> {
  const kinds = new Map<string, string>();
  for (let i = 0; i < emails.length; i += 100) {
    const chunk = emails.slice(i, i + 100);
    const users = await session.api.call(userOperations.list, { query: { email_address: chunk, limit: 100 } });
    for (const u of users)
      for (const e of u.email_addresses) kinds.set(e.email_address.toLowerCase(), u.private_metadata.kind);
  }
  return kinds;
}

/** The grant fields the text output reads, as the API returns them. */
const described = (g: { permission: string; scopes: string[]; expires_at: number | null }) =>
  describeGrant({ permission: g.permission, scopes: g.scopes, expiresAt: g.expires_at });

/** `--organization <org>`, defaulting to `clerk org use`'s. */
const organization: FlagSpec = {
  flag: "organization",
  value: "org",
  help: "slug, id or name (default: clerk org use)",
  resolve: organizationOrDefault,
};
/** The member, named by e-mail (the API's user_id takes an e-mail or an id). */
const email: FlagSpec = { flag: "email", value: "email", help: "the member's e-mail address" };

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

  operationCommand(member, "list", memberOperations.list, {
    description: "List an organization's members and their roles.",
    paged: true,
    flags: { organization_id: organization, order_by: { fixed: "email_address" } },
    examples: ['clerk org member list --organization "engineering-team"'],
    render: async ({ data: members }, { session }) => {
      const kinds = await kindsOf(
        session,
        members.map((m) => m.public_user_data.identifier),
      );
      return {
        json: members,
        text: table(
          ["EMAIL", "KIND", "ROLES", "SINCE"],
          members.map((m) => [
            m.public_user_data.identifier,
            kinds.get(m.public_user_data.identifier.toLowerCase()) ?? "",
            m.role_names.join(", "),
            when(m.created_at),
          ]),
        ),
      };
    },
  });

  operationCommand(member, "update", memberOperations.update, {
    description: "Replace a member's roles.",
    flags: {
      organization_id: organization,
      user_id: email,
      role: { value: "roles", help: "the new role(s), comma-separated" },
    },
    examples: [
      'clerk org member update --organization "engineering-team" --email "alice@acme.com" --role "Developer,Code Reviewer"',
    ],
    render: (m) => ({ json: m, text: `${m.public_user_data.identifier} now holds ${m.role_names.join(", ")}.` }),
  });

  operationCommand(member, "remove", memberOperations.remove, {
    description: "Remove a member (and their direct grants) from an organization.",
    flags: { organization_id: organization, user_id: email },
    examples: ['clerk org member remove --organization "engineering-team" --email "bob@acme.com"'],
    render: (m) => ({ json: { ...m, deleted: true }, text: `Removed ${m.public_user_data.identifier}.` }),
  });

  operationCommand(member, "metadata", memberOperations.metadata, {
    description: "Merge into a member's public and private metadata (JSON objects; null deletes a key).",
    flags: {
      organization_id: organization,
      user_id: email,
      public_metadata: { flag: "public", value: "json", help: "a JSON object merged into the public metadata" },
      private_metadata: { flag: "private", value: "json", help: "a JSON object merged into the private metadata" },
    },
    examples: [
      'clerk org member metadata --organization "engineering-team" --email "bob@acme.com" --public \'{"team":"web"}\'',
    ],
    render: (m) => ({ json: m, text: `Updated the metadata of ${m.public_user_data.identifier}.` }),
  });

  registerUserCommands(program);

  const direct = program
    .command("member")
    .description("Direct (temporary or scoped) grants to members, and what members may do.");

  operationCommand(direct, "grant", memberOperations.grant, {
    description: "Grant a permission directly to a member, beside their roles (temporary access).",
    flags: {
      organization_id: organization,
      user_id: email,
      permission: { help: "org:<feature>:<action> or <action>:<feature>" },
      scopes: { flag: "scope", value: "scopes", help: "comma-separated type:pattern scopes, e.g. repository:*-app" },
      expires_at: { flag: "expires", value: "when", help: "a date (through that day, UTC) or an ISO time" },
    },
    examples: [
      'clerk member grant --organization engineering-team --email "carol@acme.com" --permission write:deployments --scope environment:staging --expires 2026-12-31',
    ],
    render: (grant, { options }) => {
      const who = String(options.email);
      const verb = grant.previous
        ? `Changed ${who}'s direct grant from ${described(grant.previous)} to`
        : `Granted ${who}`;
      return { json: grant, text: `${verb} ${described(grant)}.` };
    },
  });

  operationCommand(direct, "revoke", memberOperations.revoke, {
    description: "Take a direct grant away from a member.",
    flags: { organization_id: organization, user_id: email, permission: { help: "the permission to revoke" } },
    examples: [
      'clerk member revoke --organization engineering-team --email "carol@acme.com" --permission write:deployments',
    ],
    render: (g, { options }) => ({ json: g, text: `Revoked ${described(g)} from ${String(options.email)}.` }),
  });

  operationCommand(direct, "list", memberOperations.directGrants, {
    description: "List members' direct grants (all members, or one with --email).",
    flags: { organization_id: organization, user_id: { ...email, help: "only this member" } },
    examples: ["clerk member list --organization engineering-team"],
    render: ({ data: rows }) => ({
      json: rows,
      text: table(
        ["MEMBER", "PERMISSION", "SCOPES", "EXPIRES"],
        rows.map((r) => [r.identifier, r.permission, r.scopes.join(", ") || "(all)", when(r.expires_at)]),
      ),
    }),
  });

  operationCommand(direct, "permissions", memberOperations.permissions, {
    description: "Everything a member may do in an organization, with where each permission comes from.",
    flags: { organization_id: organization, user_id: email },
    examples: ["clerk member permissions --organization engineering-team --email alice@acme.com"],
    render: ({ data: rows }) => ({
      json: rows,
      text: table(
        ["PERMISSION", "SCOPES", "EXPIRES", "FROM"],
        rows.map((r) => [r.permission, r.scopes.join(", ") || "(all)", when(r.expires_at), r.sources.join("; ")]),
      ),
    }),
  });
}

/** `clerk user …`: the instance's users (people and agents) across organizations. */
function registerUserCommands(program: Command): void {
  const user = program.command("user").description("Users (people and AI agents) of the instance.");
  const userFlag: FlagSpec = { flag: "user", value: "user", help: "the user's e-mail address or id" };

  operationCommand(user, "list", userOperations.list, {
    description: "List users, newest first.",
    flags: { limit: { value: "n", help: "at most this many (1-500, default 10)" }, offset: false },
    examples: ["clerk user list --limit 50"],
    render: (users) => ({
      json: users,
      text: table(
        ["EMAIL", "KIND", "NAME", "SINCE"],
        users.map((u) => [
          u.email_addresses[0]?.email_address ?? "",
          u.private_metadata.kind,
          [u.first_name, u.last_name].filter((x) => x).join(" "),
          when(u.created_at),
        ]),
      ),
    }),
  });

  operationCommand(user, "update", userOperations.update, {
    description: "Rename a user.",
    flags: { user_id: userFlag },
    examples: ['clerk user update --user "carol@acme.com" --first-name "Carol" --last-name "Danvers"'],
    render: (u) => ({
      json: u,
      text: `Renamed ${u.email_addresses[0]?.email_address ?? u.id} to ${[u.first_name, u.last_name].filter((x) => x).join(" ") || "(no name)"}.`,
    }),
  });

  operationCommand(user, "metadata", userOperations.mergeMetadata, {
    description:
      "Merge into a user's public, private and unsafe metadata (JSON objects; nested objects merge, null deletes a key).",
    flags: {
      user_id: userFlag,
      public_metadata: { flag: "public", value: "json", help: "a JSON object merged into the public metadata" },
      private_metadata: { flag: "private", value: "json", help: "a JSON object merged into the private metadata" },
      unsafe_metadata: { flag: "unsafe", value: "json", help: "a JSON object merged into the unsafe metadata" },
    },
    examples: [
      'clerk user metadata --user "bob@acme.com" --public \'{"team":"web"}\' --private \'{"employee_id":null}\'',
    ],
    render: (u) => ({ json: u, text: `Updated the metadata of ${u.email_addresses[0]?.email_address ?? u.id}.` }),
  });

  operationCommand(user, "memberships", memberOperations.listOfUser, {
    description: "List a user's memberships across organizations, newest first.",
    paged: true,
    flags: { user_id: userFlag },
    examples: ['clerk user memberships --user "alice@acme.com"'],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["ORGANIZATION", "ROLES", "SINCE"],
        data.map((m) => [m.organization.slug, m.role_names.join(", "), when(m.created_at)]),
      ),
    }),
  });

  operationCommand(user, "delete", memberOperations.deleteUser, {
    description:
      "Delete a user: their memberships (refused while they are an organization's last manager), agent keys and sessions go too.",
    flags: { user_id: userFlag },
    examples: ['clerk user delete --user "bob@acme.com"'],
    render: (d, { options }) => ({ json: d, text: `Deleted user ${String(options.user)} (${d.id}).` }),
  });
}
