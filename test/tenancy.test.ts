// Tenant isolation (issue 24): a member of one organization neither reads nor steers another, on both stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg } from "../src/features/orgs/index.js";
import { addMember } from "../src/features/members/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";
import { type TenantA, type TenantB, buildTenants } from "./helpers/tenants.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: tenant isolation`, () => {
    let t: TestStore;
    let api: TestApi;
    let a: TenantA;
    let b: TenantB;

    beforeAll(async () => {
      t = await openTestStore(dialect);
      ({ a, b } = await buildTenants(t.ctx));
      api = await startApi(t);
    });
    afterAll(async () => {
      await api.app.close();
      await t.close();
    });

    async function call(key: string, method: string, path: string, body?: unknown) {
      const res = await fetch(`${api.url}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    }
    const noneOfB = (text: string) => expect(b.secrets.filter((s) => text.includes(s))).toEqual([]);

    describe("roles and the permission catalogue of another organization are not readable (finding 1)", () => {
      it("GET /v1/roles lists instance-wide roles and A's, never B's custom roles", async () => {
        const res = await call(a.keys.member, "GET", "/roles?limit=500");
        expect(res.status).toBe(200);
        const keys = (res.json.data as { key: string }[]).map((r) => r.key);
        expect(keys).toEqual(expect.arrayContaining(["org:admin", "org:member", "org:alpha_manager"]));
        noneOfB(res.text);
      });

      it("GET /v1/roles/{B's role} is a 404 for a member of A, by id and by key", async () => {
        for (const ref of [b.roleId, b.roleKey]) {
          const res = await call(a.keys.admin, "GET", `/roles/${encodeURIComponent(ref)}`);
          expect(res.status).toBe(404);
          expect(res.text).not.toContain("Zeta Secret Reviewer");
        }
      });

      it("the catalogue shows system permissions and those used in A, never B's custom keys", async () => {
        const res = await call(a.keys.member, "GET", "/organization_permissions?limit=500");
        expect(res.status).toBe(200);
        const keys = (res.json.data as { key: string }[]).map((p) => p.key);
        expect(keys).toContain("org:sys_memberships:manage");
        noneOfB(res.text);
        const one = await call(a.keys.member, "GET", `/organization_permissions/${b.permissionKey}`);
        expect(one.status).toBe(404);
        noneOfB(one.text.replaceAll(b.permissionKey, ""));
      });

      it("an instance admin still sees every organization's roles and permissions", async () => {
        const roles = await call(api.secret, "GET", "/roles?limit=500");
        expect(roles.text).toContain(b.roleKey);
        const permissions = await call(api.secret, "GET", "/organization_permissions?limit=500");
        expect(permissions.text).toContain(b.permissionKey);
      });
    });

    describe("users are the instance's (finding 2)", () => {
      it("a member may not list, count or search users", async () => {
        for (const path of ["/users?query=zeta.test", "/users/count"]) {
          const res = await call(a.keys.member, "GET", path);
          expect([res.status, (res.json.errors as { meta: { clerk_code: string } }[])[0]?.meta.clerk_code]).toEqual([
            403,
            "auth.instance_admin_required",
          ]);
          noneOfB(res.text);
        }
      });

      it("a member may not read another user, by id or e-mail, and gets no near matches", async () => {
        for (const ref of [b.userId, b.email, "bea@zeta.tes"]) {
          const res = await call(a.keys.member, "GET", `/users/${encodeURIComponent(ref)}`);
          expect(res.status).toBe(404);
          expect(res.text.replaceAll(ref, "")).not.toContain("zeta");
        }
      });

      it("a member reads their own record", async () => {
        const res = await call(a.keys.member, "GET", `/users/${a.users.member}`);
        expect([res.status, res.json.id]).toEqual([200, a.users.member]);
      });

      it("a member may not create users, and nothing is written", async () => {
        const before = await snapshot(t.store);
        const res = await call(a.keys.admin, "POST", "/users", { email_address: ["sock@a.test"] });
        expect(res.status).toBe(403);
        expect(await snapshot(t.store)).toEqual(before);
      });

      it("adding a member by a mistyped e-mail suggests no other tenant's addresses", async () => {
        const res = await call(a.keys.admin, "POST", `/organizations/${a.orgId}/memberships`, {
          user_id: "bea@zeta.tes",
          role: "org:member",
        });
        expect(res.status).toBe(404);
        expect(res.text.replaceAll("bea@zeta.tes", "")).not.toContain("zeta");
      });
    });

    describe("organizations are neither grown nor grafted without the parent's say (finding 3)", () => {
      it("a member holding only org:member may not create a child organization", async () => {
        const before = await snapshot(t.store);
        const res = await call(a.keys.member, "POST", "/organizations", { name: "Mine", parent_id: a.orgId });
        expect([res.status, (res.json.errors as { meta: { clerk_code: string } }[])[0]?.meta.clerk_code]).toEqual([
          403,
          "permission.denied",
        ]);
        expect(await snapshot(t.store)).toEqual(before);
      });

      it("an admin of the parent (org:sys_profile:manage) may create a child", async () => {
        const res = await call(a.keys.admin, "POST", "/organizations", { name: "Alpha Team", parent_id: a.orgId });
        expect(res.status).toBe(200);
        expect(res.json.slug).toBe("alpha-team");
      });

      it("an admin may not move their organization under one where they are a plain member", async () => {
        const gamma = await createOrg(t.ctx, { name: "Gamma", slug: "gamma" });
        await addMember(t.ctx, { organization: gamma.id, email: "ann@a.test", roles: "org:member" });
        const before = await snapshot(t.store);
        const res = await call(a.keys.admin, "PATCH", `/organizations/${a.orgId}`, { parent_id: gamma.id });
        expect(res.status).toBe(403);
        expect(await snapshot(t.store)).toEqual(before);
      });

      it("nor take a child out from under its parent without the parent's org:sys_profile:manage", async () => {
        const sub = await createOrg(t.ctx, { name: "Gamma Sub", slug: "gamma-sub", parent: "gamma" });
        await addMember(t.ctx, { organization: sub.id, email: "mo@a.test", roles: "org:admin" });
        const before = await snapshot(t.store);
        const res = await call(a.keys.member, "PATCH", `/organizations/${sub.id}`, { parent_id: null });
        expect(res.status).toBe(403);
        expect(await snapshot(t.store)).toEqual(before);
      });

      it("with org:sys_profile:manage on both the old and the new parent, the move is allowed", async () => {
        const delta = await createOrg(t.ctx, { name: "Delta", slug: "delta" });
        await addMember(t.ctx, { organization: delta.id, email: "ann@a.test", roles: "org:admin" });
        const team = await call(a.keys.admin, "GET", "/organizations/alpha-team");
        const res = await call(a.keys.admin, "PATCH", `/organizations/${team.json.id as string}`, {
          parent_id: delta.id,
        });
        expect([res.status, res.json.parent_id]).toEqual([200, delta.id]);
      });
    });

    describe("a 404 for another organization's run, task or workflow names nothing of it (finding 11)", () => {
      it.each([
        ["GET", "read the run", () => `/runs/${b.runId}`, undefined],
        ["GET", "read the task", () => `/tasks/${b.taskId}`, undefined],
        ["GET", "read the workflow", () => `/workflows/${b.workflowId}`, undefined],
        ["POST", "cancel the run", () => `/runs/${b.runId}/cancel`, {}],
        ["POST", "approve the task", () => `/tasks/${b.taskId}/approve`, {}],
        ["POST", "reject the task", () => `/tasks/${b.taskId}/reject`, { reason: "no" }],
      ] as const)("%s: %s of B", async (method, _, path, body) => {
        const res = await call(a.keys.admin, method, path(), body);
        expect(res.status).toBe(404);
        expect(res.text).not.toContain(b.orgId);
        noneOfB(res.text.replaceAll(path().split("/")[2] as string, ""));
      });
    });
  });
}
