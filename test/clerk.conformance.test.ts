// Wire-exactness with Clerk (issue 16): every operation we serve whose path is in Clerk's published Backend API spec
// (test/fixtures/clerk-bapi-2025-11-10.yml, from clerk/openapi-specs) is driven through the real HTTP server, on its
// happy path and its declared error cases, and each answer's status and body are validated against the spec with
// Ajv; a refused body must be a form_param_* error naming the parameter and change nothing. Spec operations we do
// not serve must answer 404 resource_not_found. A table per tag is printed.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import formatsPlugin from "ajv-formats";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../src/features/operations.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

type Json = Record<string, unknown>;
interface SpecOperation {
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, Json>;
}
interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  components: Json;
}

const SPEC = parse(readFileSync(new URL("./fixtures/clerk-bapi-2025-11-10.yml", import.meta.url), "utf8")) as Spec;
const METHODS = ["get", "post", "patch", "put", "delete"] as const;

/** The tags the table reports: the organization-related part of the spec and what it leans on. */
const TAGS = [
  "Organizations",
  "Organization Memberships",
  "Organization Invitations",
  "Organization Domains",
  "Organization Roles",
  "Organization Permissions",
  "Users",
  "Sessions",
  "JWKS",
  "Sign-in Tokens",
  "Enterprise Connections",
  "Instance Settings",
];

/** Why an operation of those tags is not served (every unserved one must have a reason). */
const UNSERVED: Record<string, string> = {
  "POST /sessions/{session_id}/refresh":
    "refreshing needs a client cookie and a browser session; ours are server-issued",
  "POST /sessions/{session_id}/tokens/{template_name}": "no JWT templates; the session token carries the claims",
  "POST /users/{user_id}/ban": "no end-user sign-in to ban from; remove the user's memberships instead",
  "POST /users/{user_id}/unban": "no bans (see ban)",
  "POST /users/ban": "no bans (see ban)",
  "POST /users/unban": "no bans (see ban)",
  "POST /users/{user_id}/lock": "no passwords or sign-in attempts to lock",
  "POST /users/{user_id}/unlock": "no lockout (see lock)",
  "POST /users/{user_id}/profile_image": "no file storage; image_url is always empty",
  "DELETE /users/{user_id}/profile_image": "no file storage (see profile_image)",
  "GET /users/{user_id}/billing/subscription": "no billing",
  "GET /users/{user_id}/billing/credits": "no billing",
  "POST /users/{user_id}/billing/credits": "no billing",
  "GET /users/{user_id}/oauth_access_tokens/{provider}": "no social connections",
  "POST /users/{user_id}/remove_password": "no passwords",
  "POST /users/{user_id}/verify_password": "no passwords",
  "POST /users/{user_id}/verify_totp": "no multi-factor authentication",
  "DELETE /users/{user_id}/mfa": "no multi-factor authentication",
  "DELETE /users/{user_id}/backup_code": "no multi-factor authentication",
  "DELETE /users/{user_id}/passkeys/{passkey_identification_id}": "no passkeys",
  "GET /users/{user_id}/trusted_devices": "no devices",
  "DELETE /users/{user_id}/trusted_devices/{trusted_device_id}": "no devices",
  "DELETE /users/{user_id}/web3_wallets/{web3_wallet_identification_id}": "no web3 wallets",
  "DELETE /users/{user_id}/totp": "no multi-factor authentication",
  "DELETE /users/{user_id}/external_accounts/{external_account_id}": "no social connections",
  "POST /users/{user_id}/password/set_compromised": "no passwords",
  "POST /users/{user_id}/password/unset_compromised": "no passwords",
  "GET /instance": "instance settings are ours (clerk settings, /v1/instance/role_defaults)",
  "PATCH /instance": "instance settings are ours (see GET /instance)",
  "PATCH /instance/restrictions": "no sign-up restrictions",
  "GET /instance/protect": "no bot protection",
  "PATCH /instance/protect": "no bot protection",
  "GET /instance/communication": "no SMS or e-mail sending on sign-up",
  "PATCH /instance/communication": "no SMS or e-mail sending on sign-up",
  "GET /instance/oauth_application_settings": "no OAuth applications",
  "PATCH /instance/oauth_application_settings": "no OAuth applications",
  "PATCH /instance/organization_settings": "settings change through /v1/instance/role_defaults and clerk settings",
  "PUT /organizations/{organization_id}/logo": "no file storage; image_url stays empty",
  "DELETE /organizations/{organization_id}/logo": "no file storage (see PUT logo)",
  "GET /organizations/{organization_id}/billing/subscription": "no billing",
  "GET /organizations/{organization_id}/billing/credits": "no billing",
  "POST /organizations/{organization_id}/billing/credits": "no billing",
  "GET /enterprise_connections/{enterprise_connection_id}/test_runs": "no recorded test runs; clerk sso test",
  "POST /enterprise_connections/{enterprise_connection_id}/test_runs": "no recorded test runs; clerk sso test",
};

