// The official @clerk/backend SDK against a running clerk server, on both stores.
import { type ClerkClient, createClerkClient } from "@clerk/backend";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey, listKeys, revokeKey } from "../src/features/keys/index.js";
import { addMember } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { apiFailure, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";
import { snapshot } from "./helpers/snapshot.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: @clerk/backend against clerk serve`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let clerk: ClerkClient;
    let url: string;
    let secret: string;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      ({ app, url, secret, clerk } = await startApi(t, { rateLimitPerMinute: 50 }));
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    const failure = apiFailure;

    it("creates, finds by id and slug, lists with totals, updates and deletes organizations", async () => {
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      const org = await clerk.organizations.createOrganization({
        name: "Engineering Team",
        createdBy: alice.id,
        publicMetadata: { tier: "gold" },
      });
      expect(org.id).toMatch(/^org_[0-9A-Za-z]{27}$/);
      expect(org.slug).toBe("engineering-team");
      expect(org.publicMetadata).toEqual({ tier: "gold" });
      expect(org.createdAt).toBe(t.clock.now());
      expect((await clerk.organizations.getOrganization({ slug: "engineering-team" })).id).toBe(org.id);
      const withCount = await clerk.organizations.getOrganization({
        organizationId: org.id,
        includeMembersCount: true,
      });
      expect(withCount.membersCount).toBe(1);
      await clerk.organizations.createOrganization({ name: "Platform Team" });
      await clerk.organizations.createOrganization({ name: "Sales" });
      const page = await clerk.organizations.getOrganizationList({ limit: 2, orderBy: "name" });
      expect(page.totalCount).toBe(3);
      expect(page.data.map((o) => o.name)).toEqual(["Engineering Team", "Platform Team"]);
      const found = await clerk.organizations.getOrganizationList({ query: "plat" });
      expect(found.data.map((o) => o.slug)).toEqual(["platform-team"]);
      const renamed = await clerk.organizations.updateOrganization(org.id, {
        name: "Engineering",
        maxAllowedMemberships: 25,
      });
      expect([renamed.name, renamed.maxAllowedMemberships]).toEqual(["Engineering", 25]);
      const merged = await clerk.organizations.updateOrganizationMetadata(org.id, {
        publicMetadata: { region: "eu", tier: null },
      });
      expect(merged.publicMetadata).toEqual({ region: "eu" });
      const deleted = await clerk.organizations.deleteOrganization(org.id);
      expect(deleted).toMatchObject({ id: org.id, deleted: true });
      expect((await failure(clerk.organizations.getOrganization({ organizationId: org.id }))).status).toBe(404);
    });

    it("adds, lists, updates and removes memberships addressed by user id", async () => {
      const org = await clerk.organizations.createOrganization({ name: "Engineering Team" });
      await createRole(t.ctx, { name: "Developer", organization: org.id, permissions: "read:code" });
      const admin = await ensureUser(t.ctx, "admin@acme.com");
      const dev = await ensureUser(t.ctx, "dev@acme.com");
      await clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: admin.id,
        role: "org:admin",
      });
      const m = await clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: dev.id,
        role: "org:developer",
      });
      expect(m.role).toBe("org:developer");
      expect(m.permissions).toEqual(["org:code:read"]);
      expect(m.organization.id).toBe(org.id);
      expect(m.publicUserData?.identifier).toBe("dev@acme.com");
      const list = await clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        orderBy: "email_address",
      });
      expect(list.totalCount).toBe(2);
      expect(list.data.map((x) => x.publicUserData?.identifier)).toEqual(["admin@acme.com", "dev@acme.com"]);
      const updated = await clerk.organizations.updateOrganizationMembership({
        organizationId: org.id,
        userId: dev.id,
        role: "org:admin",
      });
      expect(updated.role).toBe("org:admin");
      const removed = await clerk.organizations.deleteOrganizationMembership({
        organizationId: org.id,
        userId: dev.id,
      });
      expect(removed.publicUserData?.userId).toBe(dev.id);
      const again = await failure(
        clerk.organizations.createOrganizationMembership({
          organizationId: org.id,
          userId: admin.id,
          role: "org:admin",
        }),
      );
      expect([again.status, again.errors[0]?.code]).toEqual([400, "already_a_member_in_organization"]);
      const last = await failure(
        clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: admin.id }),
      );
      expect([last.status, last.errors[0]?.code]).toEqual([400, "organization_minimum_permissions_needed"]);
    });

    it("manages instance roles and permissions, with assign/remove and the delete guards", async () => {
      const perms = await clerk.organizationPermissions.getOrganizationPermissionList({ limit: 50 });
      expect(perms.data.map((p) => p.key)).toContain("org:sys_memberships:manage");
      const invoices = await clerk.organizationPermissions.createOrganizationPermission({
        name: "Create invoices",
        key: "org:invoices:create",
      });
      expect(invoices.id).toMatch(/^perm_/);
      const sysKey = await failure(
        clerk.organizationPermissions.createOrganizationPermission({ name: "x", key: "org:sys_billing:read" }),
      );
      expect(sysKey.status).toBe(422);
      const system = perms.data.find((p) => p.key === "org:sys_profile:delete");
      const notModifiable = await failure(
        clerk.organizationPermissions.updateOrganizationPermission({ permissionId: system?.id as string, name: "x" }),
      );
      expect([notModifiable.status, notModifiable.errors[0]?.code]).toEqual([
        403,
        "organization_system_permission_not_modifiable",
      ]);
      const billing = await clerk.organizationRoles.createOrganizationRole({
        name: "Billing",
        key: "org:billing",
        permissions: [invoices.id],
      });
      expect(billing.permissions.map((p) => p.key)).toEqual(["org:invoices:create"]);
      const read = await clerk.organizationPermissions.createOrganizationPermission({
        name: "Read invoices",
        key: "org:invoices:read",
      });
      const assigned = await clerk.organizationRoles.assignPermissionToOrganizationRole({
        organizationRoleId: billing.id,
        permissionId: read.id,
      });
      expect(assigned.permissions.map((p) => p.key).sort()).toEqual(["org:invoices:create", "org:invoices:read"]);
      const twice = await failure(
        clerk.organizationRoles.assignPermissionToOrganizationRole({
          organizationRoleId: billing.id,
          permissionId: read.id,
        }),
      );
      expect([twice.status, twice.errors[0]?.code]).toEqual([409, "organization_role_permission_association_exists"]);
      const removed = await clerk.organizationRoles.removePermissionFromOrganizationRole({
        organizationRoleId: billing.id,
        permissionId: invoices.id,
      });
      expect(removed.permissions.map((p) => p.key)).toEqual(["org:invoices:read"]);
      const gone = await failure(
        clerk.organizationRoles.removePermissionFromOrganizationRole({
          organizationRoleId: billing.id,
          permissionId: invoices.id,
        }),
      );
      expect([gone.status, gone.errors[0]?.code]).toEqual([404, "organization_role_permission_association_not_found"]);
      const roles = await clerk.organizationRoles.getOrganizationRoleList({ orderBy: "key" });
      expect(roles.totalCount).toBe(4);
      expect(roles.data.map((r) => [r.key, r.isCreatorEligible])).toEqual([
        ["org:admin", true],
        ["org:audit_reader", false],
        ["org:billing", false],
        ["org:member", false],
      ]);
      const creator = await failure(clerk.organizationRoles.deleteOrganizationRole(roles.data[0]?.id as string));
      expect([creator.status, creator.errors[0]?.code]).toEqual([422, "organization_role_default_creator_role"]);
      const org = await clerk.organizations.createOrganization({ name: "Acme" });
      const user = await ensureUser(t.ctx, "payer@acme.com");
      await clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: "org:billing",
      });
      const held = await failure(clerk.organizationRoles.deleteOrganizationRole(billing.id));
      expect([held.status, held.errors[0]?.code]).toEqual([422, "organization_role_assigned_members"]);
      await clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: user.id });
      expect(await clerk.organizationRoles.deleteOrganizationRole(billing.id)).toMatchObject({
        id: billing.id,
        deleted: true,
      });
    });

    it("creates, lists, counts and gets users, and memberships reference them", async () => {
      const ada = await clerk.users.createUser({
        emailAddress: ["ada@acme.com"],
        firstName: "Ada",
        lastName: "Lovelace",
      });
      expect(ada.id).toMatch(/^user_/);
      expect([ada.firstName, ada.lastName, ada.primaryEmailAddress?.emailAddress]).toEqual([
        "Ada",
        "Lovelace",
        "ada@acme.com",
      ]);
      await clerk.users.createUser({ emailAddress: ["bot@acme.com"] });
      const dup = await failure(clerk.users.createUser({ emailAddress: ["ADA@acme.com"] }));
      expect([dup.status, dup.errors[0]?.code]).toEqual([422, "form_identifier_exists"]);
      const bad = await failure(clerk.users.createUser({ emailAddress: ["not-an-address"] }));
      expect(bad.status).toBe(422);
      const list = await clerk.users.getUserList({ query: "ada" });
      expect([list.totalCount, list.data.map((u) => u.id)]).toEqual([1, [ada.id]]);
      expect((await clerk.users.getUserList()).totalCount).toBe(2);
      expect((await clerk.users.getUser(ada.id)).emailAddresses[0]?.emailAddress).toBe("ada@acme.com");
      const org = await clerk.organizations.createOrganization({ name: "Analytical Engines", createdBy: ada.id });
      const memberships = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
      expect(memberships.data.map((m) => [m.publicUserData?.identifier, m.role])).toEqual([
        ["ada@acme.com", "org:admin"],
      ]);
    });

    it("answers bad input with Clerk's status codes and changes nothing", async () => {
      await clerk.organizations.createOrganization({ name: "Engineering Team" });
      const before = await snapshot(t.store);
      const dup = await failure(clerk.organizations.createOrganization({ name: "Engineering Team" }));
      expect([dup.status, dup.errors[0]?.code]).toEqual([422, "form_identifier_exists"]);
      const missing = await failure(clerk.organizations.getOrganization({ organizationId: "org_doesnotexist" }));
      expect([missing.status, missing.errors[0]?.code]).toEqual([404, "resource_not_found"]);
      const unknownRole = await failure(
        clerk.organizations.createOrganizationMembership({
          organizationId: "engineering-team",
          userId: "user_nobody",
          role: "org:ghost",
        }),
      );
      expect(unknownRole.status).toBe(404);
      const bad = createClerkClient({ secretKey: "sk_live_wrong", apiUrl: url });
      const unauth = await failure(bad.organizations.getOrganizationList());
      expect([unauth.status, unauth.errors[0]?.code]).toEqual([401, "authentication_invalid"]);
      expect(await snapshot(t.store)).toEqual(before);
    });

    it.each([
      ["malformed JSON", { body: "{bad", type: "application/json" }, 400, "request_body_invalid"],
      [
        "wrong content type",
        { body: "name=x", type: "application/x-www-form-urlencoded" },
        415,
        "unsupported_content_type",
      ],
      [
        "an unknown field",
        { body: JSON.stringify({ name: "X", colour: "red" }), type: "application/json" },
        422,
        "form_param_unknown",
      ],
      [
        "a body over 1 MB",
        { body: JSON.stringify({ name: "x".repeat(1_100_000) }), type: "application/json" },
        413,
        "request_body_too_large",
      ],
      ["a missing name", { body: JSON.stringify({}), type: "application/json" }, 422, "form_param_missing"],
    ])("answers %s with its Clerk status and code", async (_label, req, status, code) => {
      const res = await fetch(`${url}/v1/organizations`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": req.type },
        body: req.body,
      });
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/json");
      const body = (await res.json()) as { errors: { code: string; meta: { param_name?: string } }[] };
      expect(body.errors[0]?.code).toBe(code);
      if (code === "form_param_unknown") expect(body.errors[0]?.meta.param_name).toBe("colour");
    });

    it("refuses anything but a bearer key, and a revoked key at once", async () => {
      for (const authorization of [undefined, "Basic abc", `Bearer ${secret}x`]) {
        const res = await fetch(`${url}/v1/organizations`, { headers: authorization ? { authorization } : {} });
        expect(res.status).toBe(401);
      }
      expect((await fetch(`${url}/v1/organizations`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
        200,
      );
      const [key] = await listKeys(t.ctx);
      await revokeKey(t.ctx, key?.display as string);
      expect((await fetch(`${url}/v1/organizations`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
        401,
      );
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready", database: dialect });
    });

    it("limits a flood with 429 and Retry-After", async () => {
      let limited: Response | undefined;
      for (let i = 0; i < 60 && !limited; i++) {
        const res = await fetch(`${url}/v1/organizations`, { headers: { authorization: `Bearer ${secret}` } });
        if (res.status === 429) limited = res;
      }
      expect(limited?.status).toBe(429);
      expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("gives an agent key acting outside its organizations 404, not 403, and changes nothing", async () => {
      const mine = await clerk.organizations.createOrganization({ name: "Engineering Team" });
      const other = await clerk.organizations.createOrganization({ name: "Secret Project" });
      await addMember(t.ctx, { organization: mine.id, email: "bot@acme.com", roles: "org:admin", kind: "agent" });
      const agent = createClerkClient({
        secretKey: (await createKey(t.ctx, { agent: "bot@acme.com" })).secret,
        apiUrl: url,
      });
      const before = await snapshot(t.store);
      for (const attempt of [
        () => agent.organizations.getOrganization({ organizationId: other.id }),
        () => agent.organizations.getOrganization({ slug: "secret-project" }),
        () => agent.organizations.updateOrganization(other.id, { name: "Mine now" }),
        () => agent.organizations.deleteOrganization(other.id),
        () => agent.organizations.getOrganizationMembershipList({ organizationId: other.id }),
      ]) {
        const e = await failure(attempt());
        expect([e.status, e.errors[0]?.code]).toEqual([404, "resource_not_found"]);
      }
      expect(await snapshot(t.store)).toEqual(before);
      const listed = await agent.organizations.getOrganizationList();
      expect(listed.data.map((o) => o.slug)).toEqual(["engineering-team"]);
      expect((await agent.organizations.getOrganization({ organizationId: mine.id })).id).toBe(mine.id);
    });

    it("answers POST /v1/check for an agent key with that member's permissions", async () => {
      const org = await clerk.organizations.createOrganization({ name: "Engineering Team" });
      await createRole(t.ctx, { name: "Developer", organization: org.id, permissions: "read:code" });
      const bot = await addMember(t.ctx, {
        organization: org.id,
        email: "bot@acme.com",
        roles: "Developer",
        kind: "agent",
      });
      const agentKey = (await createKey(t.ctx, { agent: "bot@acme.com" })).secret;
      expect(agentKey).toMatch(/^ak_live_/);
      const ask = async (permission: string, key = secret) => {
        const res = await fetch(`${url}/v1/check`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ organization_id: org.id, user_id: bot.user.id, permission, explain: true }),
        });
        return (await res.json()) as { allowed: boolean; reason: string };
      };
      expect((await ask("read:code")).allowed).toBe(true);
      expect((await ask("org:code:write")).allowed).toBe(false);
      expect((await ask("read:code", agentKey)).allowed).toBe(true);
      const agent = createClerkClient({ secretKey: agentKey, apiUrl: url });
      const refused = await failure(agent.organizations.updateOrganization(org.id, { name: "Taken over" }));
      expect(refused.status).toBe(403);
    });
  });
}
