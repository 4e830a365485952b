// clerk's own /v1 endpoints (scoped roles, grants, who_can, effective permissions) and the OpenAPI document.
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey } from "../src/features/keys/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { buildApp } from "../src/http/app.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: clerk's own API`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let url: string;
    let secret: string;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${secret}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & { data: Record<string, unknown>[] },
      };
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      app = await buildApp({ store: t.store, clock: t.clock, runtime: { caches: new Map() } });
      url = await app.listen({ port: 0, host: "127.0.0.1" });
      secret = (await createKey(t.ctx, {})).secret;
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    it("builds nested organizations, inheriting roles, scoped and expiring grants, and answers checks over them", async () => {
      const parent = (await call("POST", "/organizations", { name: "ACME Engineering" })).body;
      const child = (await call("POST", "/organizations", { name: "Frontend Guild", parent_id: parent.id })).body;
      expect(child.parent_id).toBe(parent.id);
      expect((await call("GET", `/organizations/${parent.id}/children`)).body.data.map((c) => c.slug)).toEqual([
        "frontend-guild",
      ]);
      const dev = await call("POST", `/organizations/${parent.id}/roles`, {
        name: "Developer",
        permissions: ["read:code"],
      });
      expect(dev.status).toBe(200);
      const reviewer = await call("POST", `/organizations/${child.id}/roles`, {
        name: "Code Reviewer",
        extends: ["Developer"],
        permissions: ["approve:pull-requests"],
      });
      expect(reviewer.body).toMatchObject({
        key: "org:code_reviewer",
        extends: ["org:developer"],
        organization_id: child.id,
      });
      const grant = await call("PUT", `/organizations/${parent.id}/roles/Developer/grants/read:code`, {
        scopes: ["repository:*-app"],
        expires_at: "2026-06-30",
      });
      expect(grant.body).toMatchObject({
        object: "grant",
        permission: "org:code:read",
        scopes: ["repository:*-app"],
        expires_at: Date.parse("2026-07-01T00:00:00Z"),
      });
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      await call("POST", `/organizations/${child.id}/memberships`, { user_id: alice.id, role: "org:code_reviewer" });
      const ask = (resource: string, at?: number) =>
        call("POST", "/check", {
          organization_id: child.id,
          user_id: alice.id,
          permission: "read:code",
          resource,
          at,
          explain: true,
        });
      expect((await ask("repository:web-app")).body).toMatchObject({ allowed: true });
      expect((await ask("repository:secrets")).body).toMatchObject({ allowed: false });
      expect((await ask("repository:web-app", Date.parse("2026-07-01T00:00:00Z"))).body).toMatchObject({
        allowed: false,
      });
      const who = await call("GET", `/organizations/${child.id}/who_can?permission=approve:pull-requests`);
      expect(who.body.data.map((w) => w.identifier)).toEqual(["alice@acme.com"]);
      const effective = await call("GET", `/organizations/${child.id}/memberships/${alice.id}/permissions`);
      expect(effective.body.data.map((p) => p.permission)).toEqual(["org:code:read", "org:pull_requests:approve"]);
      const direct = await call("POST", `/organizations/${child.id}/memberships/${alice.id}/grants`, {
        permission: "write:deployments",
        scopes: ["environment:staging"],
      });
      expect(direct.body).toMatchObject({ permission: "org:deployments:write", scopes: ["environment:staging"] });
      expect((await call("GET", `/organizations/${child.id}/memberships/${alice.id}/grants`)).body.total_count).toBe(1);
      expect(
        (await call("DELETE", `/organizations/${child.id}/memberships/${alice.id}/grants/write:deployments`)).body,
      ).toMatchObject({ deleted: true });
      // A parent organization cannot use its child's roles.
      const notUsable = await call("PATCH", `/organizations/${parent.id}/roles/Developer`, {
        extends: ["Code Reviewer"],
      });
      expect(notUsable.status).toBe(404);
    });

    it("shows what a role can do: its own grants and each inherited one with the role it comes from (issue 15 item 10)", async () => {
      const org = (await call("POST", "/organizations", { name: "Eng" })).body;
      await call("POST", "/roles", { name: "Auditor", permissions: "read:audit" });
      await call("POST", `/organizations/${org.id}/roles`, {
        name: "Developer",
        extends: "Auditor",
        permissions: ["read:code"],
      });
      await call("PUT", `/organizations/${org.id}/roles/Developer/grants/read:code`, { scopes: "repository:*-app" });
      await call("POST", `/organizations/${org.id}/roles`, {
        name: "Code Reviewer",
        extends: ["Developer", "Auditor"],
        permissions: ["approve:pull-requests"],
      });
      const reviewer = await call("GET", `/organizations/${org.id}/roles/Code Reviewer`);
      expect(reviewer.status).toBe(200);
      expect(reviewer.body.grants).toHaveLength(1);
      expect(reviewer.body.effective_grants).toEqual([
        {
          permission: "org:pull_requests:approve",
          scopes: [],
          expires_at: null,
          from_role: "org:code_reviewer",
          from_role_name: "Code Reviewer",
          inherited: false,
        },
        {
          permission: "org:code:read",
          scopes: ["repository:*-app"],
          expires_at: null,
          from_role: "org:developer",
          from_role_name: "Developer",
          inherited: true,
        },
        {
          permission: "org:audit:read",
          scopes: [],
          expires_at: null,
          from_role: "org:auditor",
          from_role_name: "Auditor",
          inherited: true,
        },
      ]);
    });

    it("refuses an inheritance cycle with 422 naming it", async () => {
      const org = (await call("POST", "/organizations", { name: "Eng" })).body;
      await call("POST", `/organizations/${org.id}/roles`, { name: "A" });
      await call("POST", `/organizations/${org.id}/roles`, { name: "B", extends: ["A"] });
      const r = await call("PATCH", `/organizations/${org.id}/roles/A`, { extends: ["B"] });
      expect(r.status).toBe(422);
      expect(JSON.stringify(r.body)).toContain("A → B → A");
    });

    it("names roles anywhere under /roles, says what a re-assignment replaced, and reads and sets the role defaults", async () => {
      const org = (await call("POST", "/organizations", { name: "Eng" })).body;
      const other = (await call("POST", "/organizations", { name: "Ops" })).body;
      expect((await call("POST", "/roles", { name: "Auditor", permissions: "read:audit" })).body).toMatchObject({
        key: "org:auditor",
        organization_id: null,
        extends: [],
      });
      await call("POST", `/organizations/${org.id}/roles`, {
        name: "Developer",
        extends: "Auditor",
        permissions: ["read:code"],
      });
      const dev = await call("GET", "/roles/Developer");
      expect(dev.body).toMatchObject({
        key: "org:developer",
        organization_id: org.id,
        extends: ["org:auditor"],
        extends_names: ["Auditor"],
      });
      const first = await call("PUT", "/roles/Developer/grants/read:code", { scopes: "repository:*-app" });
      expect(first.body).toMatchObject({
        object: "grant",
        permission: "org:code:read",
        scopes: ["repository:*-app"],
        role: "org:developer",
        role_name: "Developer",
        previous: { permission: "org:code:read", scopes: [] },
      });
      const second = await call("PUT", `/organizations/${org.id}/roles/Developer/grants/read:code`, {
        scopes: ["repository:web-app"],
      });
      expect(second.body).toMatchObject({ scopes: ["repository:web-app"], previous: { scopes: ["repository:*-app"] } });
      // Once two organizations have a role so named, only --organization (the scoped path) can tell them apart.
      await call("POST", `/organizations/${other.id}/roles`, { name: "Developer" });
      const ambiguous = await call("GET", "/roles/Developer");
      expect(ambiguous.status).toBe(422);
      expect(JSON.stringify(ambiguous.body)).toContain("Several organizations have a role");
      const all = await call("GET", "/roles?limit=2&offset=1");
      expect(all.body.total_count).toBe(6);
      expect(all.body.data).toHaveLength(2);
      const listed = (await call("GET", `/organizations/${org.id}/roles`)).body.data.find(
        (r) => r.key === "org:developer",
      );
      expect(listed).toMatchObject({ organization_slug: "eng", members_count: 0 });
      expect((await call("DELETE", `/organizations/${other.id}/roles/Developer`)).body).toEqual({
        object: "role",
        id: expect.any(String),
        key: "org:developer",
        name: "Developer",
        deleted: true,
      });
      expect((await call("GET", "/instance/role_defaults")).body).toMatchObject({
        object: "role_defaults",
        creator_role: "org:admin",
        default_role: "org:member",
        default_role_name: "Member",
      });
      expect((await call("PATCH", "/instance/role_defaults", { default_role: "Auditor" })).body).toMatchObject({
        creator_role: "org:admin",
        default_role: "org:auditor",
        default_role_name: "Auditor",
      });
      expect((await call("GET", "/instance/organization_settings")).body).toMatchObject({
        creator_role: "org:admin",
        domains_default_role: "org:auditor",
      });
    });

    it("deletes a granted permission only when forced (Clerk's default), and says which", async () => {
      const perm = (await call("POST", "/organization_permissions", { key: "deploy:production" })).body;
      expect(perm).toMatchObject({ key: "org:production:deploy", name: "Deploy production", type: "custom" });
      await call("POST", "/roles", { name: "Deployer", permissions: ["deploy:production"] });
      const refused = await call("DELETE", "/organization_permissions/deploy:production?force=false");
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain("still granted to role Deployer");
      expect((await call("GET", "/roles/Deployer")).body.grants).toHaveLength(1);
      expect((await call("DELETE", `/organization_permissions/${perm.id}`)).body).toEqual({
        object: "permission",
        id: perm.id,
        deleted: true,
      });
      expect((await call("GET", "/roles/Deployer")).body.grants).toEqual([]);
    });

    it("publishes an OpenAPI 3.1 document built from the routes' schemas, and a docs page", async () => {
      const doc = (await (await fetch(`${url}/v1/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<
          string,
          Record<
            string,
            {
              requestBody?: {
                content: Record<
                  string,
                  { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }
                >;
              };
            }
          >
        >;
      };
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          "/v1/organizations",
          "/v1/organizations/{organization_id}/memberships",
          "/v1/check",
          "/v1/organization_roles",
        ]),
      );
      const create = doc.paths["/v1/organizations"]?.post?.requestBody?.content["application/json"]?.schema;
      expect(Object.keys(create?.properties ?? {})).toEqual(
        expect.arrayContaining(["name", "slug", "created_by", "parent_id"]),
      );
      expect(create?.additionalProperties).toBe(false);
      const page = await fetch(`${url}/docs`);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain("/v1/organizations/:organization_id/who_can");
    });
  });
}