/** Converts an OpenAPI 3.0 schema to JSON Schema: `nullable` becomes a null type, refs point into the spec document. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "nullable" || key === "discriminator" || key === "example" || key === "examples") continue;
    out[key] = key === "$ref" && typeof value === "string" ? `spec${value}` : toJsonSchema(value);
  }
  if ((node as Json).nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default import is the plugin function itself.
(formatsPlugin as unknown as (a: Ajv) => Ajv)(ajv);
ajv.addSchema({ $id: "spec", components: toJsonSchema(SPEC.components) });

/** The JSON schema of one declared response (following `#/components/responses/...`), or null for no body. */
function responseSchema(response: Json): Json | null {
  let r = response;
  while (typeof r.$ref === "string") {
    const name = r.$ref.split("/").pop() as string;
    r = (SPEC.components.responses as Record<string, Json>)[name] as Json;
  }
  const content = r.content as Record<string, { schema?: Json }> | undefined;
  return content?.["application/json"]?.schema ?? null;
}

const validators = new Map<string, ValidateFunction | null>();
function validatorFor(key: string, status: string, response: Json): ValidateFunction | null {
  const id = `${key} ${status}`;
  if (!validators.has(id)) {
    const schema = responseSchema(response);
    validators.set(id, schema ? ajv.compile(toJsonSchema(schema) as Json) : null);
  }
  return validators.get(id) ?? null;
}

/** Every spec operation, by `METHOD /path` (path as in the spec, under /v1). */
const SPEC_OPS = new Map<string, SpecOperation & { method: string; path: string }>();
for (const [path, item] of Object.entries(SPEC.paths))
  for (const method of METHODS) {
    const op = item[method];
    if (op) SPEC_OPS.set(`${method.toUpperCase()} ${path}`, { ...op, method: method.toUpperCase(), path });
  }

const shape = (key: string) => key.replace(/\{[^}]+\}/g, "{}");
/** What we serve, as spec-shaped keys. */
const SERVED = new Set<string>();
for (const table of Object.values(OPERATIONS))
  for (const op of Object.values(table))
    SERVED.add(shape(`${op.spec.method} ${op.spec.url.replace(/:(\w+)/g, "{$1}")}`));

const tagOf = (key: string) => SPEC_OPS.get(key)?.tags?.[0] ?? "?";

