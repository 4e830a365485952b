// The access service on both stores: compiled policies follow every change, usage is counted and flushed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkAccess,
  effectivePermissionsOf,
  explainAccess,
  flushUsage,
  usageOf,
  whoCanIn,
} from "../src/features/access/index.js";
import { addMember, grantToMember, removeMember } from "../src/features/members/index.js";
import { createOrg, resolveOrg, updateOrg } from "../src/features/orgs/index.js";
import { assignPermission, createRole, updateRole } from "../src/features/roles/index.js";
import { resolveUser } from "../src/features/users/index.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: access service`, () => {
    let t: TestStore;
    let orgId: string;
    let alice: string;
    const may = async (permission: string, resource?: string, userId = alice, organizationId = orgId) =>
      (await checkAccess(t.ctx, { organizationId, userId, permission, resource })).allowed;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      orgId = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team", permissions: "read:code" });
      await createRole(t.ctx, {
        name: "Code Reviewer",
        organization: "engineering-team",
        extends: "Developer",
        permissions: "approve:pull-requests",
      });
      alice = (
        await addMember(t.ctx, { organization: "engineering-team", email: "alice@acme.com", roles: "Code Reviewer" })
      ).user.id;
    });
    afterEach(async () => {
      await t.close();
    });

    it("sees a change to a parent role at once in every child (the cached policy is recompiled)", async () => {
      expect(await may("org:code:write")).toBe(false);
      await updateRole(t.ctx, "Developer", { organization: "engineering-team", addPermissions: "write:code" });
      expect(await may("org:code:write")).toBe(true);
      await assignPermission(t.ctx, { role: "Developer", permission: "write:code", scope: "repository:*-app" });
      expect(await may("org:code:write")).toBe(false);
      expect(await may("org:code:write", "repository:frontend-app")).toBe(true);
      expect(await may("org:code:write", "repository:frontend-app/x")).toBe(false);
    });

    it("drops access when a member is removed and when a direct grant expires by the clock", async () => {
      await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "alice@acme.com",
        permission: "write:deployments",
        expires: "2026-01-02T00:00:00Z",
      });
      expect(await may("org:deployments:write")).toBe(true);
      t.clock.set(Date.parse("2026-01-02T00:00:00Z"));
      expect(await may("org:deployments:write")).toBe(false);
      await removeMember(t.ctx, { organization: "engineering-team", email: "alice@acme.com" });
      expect(await may("org:code:read")).toBe(false);
    });

    it("gives members of an ancestor read access in a child, never write, and follows the per-organization switch", async () => {
      const child = await createOrg(t.ctx, { name: "Frontend Guild", parent: "engineering-team" });
      await updateRole(t.ctx, "Developer", { organization: "engineering-team", addPermissions: "write:code" });
      expect(await may("org:code:read", undefined, alice, child.id)).toBe(true);
      expect(await may("org:code:write", undefined, alice, child.id)).toBe(false);
      const why = await explainAccess(t.ctx, { organizationId: child.id, userId: alice, permission: "org:code:read" });
      expect(why.reason).toContain("engineering-team");
      await updateOrg(t.ctx, "frontend-guild", { inheritAncestorRead: false });
      expect(await may("org:code:read", undefined, alice, child.id)).toBe(false);
    });

    it("explains the path of an allowed check and the nearest miss of a denied one", async () => {
      const allowed = await explainAccess(t.ctx, { organizationId: orgId, userId: alice, permission: "org:code:read" });
      expect(allowed.allowed).toBe(true);
      expect(allowed.path.map((s) => s.kind)).toEqual(
        expect.arrayContaining(["member", "role", "parent_role", "grant"]),
      );
      await assignPermission(t.ctx, { role: "Developer", permission: "read:code", scope: "repository:*-app" });
      const denied = await explainAccess(t.ctx, {
        organizationId: orgId,
        userId: alice,
        permission: "org:code:read",
        resource: "repository:secrets",
      });
      expect(denied.allowed).toBe(false);
      expect(denied.nearestMiss ?? denied.reason).toMatch(/repository:\*-app/);
    });

    it("lists effective permissions with their sources and who can do what", async () => {
      const effective = await effectivePermissionsOf(t.ctx, orgId, alice);
      expect(effective.map((e) => e.permission)).toEqual(["org:code:read", "org:pull_requests:approve"]);
      expect(effective[0]?.sources.join(" ")).toMatch(/Developer/);
      const bob = (
        await addMember(t.ctx, { organization: "engineering-team", email: "bob@acme.com", roles: "Developer" })
      ).user.id;
      const readers = (await whoCanIn(t.ctx, orgId, "org:code:read")).map((w) => w.userId).sort();
      expect(readers).toEqual([alice, bob].sort());
      expect((await whoCanIn(t.ctx, orgId, "org:pull_requests:approve")).map((w) => w.userId)).toEqual([alice]);
    });

    it("answers one member's permissions from that member's rows when the cached policy is stale, as the whole organization would", async () => {
      // A child organization inheriting read, a direct grant with a scope, and a fresh write before each answer.
      const child = (await createOrg(t.ctx, { name: "Frontend Guild", parent: "engineering-team" })).id;
      await createRole(t.ctx, { name: "Designer", organization: "frontend-guild", permissions: "read:designs" });
      const carol = (
        await addMember(t.ctx, { organization: "frontend-guild", email: "carol@acme.com", roles: "Designer" })
      ).user.id;
      await addMember(t.ctx, { organization: "frontend-guild", email: "alice@acme.com", roles: "Designer" });
      await grantToMember(t.ctx, {
        organization: "frontend-guild",
        email: "carol@acme.com",
        permission: "write:code",
        scope: "repository:web",
      });
      for (const [org, user] of [
        [child, alice],
        [child, carol],
        [orgId, alice],
      ] as const) {
        await addMember(t.ctx, { organization: org, email: `filler-${org}-${user}@acme.com` });
        const alone = await effectivePermissionsOf(t.ctx, org, user);
        await whoCanIn(t.ctx, org, "org:code:read"); // compiles and caches the whole organization
        expect(alone).toEqual(await effectivePermissionsOf(t.ctx, org, user));
        expect(alone.length).toBeGreaterThan(0);
      }
    });

    it("counts allowed checks per permission and flushes them to the store", async () => {
      for (let i = 0; i < 3; i++) await may("org:code:read");
      await may("org:code:delete");
      await flushUsage(t.ctx);
      const usage = await usageOf(t.ctx, orgId);
      expect(usage.get("org:code:read")).toEqual({ count: 3, lastUsedAt: t.clock.now() });
      expect(usage.has("org:code:delete")).toBe(false);
      await may("org:code:read");
      await flushUsage(t.ctx);
      expect((await usageOf(t.ctx, orgId)).get("org:code:read")?.count).toBe(4);
      expect((await resolveOrg(t.ctx, "engineering-team")).id).toBe(orgId);
      expect((await resolveUser(t.ctx, "alice@acme.com")).id).toBe(alice);
    });
  });
}
