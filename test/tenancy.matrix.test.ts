// The cross-tenant matrix (issue 24): every operation in the served /v1/openapi.json, called by every kind of
// credential of organization A with organization B's ids, must neither return B's data nor change B's rows.
// The cases are generated from the document, so a route added tomorrow is covered the day it is served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePermission } from "../src/features/permissions/index.js";
import { createScimToken, mapGroup } from "../src/features/scim/index.js";
import { createSession, issueToken } from "../src/features/sessions/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";
import { type TenantA, type TenantB, buildTenants } from "./helpers/tenants.js";

/** The part of the OpenAPI document the matrix reads. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minItems?: number;
}
interface Operation {
  parameters?: { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** One credential of A: how it authenticates. */
interface Credential {
  name: string;
  headers: Record<string, string>;
}

/** B's id for a path parameter, chosen by the parameter's name (and, for a bare `id`, the segment before it). */
/** B's SCIM things: a token, a provisioned user, a pushed group and the group's mapping. */
interface ScimOfB {
  tokenId: string;
  userId: string;
  groupId: string;
  group: string;
}

function pathValue(b: TenantB & { permissionId: string; scim: ScimOfB }, path: string, name: string): string {
  const byName: Record<string, string> = {
    organization_id: b.orgId,
    user_id: b.userId,
    invitation_id: b.invitationId,
    domain_id: b.domainId,
    organization_role_id: b.roleId,
    permission_id: b.permissionId,
    role: b.roleId,
    permission: b.permissionKey,
    session_id: b.sessionId,
    key_id: b.keyId,
    workflow_id: b.workflowId,
    stage: b.stage,
    name: b.fileSet,
    enterprise_connection_id: b.connectionId,
    // Webhook endpoints are the instance's, not a tenant's: B has none; an id of the right shape stays a 403/404.
    endpoint_id: "whep_000000000000000000000000000",
    sign_in_token_id: b.signInTokenId,
    // SCIM: /scim/v2/{organization}/… and the SCIM management operations.
    organization: b.orgId,
    token_id: b.scim.tokenId,
    group: b.scim.group,
  };
  if (name === "id") {
    const before = path.split("/{id}")[0]?.split("/").pop();
    const byCollection: Record<string, string> = {
      runs: b.runId,
      tasks: b.taskId,
      // B has no notification rule or notification; an id of the right shape still has to stay a plain 404.
      notification_rules: "nrule_0000000000000000000000000000",
      notifications: "ntf_0000000000000000000000000000",
      Users: b.scim.userId,
      Groups: b.scim.groupId,
      // Discovery under B's base URL: the same for every tenant, yet A's SCIM token must not read it there.
      ResourceTypes: "User",
      Schemas: "urn:ietf:params:scim:schemas:core:2.0:User",
    };
    const value = before === undefined ? undefined : byCollection[before];
    if (value === undefined) throw new Error(`The matrix has no B id for {id} under /${before} (${path}); add one.`);
    return value;
  }
  const value = byName[name];
  if (value === undefined)
    throw new Error(`The matrix has no B id for the path parameter {${name}} (${path}); add one.`);
  return value;
}

/** The values a request aims at a tenant with, by body or query field name. */
type Aim = Record<string, string>;

/** Aimed at B: every field that can name one of B's things names it. */
function aimAtB(b: TenantB & { permissionId: string }): Aim {
  return {
    organization_id: b.orgId,
    organization: b.orgId,
    parent_id: b.orgId,
    user_id: b.userId,
    email_address: b.email,
    requester: b.email,
    reviewer: "rex@zeta.test",
    task: b.taskId,
    run: b.runId,
    workflow: b.workflowId,
    workflow_id: b.workflowId,
    role: b.roleKey,
    requires_role: b.roleKey,
    extends: b.roleKey,
    creator_role: b.roleKey,
    default_role: b.roleKey,
    permission: b.permissionKey,
    permissions: b.permissionKey,
    add_permissions: b.permissionKey,
    remove_permissions: b.permissionKey,
    session_id: b.sessionId,
    agent: b.email,
    inviter_user_id: b.userId,
  };
}

