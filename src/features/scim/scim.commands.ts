// `clerk scim …`: an organization's SCIM tokens and group-to-role mappings, flags derived from the operations.
import type { Command } from "commander";
import { type FlagSpec, operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when } from "../../cli/output.js";
import { scimOperations } from "./scim.operations.js";

const org: FlagSpec = {
  flag: "org",
  value: "org",
  help: "slug, id or name (default: clerk org use)",
  resolve: organizationOrDefault,
};

export function registerScimCommands(program: Command): void {
  const scim = program
    .command("scim")
    .description("SCIM 2.0 provisioning: tokens an identity provider (Okta, Entra ID) pushes users and groups with.");
  const token = scim.command("token").description("SCIM bearer tokens, one organization each.");

  operationCommand(token, "create", scimOperations.createToken, {
    description: "Create a SCIM token; prints the secret (shown once) and the base URL to give the IdP.",
    flags: { organization_id: org },
    examples: ['clerk scim token create --org acme --name "Okta"'],
    render: (t) => ({
      json: t,
      text: [
        `Created SCIM token ${t.id} (${t.name}) for ${t.organization_id}.`,
        `SCIM base URL: ${t.base_url}`,
        `Token:         ${t.secret}`,
        "Copy the token now: it is stored hashed and never shown again.",
      ].join("\n"),
    }),
  });

  operationCommand(token, "list", scimOperations.listTokens, {
    description: "List the organization's SCIM tokens (never their secrets).",
    flags: { organization_id: org },
    examples: ["clerk scim token list --org acme"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["ID", "NAME", "TOKEN", "CREATED", "LAST USED", "STATUS"],
        data.map((t) => [
          t.id,
          t.name,
          t.display,
          when(t.created_at),
          t.last_used_at ? when(t.last_used_at) : "never",
          t.revoked_at ? "revoked" : "active",
        ]),
      ),
    }),
  });

  operationCommand(token, "revoke", scimOperations.revokeToken, {
    description: "Revoke a SCIM token by id or name; the IdP's next request with it gets 401.",
    args: [{ field: "token_id", name: "token", description: "token id or name" }],
    flags: { organization_id: org },
    examples: ["clerk scim token revoke scimtok_2abc… --org acme"],
    render: (t) => ({ json: t, text: `Revoked SCIM token ${t.id} (${t.name}).` }),
  });

  operationCommand(scim, "map-group", scimOperations.mapGroup, {
    description: "Give the members of a pushed SCIM group a role (a group may map to several roles).",
    args: [{ field: "group", name: "group", description: "the group's displayName as the IdP pushes it" }],
    flags: { organization_id: org, role: { flag: "role", value: "role", help: "the role (key, name or id)" } },
    examples: ['clerk scim map-group "Engineering Leads" --role "Tech Lead" --org acme'],
    render: (m) => ({
      json: m,
      text: `Members of the SCIM group "${m.group}" now hold ${m.role.name} (${m.role.key}).`,
    }),
  });

  operationCommand(scim, "mappings", scimOperations.listMappings, {
    description: "List which SCIM groups give which roles.",
    flags: { organization_id: org },
    examples: ["clerk scim mappings --org acme"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["GROUP", "ROLE", "SINCE"],
        data.map((m) => [m.group, `${m.role.name} (${m.role.key})`, when(m.created_at)]),
      ),
    }),
  });

  operationCommand(scim, "unmap-group", scimOperations.unmapGroup, {
    description: "Remove a group's mapping (to one role with --role, else to all); its members lose those roles.",
    args: [{ field: "group", name: "group", description: "the group's displayName" }],
    flags: { organization_id: org },
    examples: [
      'clerk scim unmap-group "Engineering Leads" --org acme',
      'clerk scim unmap-group "Engineering Leads" --role "Tech Lead" --org acme',
    ],
    render: ({ data }) => ({
      json: data,
      text: data.map((m) => `Unmapped "${m.group}" from ${m.role.key}.`).join("\n"),
    }),
  });
}
