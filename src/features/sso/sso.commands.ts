// `clerk sso …`: enterprise connections (add, list, show, update, remove), flags derived from the operations.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { table, when } from "../../cli/output.js";
import { ClerkError } from "../../errors.js";
import { ssoOperations } from "./sso.operations.js";
import type { ConnectionCheckObject, ConnectionObject } from "./sso.view.js";

/** `eng-leads=org:tech_lead,admins=org:admin` → `{ "eng-leads": "org:tech_lead", admins: "org:admin" }`. */
function groupMap(given: string | undefined): Record<string, string> | undefined {
  if (given === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of given
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf("=");
    if (at <= 0 || at === pair.length - 1)
      throw new ClerkError("input.invalid", `--map-group "${pair}" must be GROUP=ROLE, e.g. eng-leads=org:tech_lead.`, {
        param: "map-group",
      });
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

const mapGroup = {
  flag: "map-group",
  value: "group=role,…",
  help: "IdP groups to roles, e.g. eng-leads=org:tech_lead,admins=org:admin",
  resolve: groupMap,
};

function describe(c: ConnectionObject): string {
  const lines = [
    `${c.name} (${c.id}), ${c.provider}, ${c.active ? "active" : "inactive"}`,
    `organization: ${c.organization_id}`,
    `domains:      ${c.domains.join(", ")}`,
    `default role: ${c.default_role}`,
    `group roles:  ${
      Object.entries(c.role_mapping)
        .map(([g, r]) => `${g}=${r}`)
        .join(", ") || "none"
    }`,
  ];
  if (c.saml_connection) {
    const s = c.saml_connection;
    lines.push(
      "",
      "Give the IdP:",
      `  ACS URL (reply URL):     ${s.acs_url}`,
      `  SP entity id (audience): ${s.sp_entity_id}`,
      `  SP metadata:             ${s.sp_metadata_url}`,
      "IdP settings:",
      `  entity id: ${s.idp_entity_id ?? "not set"}`,
      `  SSO URL:   ${s.idp_sso_url ?? "not set"}`,
      `  signing certificates accepted: ${s.idp_certificates.length}`,
    );
  }
  if (c.oauth_config) {
    const o = c.oauth_config;
    lines.push(
      "",
      `Give the IdP the redirect URI: ${o.redirect_url}`,
      `discovery: ${o.discovery_url ?? "not set"}; client id: ${o.client_id ?? "not set"}; secret ${o.has_client_secret ? "set (sealed)" : "not set"}`,
    );
  }
  return lines.join("\n");
}

function describeCheck(r: ConnectionCheckObject): string {
  const problems = r.checks.filter((c) => c.status === "error").length;
  const width = Math.max(...Object.keys(r.give_idp).map((k) => k.length)) + 1;
  return [
    `${r.enterprise_connection_id} (${r.provider}): ${problems === 0 ? "ready" : `${problems} problem${problems === 1 ? "" : "s"}`}`,
    "",
    "Give the IdP:",
    ...Object.entries(r.give_idp).map(([k, v]) => `  ${`${k}:`.padEnd(width)} ${v}`),
    "",
    "Checks:",
    ...r.checks.map((c) => `  ${c.status.padEnd(7)} ${c.check}: ${c.message}`),
  ].join("\n");
}

export function registerSsoCommands(program: Command): void {
  const sso = program
    .command("sso")
    .description("Enterprise SSO: an organization's SAML or OIDC identity provider and its domains.");

  operationCommand(sso, "add", ssoOperations.create, {
    description: "Connect an organization's identity provider; prints the ACS URL and entity id to give the IdP.",
    flags: {
      organization_id: { flag: "org", value: "org", help: "the organization (id or slug) its users join" },
      role_mapping: mapGroup,
    },
    examples: [
      `clerk sso add --org acme --name "Acme Okta" --provider saml_okta --domains acme.com --saml '{"idp_entity_id":"http://www.okta.com/exk1","idp_sso_url":"https://acme.okta.com/app/x/sso/saml","idp_certificate":"MIID…"}' --map-group eng-leads=org:tech_lead`,
    ],
    render: (c) => ({ json: c, text: describe(c) }),
  });

  operationCommand(sso, "list", ssoOperations.list, {
    description: "List enterprise connections.",
    paged: true,
    flags: { organization_id: { flag: "org", value: "org", help: "only this organization's connections" } },
    examples: ["clerk sso list", "clerk sso list --org acme"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["ID", "NAME", "PROVIDER", "ORGANIZATION", "DOMAINS", "STATUS", "UPDATED"],
        data.map((c) => [
          c.id,
          c.name,
          c.provider,
          c.organization_id ?? "",
          c.domains.join(","),
          c.active ? "active" : "inactive",
          when(c.updated_at),
        ]),
      ),
    }),
  });

  operationCommand(sso, "show", ssoOperations.get, {
    description: "Show a connection with what to give the IdP (ACS URL, entity id, metadata URL).",
    args: [{ field: "enterprise_connection_id", name: "connection", description: "connection id" }],
    examples: ["clerk sso show ssoc_2abc…"],
    render: (c) => ({ json: c, text: describe(c) }),
  });

  operationCommand(sso, "update", ssoOperations.update, {
    description:
      "Change a connection; what is not given stays (e.g. add the IdP's next certificate before it rotates).",
    args: [{ field: "enterprise_connection_id", name: "connection", description: "connection id" }],
    flags: { role_mapping: mapGroup },
    examples: [
      `clerk sso update ssoc_2abc… --saml '{"idp_certificates":["<current PEM>","<next PEM>"]}'`,
      "clerk sso update ssoc_2abc… --active false",
    ],
    render: (c) => ({ json: c, text: describe(c) }),
  });

  operationCommand(sso, "test", ssoOperations.check, {
    description:
      "Check a connection without a browser: IdP metadata or OIDC discovery, certificate dates, what to give the IdP. Exits 1 when a check fails.",
    args: [{ field: "enterprise_connection_id", name: "connection", description: "connection id" }],
    examples: ["clerk sso test ssoc_2abc…"],
    render: (r) => {
      if (!r.ok) process.exitCode = 1;
      return { json: r, text: describeCheck(r) };
    },
  });

  operationCommand(sso, "remove", ssoOperations.remove, {
    description: "Delete a connection; the users and memberships it created stay.",
    args: [{ field: "enterprise_connection_id", name: "connection", description: "connection id" }],
    examples: ["clerk sso remove ssoc_2abc…"],
    render: (r) => ({ json: r, text: `Removed enterprise connection ${r.id}.` }),
  });
}