interface Row {
  served: number;
  validated: Set<string>;
  violations: number;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: Clerk Backend API conformance`, () => {
    let t: TestStore;
    let api: TestApi;
    const violations: string[] = [];
    const validated = new Set<string>();
    const calls: string[] = [];

    beforeAll(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t, { rateLimitPerMinute: 100_000 });
    });
    afterAll(async () => {
      await api.app.close();
      await t.close();
    });

    /**
     * Calls `key` (a spec operation) with these path values and checks the answer: its status is `expected`, is
     * declared for the operation, and its body validates against the declared schema. Returns the body.
     */
    async function call(
      key: string,
      values: Record<string, string>,
      expected: number,
      options: { body?: unknown; query?: string } = {},
    ): Promise<Json> {
      const op = SPEC_OPS.get(key);
      if (!op) throw new Error(`not in the spec: ${key}`);
      const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`${key}: no value for ${name}`);
        return encodeURIComponent(value);
      });
      const before = expected === 422 ? await snapshot(t.store) : undefined;
      const response = await fetch(`${api.url}/v1${path}${options.query ? `?${options.query}` : ""}`, {
        method: op.method,
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      const body = (text ? JSON.parse(text) : null) as Json;
      const label = `${key} → ${response.status}`;
      calls.push(label);
      if (response.status !== expected) {
        violations.push(`${label}: expected ${expected}: ${text.slice(0, 300)}`);
        return body;
      }
      const declared = op.responses[String(response.status)] ?? op.responses.default;
      if (!declared) {
        violations.push(`${label}: status not declared (declared: ${Object.keys(op.responses).join(", ")})`);
        return body;
      }
      const validate = validatorFor(key, String(response.status), declared);
      if (validate && !validate(body)) {
        const errors = (validate.errors ?? [])
          .slice(0, 4)
          .map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
        violations.push(`${label}: ${errors.join("; ")}`);
        return body;
      }
      // Bad input is Clerk's form_param_* error naming the parameter.
      const first = (body.errors as { code?: string; meta?: { param_name?: string } }[] | undefined)?.[0];
      if (response.status === 422 && (!first?.code?.startsWith("form_param_") || !first.meta?.param_name)) {
        violations.push(`${label}: not a form_param_* error with meta.param_name: ${text.slice(0, 300)}`);
        return body;
      }
      if (before && JSON.stringify(await snapshot(t.store)) !== JSON.stringify(before)) {
        violations.push(`${label}: refused, yet the store changed`);
        return body;
      }
      validated.add(key);
      return body;
    }

    const UNKNOWN = "xyz_0000000000000000000000000";

    it("answers every served operation as the spec says, and every unserved one with 404", async () => {
      const users: Json[] = [];
      for (const email of ["alice@acme.com", "bob@acme.com", "carol@acme.com"])
        users.push(
          await call("POST /users", {}, 200, { body: { email_address: [email], first_name: email.split("@")[0] } }),
        );
      const [alice, bob, carol] = users.map((u) => String(u.id)) as [string, string, string];
      await call("POST /users", {}, 422, { body: { email_address: ["not-an-email"] } });
      await call("POST /users", {}, 422, { body: { email_address: ["x@acme.com"], nickname: "x" } });
      await call("GET /users", {}, 200, { query: "limit=2" });
      await call("GET /users/count", {}, 200);
      await call("GET /users/{user_id}", { user_id: alice }, 200);
      await call("GET /users/{user_id}", { user_id: "user_" + UNKNOWN }, 404);
      await call("PATCH /users/{user_id}", { user_id: carol }, 200, { body: { first_name: "Caroline" } });
      await call("PATCH /users/{user_id}", { user_id: "user_" + UNKNOWN }, 404, { body: { first_name: "X" } });
      await call("PATCH /users/{user_id}", { user_id: carol }, 422, { body: { first_name: 7 } });
      await call("PATCH /users/{user_id}/metadata", { user_id: carol }, 200, {
        body: { public_metadata: { team: { name: "web" } }, private_metadata: { employee: 7 } },
      });
      await call("PATCH /users/{user_id}/metadata", { user_id: "user_" + UNKNOWN }, 404, { body: {} });
      await call("PATCH /users/{user_id}/metadata", { user_id: carol }, 422, { body: { public_metadata: "web" } });
      await call("PUT /users/{user_id}/metadata", { user_id: carol }, 200, { body: { unsafe_metadata: { x: 1 } } });
      await call("PUT /users/{user_id}/metadata", { user_id: "user_" + UNKNOWN }, 404, { body: {} });
      await call("PUT /users/{user_id}/metadata", { user_id: carol }, 422, { body: { private_metadata: [] } });

      const org = await call("POST /organizations", {}, 200, {
        body: { name: "Engineering Team", created_by: alice, public_metadata: { tier: "gold" } },
      });
      const orgId = String(org.id);
      await call("POST /organizations", {}, 422, { body: { slug: "no-name" } });
      await call("GET /organizations", {}, 200, { query: "include_members_count=true" });
      await call("GET /organizations/{organization_id}", { organization_id: orgId }, 200);
      await call("GET /organizations/{organization_id}", { organization_id: "org_" + UNKNOWN }, 404);
      await call("PATCH /organizations/{organization_id}", { organization_id: orgId }, 200, {
        body: { name: "Engineering", max_allowed_memberships: 25 },
      });
      await call("PATCH /organizations/{organization_id}", { organization_id: orgId }, 422, {
        body: { max_allowed_memberships: "many" },
      });
      await call("PATCH /organizations/{organization_id}", { organization_id: "org_" + UNKNOWN }, 404, {
        body: { name: "X" },
      });
      for (const method of ["PATCH", "PUT"]) {
        const key = `${method} /organizations/{organization_id}/metadata`;
        await call(key, { organization_id: orgId }, 200, { body: { public_metadata: { region: "eu" } } });
        await call(key, { organization_id: "org_" + UNKNOWN }, 404, { body: { public_metadata: {} } });
        await call(key, { organization_id: orgId }, 422, { body: { public_metadata: "eu" } });
      }

      // Permissions and roles.
      const perm = await call("POST /organization_permissions", {}, 200, {
        body: { name: "Read code", key: "org:code:read", description: "Read the code" },
      });
      const permId = String(perm.id);
      await call("POST /organization_permissions", {}, 422, { body: { name: "No key" } });
      await call("GET /organization_permissions", {}, 200);
      await call("GET /organization_permissions/{permission_id}", { permission_id: permId }, 200);
      await call("GET /organization_permissions/{permission_id}", { permission_id: "perm_" + UNKNOWN }, 404);
      await call("PATCH /organization_permissions/{permission_id}", { permission_id: permId }, 200, {
        body: { description: "Read every repository" },
      });
      await call("PATCH /organization_permissions/{permission_id}", { permission_id: "perm_" + UNKNOWN }, 404, {
        body: { description: "x" },
      });
      await call("PATCH /organization_permissions/{permission_id}", { permission_id: permId }, 422, {
        body: { name: 5 },
      });
      const role = await call("POST /organization_roles", {}, 200, {
        body: { name: "Developer", key: "org:developer", description: "Writes code", permissions: ["org:code:read"] },
      });
      const roleId = String(role.id);
      await call("POST /organization_roles", {}, 422, { body: { key: "org:nameless" } });
      await call("GET /organization_roles", {}, 200);
      await call("GET /organization_roles/{organization_role_id}", { organization_role_id: roleId }, 200);
      await call("GET /organization_roles/{organization_role_id}", { organization_role_id: "role_" + UNKNOWN }, 404);
      await call("PATCH /organization_roles/{organization_role_id}", { organization_role_id: roleId }, 200, {
        body: { description: "Writes and reviews code" },
      });
      await call("PATCH /organization_roles/{organization_role_id}", { organization_role_id: roleId }, 422, {
        body: { permissions: "org:code:read" },
      });
      await call("PATCH /organization_roles/{organization_role_id}", { organization_role_id: "role_" + UNKNOWN }, 404, {
        body: { description: "x" },
      });
      const perm2 = await call("POST /organization_permissions", {}, 200, {
        body: { name: "Write code", key: "org:code:write" },
      });
      const rolePerm = "POST /organization_roles/{organization_role_id}/permissions/{permission_id}";
      const ids = { organization_role_id: roleId, permission_id: String(perm2.id) };
      await call(rolePerm, ids, 200);
      await call(rolePerm, { ...ids, permission_id: "perm_" + UNKNOWN }, 404);
      await call(rolePerm, { ...ids, organization_role_id: "role_" + UNKNOWN }, 404);
      await call("DELETE /organization_roles/{organization_role_id}/permissions/{permission_id}", ids, 200);
      await call(
        "DELETE /organization_roles/{organization_role_id}/permissions/{permission_id}",
        { ...ids, permission_id: "perm_" + UNKNOWN },
        404,
      );

      // Memberships.
      const members = "POST /organizations/{organization_id}/memberships";
      await call(members, { organization_id: orgId }, 200, {
        body: { user_id: bob, role: "org:developer", public_metadata: { team: "web" }, private_metadata: { n: 1 } },
      });
      await call(members, { organization_id: orgId }, 200, { body: { user_id: carol, role: "org:member" } });
      await call(members, { organization_id: orgId }, 422, { body: { role: "org:member" } });
      await call(members, { organization_id: "org_" + UNKNOWN }, 404, { body: { user_id: bob, role: "org:member" } });
      await call("GET /organizations/{organization_id}/memberships", { organization_id: orgId }, 200);
      await call("GET /organization_memberships", {}, 200);
      await call("GET /users/{user_id}/organization_memberships", { user_id: bob }, 200);
      await call("GET /users/{user_id}/organization_memberships", { user_id: "user_" + UNKNOWN }, 200);
      const member = { organization_id: orgId, user_id: bob };
      await call("PATCH /organizations/{organization_id}/memberships/{user_id}", member, 200, {
        body: { role: "org:admin" },
      });
      await call("PATCH /organizations/{organization_id}/memberships/{user_id}", member, 422, { body: {} });
      await call(
        "PATCH /organizations/{organization_id}/memberships/{user_id}",
        { ...member, user_id: "user_" + UNKNOWN },
        404,
        { body: { role: "org:admin" } },
      );
      const memberMetadata = "PATCH /organizations/{organization_id}/memberships/{user_id}/metadata";
      await call(memberMetadata, member, 200, { body: { public_metadata: { team: "platform" } } });
      await call(memberMetadata, { ...member, user_id: "user_" + UNKNOWN }, 404, { body: { public_metadata: {} } });
      await call(memberMetadata, member, 422, { body: { public_metadata: [1] } });

      // Invitations.
      const invite = "POST /organizations/{organization_id}/invitations";
      const inv = await call(invite, { organization_id: orgId }, 200, {
        body: { email_address: "dave@acme.com", role: "org:member", inviter_user_id: alice },
      });
      await call(invite, { organization_id: orgId }, 422, { body: { role: "org:member" } });
      await call(invite, { organization_id: "org_" + UNKNOWN }, 404, {
        body: { email_address: "x@acme.com", role: "org:member" },
      });
      await call("POST /organizations/{organization_id}/invitations/bulk", { organization_id: orgId }, 200, {
        body: [
          { email_address: "erin@acme.com", role: "org:member" },
          { email_address: "frank@acme.com", role: "org:member" },
        ],
      });
      await call("POST /organizations/{organization_id}/invitations/bulk", { organization_id: orgId }, 422, {
        body: [{ role: "org:member" }],
      });
      await call("GET /organizations/{organization_id}/invitations", { organization_id: orgId }, 200);
      await call("GET /organizations/{organization_id}/invitations/pending", { organization_id: orgId }, 200);
      await call("GET /organization_invitations", {}, 200);
      const dave = await call("POST /users", {}, 200, { body: { email_address: ["dave@acme.com"] } });
      const daves = await call("GET /users/{user_id}/organization_invitations", { user_id: String(dave.id) }, 200);
      expect(daves.total_count).toBe(1);
      await call("GET /users/{user_id}/organization_invitations", { user_id: "user_" + UNKNOWN }, 404);
      const invIds = { organization_id: orgId, invitation_id: String(inv.id) };
      await call("GET /organizations/{organization_id}/invitations/{invitation_id}", invIds, 200);
      await call(
        "GET /organizations/{organization_id}/invitations/{invitation_id}",
        { ...invIds, invitation_id: "orginv_" + UNKNOWN },
        404,
      );
      const revoke = "POST /organizations/{organization_id}/invitations/{invitation_id}/revoke";
      await call(revoke, invIds, 200, { body: { requesting_user_id: alice } });
      await call(revoke, { ...invIds, invitation_id: "orginv_" + UNKNOWN }, 404, { body: {} });

      // Domains.
      const dom = await call("POST /organizations/{organization_id}/domains", { organization_id: orgId }, 200, {
        body: { name: "acme.com", enrollment_mode: "automatic_invitation" },
      });
      await call("POST /organizations/{organization_id}/domains", { organization_id: orgId }, 422, {
        body: { name: "acme.com", enrollment_mode: "sometimes" },
      });
      await call("GET /organizations/{organization_id}/domains", { organization_id: orgId }, 200);
      await call("GET /organization_domains", {}, 200);
      const domIds = { organization_id: orgId, domain_id: String(dom.id) };
      await call("PATCH /organizations/{organization_id}/domains/{domain_id}", domIds, 200, {
        body: { enrollment_mode: "automatic_suggestion" },
      });
      await call(
        "PATCH /organizations/{organization_id}/domains/{domain_id}",
        { ...domIds, domain_id: "orgdmn_" + UNKNOWN },
        404,
        { body: { enrollment_mode: "manual_invitation" } },
      );
      await call("PATCH /organizations/{organization_id}/domains/{domain_id}", domIds, 422, {
        body: { enrollment_mode: 3 },
      });
      await call("POST /organizations/{organization_id}/domains/{domain_id}/verify_ownership", domIds, 200);
      await call(
        "POST /organizations/{organization_id}/domains/{domain_id}/verify_ownership",
        { ...domIds, domain_id: "orgdmn_" + UNKNOWN },
        404,
      );
      await call("DELETE /organizations/{organization_id}/domains/{domain_id}", domIds, 200);
      await call("DELETE /organizations/{organization_id}/domains/{domain_id}", domIds, 404);

      // Sessions, tokens, JWKS.
      const session = await call("POST /sessions", {}, 200, { body: { user_id: bob, active_organization_id: orgId } });
      await call("POST /sessions", {}, 422, { body: {} });
      await call("POST /sessions", {}, 404, { body: { user_id: "user_" + UNKNOWN } });
      const sid = { session_id: String(session.id) };
      await call("GET /sessions", {}, 200, { query: `user_id=${bob}` });
      await call("GET /sessions/{session_id}", sid, 200);
      await call("GET /sessions/{session_id}", { session_id: "sess_" + UNKNOWN }, 404);
      await call("POST /sessions/{session_id}/tokens", sid, 200, { body: { expires_in_seconds: 60 } });
      await call("POST /sessions/{session_id}/tokens", { session_id: "sess_" + UNKNOWN }, 404, { body: {} });
      await call("POST /sessions/{session_id}/revoke", sid, 200);
      await call("POST /sessions/{session_id}/revoke", { session_id: "sess_" + UNKNOWN }, 404);
      await call("GET /jwks", {}, 200);
      await call("GET /instance/organization_settings", {}, 200);

      // Sign-in tokens (a one-time sign-in link for a user).
      const sit = await call("POST /sign_in_tokens", {}, 200, { body: { user_id: alice, expires_in_seconds: 600 } });
      await call("POST /sign_in_tokens", {}, 422, { body: { expires_in_seconds: 600 } });
      await call("POST /sign_in_tokens", {}, 404, { body: { user_id: "user_" + UNKNOWN } });
      const sitId = { sign_in_token_id: String(sit.id) };
      await call("POST /sign_in_tokens/{sign_in_token_id}/revoke", sitId, 200);
      await call("POST /sign_in_tokens/{sign_in_token_id}/revoke", { sign_in_token_id: "sit_" + UNKNOWN }, 404);

      // Enterprise connections.
      const conn = await call("POST /enterprise_connections", {}, 201, {
        body: {
          name: "Acme SSO",
          provider: "oidc_custom",
          domains: ["sso.acme.com"],
          organization_id: orgId,
          oidc: {
            discovery_url: "https://idp.acme.com/.well-known/openid-configuration",
            client_id: "clerk",
            client_secret: "s3cret",
          },
        },
      });
      await call("POST /enterprise_connections", {}, 422, { body: { name: "No provider" } });
      await call("GET /enterprise_connections", {}, 200);
      const cid = { enterprise_connection_id: String(conn.id) };
      await call("GET /enterprise_connections/{enterprise_connection_id}", cid, 200);
      await call("GET /enterprise_connections/{enterprise_connection_id}", { enterprise_connection_id: UNKNOWN }, 404);
      await call("PATCH /enterprise_connections/{enterprise_connection_id}", cid, 200, { body: { name: "Acme" } });
      await call("PATCH /enterprise_connections/{enterprise_connection_id}", cid, 422, { body: { active: "yes" } });
      await call("DELETE /enterprise_connections/{enterprise_connection_id}", cid, 200);
      await call("DELETE /enterprise_connections/{enterprise_connection_id}", cid, 404);

      // Deletes last: membership, role, permission, organization, user.
      await call("DELETE /organizations/{organization_id}/memberships/{user_id}", { ...member, user_id: carol }, 200);
      await call("DELETE /organizations/{organization_id}/memberships/{user_id}", { ...member, user_id: carol }, 404);
      const spare = await call("POST /organization_roles", {}, 200, { body: { name: "Spare", key: "org:spare" } });
      await call("DELETE /organization_roles/{organization_role_id}", { organization_role_id: String(spare.id) }, 200);
      await call("DELETE /organization_roles/{organization_role_id}", { organization_role_id: String(spare.id) }, 404);
      await call("DELETE /organization_permissions/{permission_id}", { permission_id: String(perm2.id) }, 200);
      await call("DELETE /organization_permissions/{permission_id}", { permission_id: String(perm2.id) }, 404);
      await call("DELETE /users/{user_id}", { user_id: carol }, 200);
      await call("DELETE /users/{user_id}", { user_id: carol }, 404);
      await call("DELETE /organizations/{organization_id}", { organization_id: orgId }, 200);
      await call("DELETE /organizations/{organization_id}", { organization_id: orgId }, 404);

      // Spec operations we do not serve answer 404 resource_not_found, in Clerk's envelope.
      const unserved: string[] = [];
      for (const [key, op] of SPEC_OPS) {
        if (!TAGS.includes(tagOf(key)) || SERVED.has(shape(key))) continue;
        unserved.push(key);
        if (!UNSERVED[key]) violations.push(`${key}: not served and no reason given`);
        const path = op.path.replace(/\{\w+\}/g, "x_1");
        const response = await fetch(`${api.url}/v1${path}`, {
          method: op.method,
          headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
          ...(op.method === "GET" || op.method === "DELETE" ? {} : { body: "{}" }),
        });
        const body = (await response.json()) as { errors?: { code?: string }[] };
        if (response.status !== 404 || body.errors?.[0]?.code !== "resource_not_found")
          violations.push(`${key} (unserved) → ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      }

      // Every served spec operation of these tags was driven and validated.
      for (const key of SPEC_OPS.keys())
        if (TAGS.includes(tagOf(key)) && SERVED.has(shape(key)) && !validated.has(key))
          violations.push(`${key}: served but never validated`);

      const rows = new Map<string, Row>();
      for (const tag of TAGS) rows.set(tag, { served: 0, validated: new Set(), violations: 0 });
      for (const key of SPEC_OPS.keys()) {
        const row = rows.get(tagOf(key));
        if (!row) continue;
        if (SERVED.has(shape(key))) row.served++;
        if (validated.has(key)) row.validated.add(key);
      }
      for (const v of violations) {
        const row = rows.get(tagOf(v.split(/ →| \(|:/)[0] ?? ""));
        if (row) row.violations++;
      }
      const table = [...rows].map(([tag, row]) => ({
        tag,
        "in spec": [...SPEC_OPS.keys()].filter((k) => tagOf(k) === tag).length,
        served: row.served,
        validated: row.validated.size,
        violations: row.violations,
      }));
      console.log(`${dialect}: ${calls.length} calls`);
      console.table(table);
      console.log(`unserved (404 resource_not_found):\n${unserved.map((k) => `  ${k}: ${UNSERVED[k]}`).join("\n")}`);
      expect(violations).toEqual([]);
    });
  });
}
