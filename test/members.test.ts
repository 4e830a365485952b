// Members on both stores: adding, roles, the last-manager guard, the escalation guard, direct grants.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import {
  addMember,
  grantToMember,
  listDirectGrants,
  listMembers,
  removeMember,
  revokeFromMember,
  updateMemberRoles,
} from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { assignPermission, createRole, revokePermission, updateRole } from "../src/features/roles/index.js";
import { createPermission, deletePermission } from "../src/features/permissions/index.js";
import { resolveUser } from "../src/features/users/index.js";
import {
  DIALECTS,
  type TestStore,
  actingAs as actingAsMember,
  openTestStore,
  refusedUnchanged,
} from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: members`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await createOrg(t.ctx, { name: "Engineering Team" });
      await createRole(t.ctx, {
        name: "Developer",
        organization: "engineering-team",
        permissions: "read:code,write:code",
      });
      await createRole(t.ctx, {
        name: "Code Reviewer",
        organization: "engineering-team",
        extends: "Developer",
        permissions: "approve:pull-requests",
      });
    });
    afterEach(async () => {
      await t.close();
    });

    const refusedWithoutChange = (op: () => Promise<unknown>, code: string) => refusedUnchanged(t, op, code);
    const actingAs = (email: string) => actingAsMember(t, email);

    it("adds people and agents, creating users by e-mail case-insensitively, with the default role when none is given", async () => {
      const alice = await addMember(t.ctx, {
        organization: "engineering-team",
        email: "Alice@Acme.com",
        roles: "Developer",
      });
      expect(alice.roles.map((r) => r.name)).toEqual(["Developer"]);
      const bot = await addMember(t.ctx, {
        organization: "engineering-team",
        email: "deploy-bot@acme.com",
        kind: "agent",
      });
      expect(bot.user.kind).toBe("agent");
      expect(bot.roles.map((r) => r.key)).toEqual(["org:member"]);
      expect((await resolveUser(t.ctx, "alice@acme.com")).id).toBe(alice.user.id);
      await refusedWithoutChange(
        () => addMember(t.ctx, { organization: "engineering-team", email: "ALICE@acme.com" }),
        "member.exists",
      );
      const events = await auditEventsOf(t.ctx, alice.organizationId);
      expect(events.filter((e) => e.action === "member.added").map((e) => e.target.label)).toEqual([
        "Alice@Acme.com",
        "deploy-bot@acme.com",
      ]);
    });

    it("refuses an e-mail without @ and writes nothing", async () => {
      await refusedWithoutChange(
        () => addMember(t.ctx, { organization: "engineering-team", email: "alice.acme.com" }),
        "input.invalid",
      );
    });

    it("keeps the membership quota when adds race: of eight at once into room for three, three land", async () => {
      await createOrg(t.ctx, { name: "Small Team", maxAllowedMemberships: 3 });
      // The people exist already (in another organization), so no user.created audit serialises the adds before the check.
      for (let i = 0; i < 8; i++)
        await addMember(t.ctx, { organization: "engineering-team", email: `p${i}@small.test` });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          addMember(t.ctx, { organization: "small-team", email: `p${i}@small.test` }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      for (const r of results.filter((r) => r.status === "rejected"))
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "member.quota_exceeded" });
      expect(await listMembers(t.ctx, "small-team")).toHaveLength(3);
    });

    it("holds several roles per member and replaces them on update", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "bob@acme.com", roles: "Developer" });
      const m = await updateMemberRoles(t.ctx, {
        organization: "engineering-team",
        email: "bob@acme.com",
        roles: "Developer, Code Reviewer",
      });
      expect(m.roles.map((r) => r.name)).toEqual(["Developer", "Code Reviewer"]);
      const events = await auditEventsOf(t.ctx, m.organizationId);
      expect(events.at(-1)).toMatchObject({
        action: "member.updated",
        before: { roles: ["org:developer"] },
        after: { roles: ["org:developer", "org:code_reviewer"] },
      });
    });

    it("never removes or demotes the last member who can manage members", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "admin@acme.com", roles: "org:admin" });
      await addMember(t.ctx, { organization: "engineering-team", email: "dev@acme.com", roles: "Developer" });
      await refusedWithoutChange(
        () => removeMember(t.ctx, { organization: "engineering-team", email: "admin@acme.com" }),
        "member.last_manager",
      );
      await refusedWithoutChange(
        () =>
          updateMemberRoles(t.ctx, { organization: "engineering-team", email: "admin@acme.com", roles: "Developer" }),
        "member.last_manager",
      );
      await addMember(t.ctx, { organization: "engineering-team", email: "admin2@acme.com", roles: "org:admin" });
      await removeMember(t.ctx, { organization: "engineering-team", email: "admin@acme.com" });
      expect((await listMembers(t.ctx, "engineering-team")).map((m) => m.user.email)).toEqual([
        "admin2@acme.com",
        "dev@acme.com",
      ]);
    });

    it("never demotes or removes the last holder of org:sys_profile:manage, even when a member manager remains (issue 24 item 5)", async () => {
      await createRole(t.ctx, {
        name: "Membership Manager",
        organization: "engineering-team",
        permissions: "org:sys_memberships:manage",
      });
      await addMember(t.ctx, { organization: "engineering-team", email: "admin@acme.com", roles: "org:admin" });
      await addMember(t.ctx, {
        organization: "engineering-team",
        email: "hr@acme.com",
        roles: "Membership Manager",
      });
      const hr = await actingAs("hr@acme.com");
      await refusedWithoutChange(
        () =>
          updateMemberRoles(hr, {
            organization: "engineering-team",
            email: "admin@acme.com",
            roles: "Membership Manager",
          }),
        "member.last_manager",
      );
      await expect(
        removeMember(hr, { organization: "engineering-team", email: "admin@acme.com" }),
      ).rejects.toMatchObject({ code: "member.last_manager", details: { permission: "org:sys_profile:manage" } });
      await refusedWithoutChange(
        () => revokePermission(t.ctx, { role: "org:admin", permission: "org:sys_profile:manage" }),
        "member.last_manager",
      );
      await refusedWithoutChange(
        () => updateRole(t.ctx, "org:admin", { removePermissions: "org:sys_profile:manage" }),
        "member.last_manager",
      );
      // Through a parent too: an Owner role holding the profile only by extending org:admin.
      await createRole(t.ctx, { name: "Owner", organization: "engineering-team", extends: "org:admin" });
      await updateMemberRoles(t.ctx, { organization: "engineering-team", email: "admin@acme.com", roles: "Owner" });
      await refusedWithoutChange(
        () => updateRole(t.ctx, "Owner", { organization: "engineering-team", extends: "" }),
        "member.last_manager",
      );
      await addMember(t.ctx, { organization: "engineering-team", email: "owner@acme.com", roles: "org:admin" });
      await updateMemberRoles(hr, {
        organization: "engineering-team",
        email: "admin@acme.com",
        roles: "Membership Manager",
      });
    });

    it("counts a direct grant of manage as managing: revoking the last one is refused", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "lead@acme.com", roles: "Developer" });
      await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "lead@acme.com",
        permission: "org:sys_memberships:manage",
      });
      await refusedWithoutChange(
        () =>
          revokeFromMember(t.ctx, {
            organization: "engineering-team",
            email: "lead@acme.com",
            permission: "org:sys_memberships:manage",
          }),
        "member.last_manager",
      );
    });

    it("keeps a manager through role edits and grant changes too, not only membership changes", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "admin@acme.com", roles: "org:admin" });
      await refusedWithoutChange(
        () => revokePermission(t.ctx, { role: "org:admin", permission: "org:sys_memberships:manage" }),
        "member.last_manager",
      );
      await refusedWithoutChange(
        () =>
          assignPermission(t.ctx, {
            role: "org:admin",
            permission: "org:sys_memberships:manage",
            scope: "repository:x",
          }),
        "member.last_manager",
      );
      await refusedWithoutChange(
        () => updateRole(t.ctx, "org:admin", { removePermissions: "org:sys_memberships:manage" }),
        "member.last_manager",
      );
      await addMember(t.ctx, { organization: "engineering-team", email: "lead@acme.com", roles: "Developer" });
      await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "lead@acme.com",
        permission: "org:sys_memberships:manage",
      });
      // The profile must keep a manager too (issue 24 item 5), so the lead takes that over as well.
      await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "lead@acme.com",
        permission: "org:sys_profile:manage",
      });
      await updateMemberRoles(t.ctx, { organization: "engineering-team", email: "admin@acme.com", roles: "Developer" });
      await refusedWithoutChange(
        () =>
          grantToMember(t.ctx, {
            organization: "engineering-team",
            email: "lead@acme.com",
            permission: "org:sys_memberships:manage",
            scope: "repository:x",
          }),
        "member.last_manager",
      );
    });

    it("refuses a member (--as) any change to the instance-wide permission catalogue", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "dev@acme.com", roles: "Developer" });
      const dev = await actingAs("dev@acme.com");
      await refusedWithoutChange(() => createPermission(dev, { key: "deploy:prod" }), "auth.instance_admin_required");
      await refusedWithoutChange(
        () => deletePermission(dev, "read:code", { force: true }),
        "auth.instance_admin_required",
      );
    });

    it("lets a member act only within their permissions (--as)", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "dev@acme.com", roles: "Developer" });
      const dev = await actingAs("dev@acme.com");
      await refusedWithoutChange(
        () => addMember(dev, { organization: "engineering-team", email: "friend@acme.com" }),
        "permission.denied",
      );
      await refusedWithoutChange(
        () => createRole(dev, { name: "Mine", organization: "engineering-team", permissions: "read:code" }),
        "permission.escalation",
      );
    });

    it("refuses to let a manager grant what they do not hold (the escalation guard)", async () => {
      await createRole(t.ctx, {
        name: "People Manager",
        organization: "engineering-team",
        permissions: "org:sys_memberships:manage,org:sys_memberships:read,read:code",
      });
      await addMember(t.ctx, { organization: "engineering-team", email: "pm@acme.com", roles: "People Manager" });
      const pm = await actingAs("pm@acme.com");
      await refusedWithoutChange(
        () => addMember(pm, { organization: "engineering-team", email: "x@acme.com", roles: "Code Reviewer" }),
        "permission.escalation",
      );
      await expect(
        addMember(pm, { organization: "engineering-team", email: "x@acme.com", roles: "Code Reviewer" }),
      ).rejects.toThrow(/org:code:write/);
      await refusedWithoutChange(
        () => grantToMember(pm, { organization: "engineering-team", email: "pm@acme.com", permission: "write:code" }),
        "permission.escalation",
      );
      await refusedWithoutChange(
        () => assignPermission(pm, { role: "People Manager", permission: "admin:code" }),
        "permission.escalation",
      );
      const ok = await addMember(pm, { organization: "engineering-team", email: "y@acme.com", roles: "org:member" });
      expect(ok.roles.map((r) => r.key)).toEqual(["org:member"]);
      const scoped = await grantToMember(pm, {
        organization: "engineering-team",
        email: "y@acme.com",
        permission: "read:code",
        scope: "repository:docs",
      });
      expect(scoped.grant.scopes).toEqual(["repository:docs"]);
    });

    it("holds the escalation guard to scope patterns and expiry: no wider pattern, no longer life than the granter's", async () => {
      await createRole(t.ctx, {
        name: "People Manager",
        organization: "engineering-team",
        permissions: "org:sys_memberships:manage,org:sys_memberships:read",
      });
      await addMember(t.ctx, { organization: "engineering-team", email: "pm@acme.com", roles: "People Manager" });
      await addMember(t.ctx, { organization: "engineering-team", email: "y@acme.com", roles: "org:member" });
      await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "pm@acme.com",
        permission: "read:docs",
        scope: "repository:*",
      });
      await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "pm@acme.com",
        permission: "write:docs",
        expires: "2026-02-01T00:00:00Z",
      });
      const pm = await actingAs("pm@acme.com");
      const give = (permission: string, extra: { scope?: string; expires?: string } = {}) =>
        grantToMember(pm, { organization: "engineering-team", email: "y@acme.com", permission, ...extra });
      await refusedWithoutChange(() => give("read:docs", { scope: "repository:**" }), "permission.escalation");
      await refusedWithoutChange(() => give("read:docs"), "permission.escalation");
      await expect(give("read:docs", { scope: "repository:*" })).resolves.toMatchObject({
        grant: { scopes: ["repository:*"] },
      });
      await expect(give("read:docs", { scope: "repository:handbook" })).resolves.toMatchObject({
        grant: { scopes: ["repository:handbook"] },
      });
      await refusedWithoutChange(() => give("write:docs"), "permission.escalation");
      await expect(give("write:docs", { expires: "2026-03-01T00:00:00Z" })).rejects.toThrow(
        /beyond 2026-02-01T00:00:00.000Z/,
      );
      await expect(give("write:docs", { expires: "2026-01-15T00:00:00Z" })).resolves.toMatchObject({
        grant: { expiresAt: Date.parse("2026-01-15T00:00:00Z") },
      });
    });

    it("gives direct grants with scopes and expiry, lists and revokes them", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "carol@acme.com", roles: "Developer" });
      const { grant } = await grantToMember(t.ctx, {
        organization: "engineering-team",
        email: "carol@acme.com",
        permission: "write:deployments",
        scope: "environment:staging",
        expires: "2026-03-31T17:00:00Z",
      });
      expect(grant).toMatchObject({
        permission: "org:deployments:write",
        scopes: ["environment:staging"],
        expiresAt: Date.parse("2026-03-31T17:00:00Z"),
      });
      expect((await listDirectGrants(t.ctx, "engineering-team")).map((r) => [r.member, r.grant.permission])).toEqual([
        ["carol@acme.com", "org:deployments:write"],
      ]);
      await revokeFromMember(t.ctx, {
        organization: "engineering-team",
        email: "carol@acme.com",
        permission: "write:deployments",
      });
      expect(await listDirectGrants(t.ctx, "engineering-team")).toEqual([]);
      await refusedWithoutChange(
        () =>
          grantToMember(t.ctx, { organization: "engineering-team", email: "nobody@acme.com", permission: "read:code" }),
        "member.not_found",
      );
    });
  });
}
