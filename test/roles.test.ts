// Roles and permissions on both stores: keys, inheritance, cycles, scopes, expiry, delete guards.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import {
  createPermission,
  deletePermission,
  listPermissions,
  updatePermission,
} from "../src/features/permissions/index.js";
import {
  assignPermission,
  createRole,
  deleteRole,
  ensureInstance,
  listRoles,
  resolveRole,
  revokePermission,
  setRoleDefaults,
  updateRole,
} from "../src/features/roles/index.js";
import { DIALECTS, type TestStore, openTestStore, refusedUnchanged } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: roles and permissions`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await createOrg(t.ctx, { name: "Engineering Team" });
    });
    afterEach(async () => {
      await t.close();
    });

    const refusedWithoutChange = (op: () => Promise<unknown>, code: string) => refusedUnchanged(t, op, code);

    it("starts with the eight system permissions, org:admin, org:member and org:audit_reader", async () => {
      const perms = await listPermissions(t.ctx);
      expect(
        perms
          .filter((p) => p.type === "system")
          .map((p) => p.key)
          .sort(),
      ).toEqual([
        "org:sys_audit:export",
        "org:sys_audit:read",
        "org:sys_domains:manage",
        "org:sys_domains:read",
        "org:sys_memberships:manage",
        "org:sys_memberships:read",
        "org:sys_profile:delete",
        "org:sys_profile:manage",
      ]);
      const admin = await resolveRole(t.ctx, "org:admin", null);
      expect(admin.grants).toHaveLength(8);
      const member = await resolveRole(t.ctx, "org:member", null);
      expect(member.grants.map((g) => g.permission)).toEqual(["org:sys_memberships:read"]);
    });

    it("creates a role from the seed with shorthand permissions normalised and created as custom permissions", async () => {
      const role = await createRole(t.ctx, {
        name: "Code Reviewer",
        organization: "engineering-team",
        permissions: "read:code,read:reviews,write:comments,approve:pull-requests",
      });
      expect(role.key).toBe("org:code_reviewer");
      expect(role.grants.map((g) => g.permission)).toEqual([
        "org:code:read",
        "org:comments:write",
        "org:pull_requests:approve",
        "org:reviews:read",
      ]);
      const custom = (await listPermissions(t.ctx)).filter((p) => p.type === "custom").map((p) => p.key);
      expect(custom).toEqual(["org:code:read", "org:comments:write", "org:pull_requests:approve", "org:reviews:read"]);
      const actions = (await auditEventsOf(t.ctx, null)).map((e) => e.action);
      expect(actions.filter((a) => a === "permission.created").length).toBeGreaterThanOrEqual(4 + 6);
      expect((await auditEventsOf(t.ctx, role.organizationId)).map((e) => e.action)).toContain("role.created");
    });

    it.each([
      ["read", "permission.invalid_key"],
      ["org:Code:read", "permission.invalid_key"],
      ["a:b:c:d", "permission.invalid_key"],
      ["read:", "permission.invalid_key"],
    ])("refuses the permission string %s and writes nothing", async (permission, code) => {
      await refusedWithoutChange(
        () =>
          createRole(t.ctx, { name: "Bad", organization: "engineering-team", permissions: `read:code,${permission}` }),
        code,
      );
    });

    it("extends several parents and names an inheritance cycle", async () => {
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team", permissions: "read:code" });
      await createRole(t.ctx, {
        name: "Code Reviewer",
        organization: "engineering-team",
        extends: "Developer",
        permissions: "approve:pull-requests",
      });
      await createRole(t.ctx, {
        name: "Security Lead",
        organization: "engineering-team",
        permissions: "read:security",
      });
      const lead = await createRole(t.ctx, {
        name: "Tech Lead",
        organization: "engineering-team",
        extends: ["Code Reviewer", "Security Lead"],
        permissions: "admin:workflows",
      });
      expect(lead.parents.map((p) => p.name)).toEqual(["Code Reviewer", "Security Lead"]);
      await refusedWithoutChange(
        () => updateRole(t.ctx, "Developer", { organization: "engineering-team", extends: "Tech Lead" }),
        "role.inheritance_cycle",
      );
      await expect(
        updateRole(t.ctx, "Developer", { organization: "engineering-team", extends: "Tech Lead" }),
      ).rejects.toThrow("Developer → Tech Lead → Code Reviewer → Developer");
    });

    it("refuses --extends naming an unknown role, suggesting the near one and the command that creates it", async () => {
      await createRole(t.ctx, { name: "Code Reviewer", organization: "engineering-team" });
      await refusedWithoutChange(
        () => createRole(t.ctx, { name: "Senior Reviewer", organization: "engineering-team", extends: "Code Reviewr" }),
        "role.not_found",
      );
      await expect(
        createRole(t.ctx, { name: "Senior Reviewer", organization: "engineering-team", extends: "Code Reviewr" }),
      ).rejects.toThrow(
        /Did you mean "Code Reviewer".*clerk role create --name "Code Reviewr" --organization "engineering-team"/,
      );
    });

    it("refuses a duplicate role name in the same organization or clashing with an instance role", async () => {
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team" });
      await refusedWithoutChange(
        () => createRole(t.ctx, { name: "developer", organization: "engineering-team" }),
        "role.name_taken",
      );
      await refusedWithoutChange(
        () => createRole(t.ctx, { name: "Admin", organization: "engineering-team" }),
        "role.name_taken",
      );
    });

    it("lets descendants use an ancestor's roles, but not siblings", async () => {
      await createOrg(t.ctx, { name: "Frontend Guild", parent: "engineering-team" });
      await createOrg(t.ctx, { name: "Sales" });
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team", permissions: "read:code" });
      const m = await addMember(t.ctx, { organization: "frontend-guild", email: "fe@acme.com", roles: "Developer" });
      expect(m.roles.map((r) => r.key)).toEqual(["org:developer"]);
      await refusedWithoutChange(
        () => addMember(t.ctx, { organization: "sales", email: "s@acme.com", roles: "Developer" }),
        "role.not_found",
      );
    });

    it("assigns with scopes and expiry, replacing an earlier grant of the same permission (the seed's restriction)", async () => {
      await createRole(t.ctx, { name: "Code Reviewer", organization: "engineering-team", permissions: "read:code" });
      const { grant, before } = await assignPermission(t.ctx, {
        role: "Code Reviewer",
        permission: "read:code",
        scope: "repository:frontend-app,repository:backend-api",
      });
      expect(before?.scopes).toEqual([]);
      expect(grant.scopes).toEqual(["repository:frontend-app", "repository:backend-api"]);
      const contractor = await assignPermission(t.ctx, {
        role: "Code Reviewer",
        permission: "read:partner",
        scope: "repository:partner-project",
        expires: "2026-06-30",
      });
      expect(new Date(contractor.grant.expiresAt as number).toISOString()).toBe("2026-07-01T00:00:00.000Z");
      const role = await resolveRole(t.ctx, "Code Reviewer");
      expect(role.grants.map((g) => [g.permission, g.scopes])).toEqual([
        ["org:code:read", ["repository:frontend-app", "repository:backend-api"]],
        ["org:partner:read", ["repository:partner-project"]],
      ]);
      const events = await auditEventsOf(t.ctx, role.organizationId);
      expect(events.map((e) => e.action)).toEqual(["org.created", "role.created", "grant.updated", "grant.created"]);
      expect(events[2]?.before).toEqual({ permission: "org:code:read", scopes: [], expiresAt: null });
    });

    it.each([
      ["repository", "grant.invalid_scope"],
      ["repository:", "grant.invalid_scope"],
      [":frontend", "grant.invalid_scope"],
      ["path:docs/../secrets", "grant.invalid_scope"],
    ])("refuses the scope %s and writes nothing", async (scope, code) => {
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team" });
      await refusedWithoutChange(
        () => assignPermission(t.ctx, { role: "Developer", permission: "read:code", scope }),
        code,
      );
    });

    it.each([["2020-01-01"], ["tomorrow-ish"], ["2026-02-30"], ["2025-12-31T23:59:59Z"]])(
      "refuses --expires %s and writes nothing",
      async (expires) => {
        await createRole(t.ctx, { name: "Developer", organization: "engineering-team" });
        await refusedWithoutChange(
          () => assignPermission(t.ctx, { role: "Developer", permission: "read:code", expires }),
          "grant.invalid_expiry",
        );
      },
    );

    it("revokes a permission from a role, and says so when there was none", async () => {
      await createRole(t.ctx, {
        name: "Developer",
        organization: "engineering-team",
        permissions: "read:code,write:code",
      });
      const role = await revokePermission(t.ctx, { role: "Developer", permission: "write:code" });
      expect(role.grants.map((g) => g.permission)).toEqual(["org:code:read"]);
      await refusedWithoutChange(
        () => revokePermission(t.ctx, { role: "Developer", permission: "write:code" }),
        "grant.not_found",
      );
    });

    it("guards role deletion: creator role, default role, held by members, extended by others", async () => {
      await refusedWithoutChange(() => deleteRole(t.ctx, "org:admin", null), "role.creator_or_default");
      await refusedWithoutChange(() => deleteRole(t.ctx, "org:member", null), "role.creator_or_default");
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team" });
      await createRole(t.ctx, { name: "Reviewer", organization: "engineering-team", extends: "Developer" });
      await refusedWithoutChange(() => deleteRole(t.ctx, "Developer", "engineering-team"), "role.has_children");
      await addMember(t.ctx, { organization: "engineering-team", email: "r@acme.com", roles: "Reviewer" });
      await refusedWithoutChange(() => deleteRole(t.ctx, "Reviewer", "engineering-team"), "role.has_members");
      await createRole(t.ctx, { name: "Spare", organization: "engineering-team" });
      await deleteRole(t.ctx, "Spare", "engineering-team");
      expect((await listRoles(t.ctx, "engineering-team")).map((r) => r.name)).not.toContain("Spare");
      const staff = await createRole(t.ctx, { name: "Staff" });
      await setRoleDefaults(t.ctx, { default: "Staff" });
      await deleteRole(t.ctx, "org:member", null);
      await refusedWithoutChange(() => deleteRole(t.ctx, staff.id, null), "role.creator_or_default");
    });

    it("does not bring back a built-in role the admin deleted, on the next open", async () => {
      await setRoleDefaults(t.ctx, { default: "org:admin" });
      await deleteRole(t.ctx, "org:member", null);
      await deleteRole(t.ctx, "org:audit_reader", null);
      await ensureInstance(t.ctx);
      expect((await listRoles(t.ctx, null)).map((r) => r.key)).toEqual(["org:admin"]);
    });

    describe("an instance set up before the audit log existed", () => {
      /** Takes the store back to how such an instance looked: no audit permissions, no auditor role, no marker. */
      async function preAudit(): Promise<void> {
        const audit = await t.store.db
          .selectFrom("permissions")
          .select("id")
          .where("key", "like", "org:sys_audit:%")
          .execute();
        const ids = audit.map((p) => p.id);
        await t.store.db.deleteFrom("grants").where("permission_id", "in", ids).execute();
        await t.store.db.deleteFrom("permissions").where("id", "in", ids).execute();
        await t.store.db.deleteFrom("roles").where("key", "=", "org:audit_reader").execute();
        await t.store.db.deleteFrom("settings").where("key", "=", "audit_roles_initialized").execute();
      }

      it("gives org:admin, still the full-access role, the audit permissions once, audited", async () => {
        await preAudit();
        expect((await resolveRole(t.ctx, "org:admin", null)).grants).toHaveLength(6);
        await ensureInstance(t.ctx);
        const admin = await resolveRole(t.ctx, "org:admin", null);
        expect(admin.grants.map((g) => g.permission)).toEqual(
          expect.arrayContaining(["org:sys_audit:read", "org:sys_audit:export"]),
        );
        expect(admin.grants).toHaveLength(8);
        expect((await listRoles(t.ctx, null)).map((r) => r.key).sort()).toEqual([
          "org:admin",
          "org:audit_reader",
          "org:member",
        ]);
        const updated = (await auditEventsOf(t.ctx, null)).filter((e) => e.action === "role.updated");
        expect(updated).toEqual([
          expect.objectContaining({
            actor: expect.objectContaining({ type: "system" }),
            target: expect.objectContaining({ label: "org:admin" }),
          }),
        ]);
        // Once: an operator who then takes the permissions away keeps them away.
        await updateRole(t.ctx, "org:admin", { organization: null, removePermissions: ["org:sys_audit:export"] });
        await ensureInstance(t.ctx);
        expect((await resolveRole(t.ctx, "org:admin", null)).grants).toHaveLength(7);
      });

      it("leaves an org:admin an operator narrowed as it is", async () => {
        await updateRole(t.ctx, "org:admin", { organization: null, removePermissions: ["org:sys_profile:delete"] });
        await preAudit();
        await ensureInstance(t.ctx);
        const admin = await resolveRole(t.ctx, "org:admin", null);
        expect(admin.grants.map((g) => g.permission).sort()).toEqual([
          "org:sys_domains:manage",
          "org:sys_domains:read",
          "org:sys_memberships:manage",
          "org:sys_memberships:read",
          "org:sys_profile:manage",
        ]);
        expect((await listRoles(t.ctx, null)).map((r) => r.key)).toContain("org:audit_reader");
      });
    });

    it("refuses a role name with no letters or digits as bad input", async () => {
      await refusedWithoutChange(
        () => createRole(t.ctx, { name: "!!!", organization: "engineering-team" }),
        "input.invalid",
      );
      await expect(resolveRole(t.ctx, "!!!", "engineering-team")).rejects.toMatchObject({ code: "role.not_found" });
    });

    it("refuses to edit or delete system permissions, and custom ones still granted", async () => {
      await refusedWithoutChange(
        () => updatePermission(t.ctx, "org:sys_memberships:manage", { name: "x" }),
        "permission.system",
      );
      await refusedWithoutChange(() => deletePermission(t.ctx, "org:sys_profile:delete"), "permission.system");
      await createPermission(t.ctx, { key: "deploy:production" });
      await createRole(t.ctx, { name: "Deployer", organization: "engineering-team", permissions: "deploy:production" });
      await refusedWithoutChange(() => deletePermission(t.ctx, "deploy:production"), "permission.in_use");
      await deletePermission(t.ctx, "org:production:deploy", { force: true });
      const deployer = await resolveRole(t.ctx, "Deployer");
      expect(deployer.grants).toEqual([]);
      expect((await auditEventsOf(t.ctx, deployer.organizationId)).at(-1)).toMatchObject({
        action: "grant.deleted",
        target: { type: "role", id: deployer.id },
        before: { permission: "org:production:deploy" },
      });
    });
  });
}