/** Aimed at A itself (routes that take no B id): whatever comes back must still hold nothing of B. */
function aimAtA(a: TenantA): Aim {
  return {
    organization_id: a.orgId,
    organization: a.orgId,
    user_id: a.users.member,
    email_address: a.emails.member,
    requester: a.emails.member,
    reviewer: a.emails.admin,
    role: "org:member",
    permission: "org:sys_memberships:read",
    agent: a.emails.member,
  };
}

/** A plausible value of a schema: B's where the field names B's things, else something of the right type. */
function plausible(aim: Aim, schema: JsonSchema, name: string): unknown {
  const aimed = aim[name];
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? schema.anyOf?.[0]?.type);
  if (schema.enum?.length) return schema.enum[0];
  if (type === "array") {
    const item = plausible(aim, schema.items ?? { type: "string" }, name);
    return [item];
  }
  if (aimed !== undefined) return aimed;
  if (type === "object") return bodyOf(aim, schema);
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  return `matrix-${name}`;
}

function bodyOf(aim: Aim, schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (schema.required?.includes(name) || aim[name] !== undefined) out[name] = plausible(aim, property, name);
  }
  return out;
}

/** B's rows: every row of every table that names one of B's ids. */
async function rowsOfB(t: TestStore, b: TenantB & { scim: ScimOfB }): Promise<Record<string, string[]>> {
  const ids = [b.orgId, b.childOrgId, b.userId, b.reviewerId, b.roleId, b.workflowId, b.runId, b.taskId, b.keyId];
  ids.push(b.scim.tokenId, b.scim.userId, b.scim.groupId);
  const all = await snapshot(t.store);
  for (const table of ["api_keys", "sessions"] as const) {
    all[table] = ((await t.store.db.selectFrom(table).selectAll().execute()) as unknown[]).map((r) =>
      JSON.stringify(r),
    );
  }
  const out: Record<string, string[]> = {};
  for (const [table, rows] of Object.entries(all)) {
    out[table] = (rows as string[]).filter((r) => ids.some((id) => r.includes(id))).sort();
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the cross-tenant matrix`, () => {
    let t: TestStore;
    let api: TestApi;
    let a: TenantA;
    let b: TenantB & { permissionId: string; scim: ScimOfB };
    let scimTokenA: string;

    beforeAll(async () => {
      t = await openTestStore(dialect);
      const tenants = await buildTenants(t.ctx);
      a = tenants.a;
      // Limits off: the session-token credential fails authentication on every route, and a limiter answering 429
      // would stand in for the routes the matrix is there to try.
      api = await startApi(t, { rateLimitPerMinute: 1_000_000, authFailuresPerMinute: 1_000_000 });
      // B provisions over SCIM with its own token; A holds a SCIM token of its own.
      const tokenB = await createScimToken(t.ctx, { organization: tenants.b.orgId, name: "B's IdP" });
      scimTokenA = (await createScimToken(t.ctx, { organization: tenants.a.orgId, name: "A's IdP" })).secret;
      const pushB = async (path: string, body: unknown) =>
        (await (
          await fetch(`${api.url}/scim/v2/${tenants.b.orgId}${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${tokenB.secret}`, "content-type": "application/scim+json" },
            body: JSON.stringify(body),
          })
        ).json()) as { id: string };
      const scimUser = await pushB("/Users", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: "scim-b@zeta.test",
        externalId: "b-external-1",
      });
      const group = "B Release Leads";
      await mapGroup(t.ctx, { organization: tenants.b.orgId, group, role: tenants.b.roleKey });
      const scimGroup = await pushB("/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: group,
        members: [{ value: scimUser.id }],
      });
      b = {
        ...tenants.b,
        permissionId: (await resolvePermission(t.ctx, tenants.b.permissionKey)).id,
        scim: { tokenId: tokenB.token.id, userId: scimUser.id, groupId: scimGroup.id, group },
      };
      b.secrets.push(b.permissionId, scimUser.id, scimGroup.id, tokenB.token.id, "scim-b@zeta.test", "b-external-1");
    });
    afterAll(async () => {
      await api.app.close();
      await t.close();
    });

    it("no credential of A reads or changes anything of B through any route", { timeout: 240_000 }, async () => {
      const session = await createSession(t.ctx, { user: a.emails.member });
      const { jwt } = await issueToken(t.ctx, { sessionId: session.id, organization: a.orgId });
      const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
      const credentials: Credential[] = [
        { name: "member's agent key", headers: bearer(a.keys.member) },
        { name: "manager's agent key", headers: bearer(a.keys.manager) },
        { name: "admin's agent key", headers: bearer(a.keys.admin) },
        { name: "member's session token", headers: bearer(jwt) },
        {
          name: "member's dashboard session cookie",
          headers: { cookie: `__session=${jwt}`, "x-clerk-dashboard": "1", origin: "http://127.0.0.1:3000" },
        },
        {
          name: "instance key acting as the member",
          headers: { ...bearer(api.secret), "clerk-act-as": a.emails.member },
        },
      ];
      const doc = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as OpenApi;
      const before = await rowsOfB(t, b);
      const leaks: string[] = [];
      let tried = 0;
      const statuses = new Map<number, number>();
      let routes = 0;
      for (const [template, operations] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(operations)) {
          routes++;
          const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
            encodeURIComponent(pathValue(b, template, name)),
          );
          // Aimed at B; and a route that names no B id in its path is also called aimed at A itself.
          const aims = path === template ? [aimAtB(b), aimAtA(a)] : [aimAtB(b)];
          for (const aim of aims) {
            const query = new URLSearchParams();
            for (const p of op.parameters ?? []) {
              if (p.in !== "query") continue;
              const value = aim[p.name] ?? (p.required ? `matrix-${p.name}` : undefined);
              if (value !== undefined) query.set(p.name, value);
            }
            const schema = op.requestBody?.content["application/json"]?.schema;
            const body = schema ? JSON.stringify(bodyOf(aim, schema)) : undefined;
            const url = `${api.url}${path}${query.size ? `?${query}` : ""}`;
            const sent = `${decodeURIComponent(url)} ${body ?? ""}`;
            // SCIM endpoints take SCIM tokens: A's is tried on them too.
            const kinds = template.startsWith("/scim/")
              ? [...credentials, { name: "A's SCIM token", headers: bearer(scimTokenA) }]
              : credentials;
            for (const credential of kinds) {
              tried++;
              const res = await fetch(url, {
                method: method.toUpperCase(),
                headers: { ...credential.headers, ...(body ? { "content-type": "application/json" } : {}) },
                body,
                redirect: "manual",
              });
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              const text = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${await res.text()}`;
              // What the caller sent and gets echoed back is not a leak; anything else of B is.
              const found = b.secrets.filter((s) => !sent.includes(s) && text.includes(s));
              if (found.length)
                leaks.push(
                  `${method.toUpperCase()} ${template}${aim.organization_id === a.orgId ? " (aimed at A)" : ""} as ${credential.name} → ${res.status}: ${found.join(", ")}`,
                );
            }
          }
        }
      }
      const after = await rowsOfB(t, b);
      const changed = Object.keys(before).filter(
        (table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]),
      );
      console.log(
        `${dialect}: ${routes} routes × ${credentials.length} credentials (routes without a B id twice) = ${tried} requests tried; ` +
          `${leaks.length} leaks; B's rows changed in: ${changed.join(", ") || "none"}`,
      );
      console.log(
        `  answers by status: ${[...statuses]
          .sort(([x], [y]) => x - y)
          .map(([k, n]) => `${k}×${n}`)
          .join(", ")}`,
      );
      for (const leak of leaks) console.log(`  leak: ${leak}`);
      expect(routes).toBeGreaterThan(100);
      // A 429 means a limiter answered instead of the route: the sweep would prove nothing for it.
      expect(statuses.get(429) ?? 0).toBe(0);
      expect(leaks).toEqual([]);
      expect(changed).toEqual([]);
    });
  });
}
