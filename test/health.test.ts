// Health checks on a seeded organization with known findings, on both stores: the services, the endpoints
// (in-process as the CLI calls them, and over HTTP), the `clerk health` text, and bad input.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { remoteApi, localApi } from "../src/cli/api.js";
import { main } from "../src/cli/main.js";
import { checkAccess, flushUsage } from "../src/features/access/index.js";
import { auditAdmins, auditMembers, auditPermissions, auditRoles, healthReport } from "../src/features/health/index.js";
import { healthOperations } from "../src/features/health/health.operations.js";
import { addMember, createOrganization, grantToMember } from "../src/features/members/index.js";
import { assignPermission, createRole } from "../src/features/roles/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore } from "./helpers/store.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00.000Z");

/**
 * eng: alice and zoe are admins; carol is a Developer with a direct write:deployments; bob a Senior Developer
 * (extends Reviewer Base); dave a Stager (write:deployments on staging) with a direct one on every environment;
 * eve a Member whose direct read:secrets expired; Developer's read:logs expired; Old Role is held by nobody;
 * Web Role only by george in the child eng-web, whose one admin is frank. Checks run at T0+90d; the report at T0+100d.
 */
async function seed(t: TestStore): Promise<void> {
  const ctx = t.ctx;
  const eng = await createOrganization(ctx, { name: "Eng" });
  await addMember(ctx, { organization: "eng", email: "alice@acme.com", roles: "org:admin" });
  await addMember(ctx, { organization: "eng", email: "zoe@acme.com", roles: "org:admin" });
  await createRole(ctx, { name: "Developer", organization: "eng", permissions: "read:code" });
  await assignPermission(ctx, {
    role: "Developer",
    organization: "eng",
    permission: "read:logs",
    expires: "2026-01-05T00:00:00Z",
  });
  await createRole(ctx, { name: "Reviewer Base", organization: "eng", permissions: "read:reviews" });
  await createRole(ctx, {
    name: "Senior Developer",
    organization: "eng",
    extends: "Reviewer Base",
    permissions: "approve:pull-requests",
  });
  await createRole(ctx, { name: "Stager", organization: "eng" });
  await assignPermission(ctx, {
    role: "Stager",
    organization: "eng",
    permission: "write:deployments",
    scope: "environment:staging",
  });
  await createRole(ctx, { name: "Old Role", organization: "eng", permissions: "write:wiki" });
  await createRole(ctx, { name: "Web Role", organization: "eng", permissions: "read:web" });
  await addMember(ctx, { organization: "eng", email: "bob@acme.com", roles: "Senior Developer" });
  await addMember(ctx, { organization: "eng", email: "carol@acme.com", roles: "Developer" });
  await addMember(ctx, { organization: "eng", email: "dave@acme.com", roles: "Stager" });
  await addMember(ctx, { organization: "eng", email: "eve@acme.com" });
  await grantToMember(ctx, { organization: "eng", email: "carol@acme.com", permission: "write:deployments" });
  await grantToMember(ctx, {
    organization: "eng",
    email: "dave@acme.com",
    permission: "write:deployments",
    scope: "environment:*",
  });
  await grantToMember(ctx, {
    organization: "eng",
    email: "eve@acme.com",
    permission: "read:secrets",
    expires: "2026-01-10T00:00:00Z",
  });
  await createOrganization(ctx, { name: "Eng Web", parent: "eng" });
  await addMember(ctx, { organization: "eng-web", email: "frank@acme.com", roles: "org:admin" });
  await addMember(ctx, { organization: "eng-web", email: "george@acme.com", roles: "Web Role" });

  // Ninety days on, carol reads code and bob reads reviews (alice's checks of system permissions change nothing: they are never reported).
  t.clock.set(T0 + 90 * DAY);
  const may = async (email: string, permission: string, resource?: string) => {
    const user = await actingAs(t, email);
    const decision = await checkAccess(ctx, {
      organizationId: eng.id,
      userId: user.actor.id as string,
      permission,
      resource,
    });
    expect(decision.allowed).toBe(true);
  };
  await may("alice@acme.com", "org:sys_memberships:manage");
  await may("carol@acme.com", "org:code:read");
  await may("bob@acme.com", "org:reviews:read");
  await flushUsage(ctx);
  t.clock.set(T0 + 100 * DAY);
  // Granted after the window opened: over-permissioned, but too new to call unused.
  await grantToMember(ctx, { organization: "eng", email: "bob@acme.com", permission: "read:metrics" });
}

const ROLE_FINDINGS = [
  {
    check: "role.no_members",
    organization: "eng",
    role: { key: "org:old_role", name: "Old Role" },
    summary: 'Role "Old Role" (org:old_role) has no members, directly or through a role that extends it.',
    fix: ['clerk role delete --role "Old Role" --organization eng'],
  },
];

const PERMISSION_FINDINGS = [
  {
    check: "permission.unused",
    organization: "eng",
    permission: "org:deployments:write",
    last_used_at: null,
    holders: [
      { email: "carol@acme.com", via: "direct grant" },
      { email: "dave@acme.com", via: "role Stager" },
      { email: "dave@acme.com", via: "direct grant" },
    ],
    summary:
      "org:deployments:write has not been used in the last 90d (last used: never); held by carol@acme.com (direct grant), dave@acme.com (role Stager), dave@acme.com (direct grant).",
    fix: [
      "clerk member revoke --organization eng --email carol@acme.com --permission org:deployments:write",
      "clerk permission revoke --role Stager --organization eng --permission org:deployments:write",
      "clerk member revoke --organization eng --email dave@acme.com --permission org:deployments:write",
    ],
  },
  {
    check: "permission.unused",
    organization: "eng",
    permission: "org:pull_requests:approve",
    last_used_at: null,
    holders: [{ email: "bob@acme.com", via: "role Senior Developer" }],
    summary:
      "org:pull_requests:approve has not been used in the last 90d (last used: never); held by bob@acme.com (role Senior Developer).",
    fix: [
      'clerk permission revoke --role "Senior Developer" --organization eng --permission org:pull_requests:approve',
    ],
  },
];

const OVER_PERMISSIONED = [
  {
    check: "member.over_permissioned",
    email: "bob@acme.com",
    permission: "org:metrics:read",
    scopes: [],
    expires_at: null,
    reason: "not_in_roles",
    role_grants: [],
    summary: "bob@acme.com holds org:metrics:read by direct grant, which none of their roles gives.",
    fix: ["clerk member revoke --organization eng --email bob@acme.com --permission org:metrics:read"],
  },
  {
    check: "member.over_permissioned",
    email: "carol@acme.com",
    permission: "org:deployments:write",
    reason: "not_in_roles",
    summary: "carol@acme.com holds org:deployments:write by direct grant, which none of their roles gives.",
    fix: ["clerk member revoke --organization eng --email carol@acme.com --permission org:deployments:write"],
  },
  {
    check: "member.over_permissioned",
    email: "dave@acme.com",
    permission: "org:deployments:write",
    scopes: ["environment:*"],
    reason: "wider_scope",
    role_grants: [{ via: "role Stager", scopes: ["environment:staging"], expires_at: null }],
    summary:
      "dave@acme.com holds org:deployments:write on environment:* by direct grant, on wider scopes than their roles give (role Stager on environment:staging).",
    fix: ["clerk member revoke --organization eng --email dave@acme.com --permission org:deployments:write"],
  },
];

const EXPIRED = [
  {
    check: "grant.expired",
    holder: { type: "role", name: "Developer" },
    permission: "org:logs:read",
    expired_at: Date.parse("2026-01-05T00:00:00Z"),
    summary: 'Role "Developer" still has a grant of org:logs:read that expired at 2026-01-05T00:00:00.000Z.',
    fix: ["clerk permission revoke --role Developer --organization eng --permission org:logs:read"],
  },
  {
    check: "grant.expired",
    holder: { type: "member", name: "eve@acme.com" },
    permission: "org:secrets:read",
    expired_at: Date.parse("2026-01-10T00:00:00Z"),
    summary: "eve@acme.com still has a grant of org:secrets:read that expired at 2026-01-10T00:00:00.000Z.",
    fix: ["clerk member revoke --organization eng --email eve@acme.com --permission org:secrets:read"],
  },
];

const ADMINS = [
  {
    check: "organization.single_admin",
    organization: "eng-web",
    admins: ["frank@acme.com"],
    summary:
      "eng-web has a single admin (frank@acme.com): if they leave or lose access, nobody there can manage its members.",
    fix: ["clerk org member add --organization eng-web --email <second-admin> --role Admin"],
  },
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: health checks`, () => {
    let t: TestStore;
    let api: TestApi | undefined;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t);
    });
    afterEach(async () => {
      await api?.app.close();
      api = undefined;
      await t.close();
    });

    it("role audit finds the role nobody holds, not one held only through a child role or in a child organization", async () => {
      expect(await auditRoles(t.ctx, "eng", { filter: "no-members" })).toMatchObject(ROLE_FINDINGS);
      expect(await auditRoles(t.ctx, "eng")).toHaveLength(1);
    });

    it("permission audit finds held permissions unused in the window, with who holds them and how to take them away", async () => {
      expect(await auditPermissions(t.ctx, "eng", { unusedFor: "90d" })).toMatchObject(PERMISSION_FINDINGS);
      // A window reaching back past the checks at T0+90d: now code and reviews are unused too.
      const wider = await auditPermissions(t.ctx, "eng", { unusedFor: "9d" });
      expect(wider.map((f) => f.permission)).toEqual([
        "org:code:read",
        "org:deployments:write",
        "org:pull_requests:approve",
        "org:reviews:read",
      ]);
      expect(wider.find((f) => f.permission === "org:code:read")?.last_used_at).toBe(T0 + 90 * DAY);
    });

    it("member audit finds direct grants beyond the roles, and expired grants still stored", async () => {
      expect(await auditMembers(t.ctx, "eng", { filter: "over-permissioned" })).toMatchObject(OVER_PERMISSIONED);
      expect(await auditMembers(t.ctx, "eng", { filter: "expired-grants" })).toMatchObject(EXPIRED);
      expect(await auditMembers(t.ctx, "eng")).toHaveLength(OVER_PERMISSIONED.length + EXPIRED.length);
    });

    it("finds organizations (this one and its descendants) with a single admin", async () => {
      expect(await auditAdmins(t.ctx, "eng")).toMatchObject(ADMINS);
    });

    it("the report gathers every check (no workflows or notifications here, so nothing blocked, overdue or dead-lettered)", async () => {
      const report = await healthReport(t.ctx, "eng");
      expect(report).toMatchObject({
        object: "health_report",
        organization: "eng",
        checked_at: T0 + 100 * DAY,
        unused_for: "90d",
        total_findings: 9,
      });
      expect(report.sections.map((s) => [s.check, s.available])).toEqual([
        ["role.no_members", true],
        ["permission.unused", true],
        ["member.over_permissioned", true],
        ["grant.expired", true],
        ["organization.single_admin", true],
        ["workflow.blocked", true],
        ["task.overdue", true],
        ["notification.dead_lettered", true],
        ["store.file_permissions", true],
      ]);
      const findings = report.sections.flatMap((s) => (s.available ? s.findings : []));
      expect(findings).toMatchObject([
        ...ROLE_FINDINGS,
        ...PERMISSION_FINDINGS,
        ...OVER_PERMISSIONED,
        ...EXPIRED,
        ...ADMINS,
      ]);
      expect(report.sections[5]).toEqual({
        check: "workflow.blocked",
        title: "Workflows blocked for lack of eligible reviewers",
        available: true,
        findings: [],
      });
      expect(report.sections[7]).toEqual({
        check: "notification.dead_lettered",
        title: "Dead-lettered notifications",
        available: true,
        findings: [],
      });
    });

    it("serves the same findings in-process (as the CLI calls them) and over HTTP", async () => {
      const local = localApi(t.ctx);
      expect(
        (
          await local.call(healthOperations.roles, {
            params: { organization_id: "eng" },
            query: { filter: "no-members" },
          })
        ).data,
      ).toMatchObject(ROLE_FINDINGS);
      expect(
        (
          await local.call(healthOperations.members, {
            params: { organization_id: "eng" },
            query: { filter: "expired-grants" },
          })
        ).data,
      ).toMatchObject(EXPIRED);
      api = await startApi(t);
      const remote = remoteApi({ url: api.url, secretKey: api.secret });
      const perms = await remote.call(healthOperations.permissions, {
        params: { organization_id: "eng" },
        query: { unused_for: "90d" },
      });
      expect(perms).toMatchObject({ data: PERMISSION_FINDINGS, total_count: 2 });
      const report = await remote.call(healthOperations.report, { params: { organization_id: "eng" } });
      expect(report.total_findings).toBe(9);
      expect(await remote.call(healthOperations.admins, { params: { organization_id: "eng" } })).toMatchObject({
        data: ADMINS,
        total_count: 1,
      });
      // Bad input is refused over HTTP with the same code and a message saying what would be right.
      const bad = await fetch(`${api.url}/v1/organizations/eng/health/permissions?unused_for=ninety`, {
        headers: { authorization: `Bearer ${api.secret}` },
      });
      expect(bad.status).toBe(422);
      const body = (await bad.json()) as {
        errors: { long_message: string; meta: { clerk_code: string; param_name: string } }[];
      };
      expect(body.errors[0]).toMatchObject({
        meta: { clerk_code: "health.invalid_duration", param_name: "unused_for" },
      });
      expect(body.errors[0]?.long_message).toContain("90d (days), 12h (hours) or 30m (minutes)");
      await expect(
        remote.call(healthOperations.members, { params: { organization_id: "eng" }, query: { filter: "lonely" } }),
      ).rejects.toMatchObject({
        code: "health.unknown_filter",
        message: '"lonely" is not a filter here; use over-permissioned or expired-grants (several comma-separated).',
      });
    });

    it("refuses an unknown filter and a bad duration before reading anything", async () => {
      await expect(auditRoles(t.ctx, "eng", { filter: "no-admins" })).rejects.toMatchObject({
        code: "health.unknown_filter",
        message: '"no-admins" is not a filter here; use no-members.',
      });
      await expect(auditPermissions(t.ctx, "eng", { unusedFor: "90" })).rejects.toMatchObject({
        code: "health.invalid_duration",
      });
      await expect(healthReport(t.ctx, "eng", { unusedFor: "3 months" })).rejects.toMatchObject({
        code: "health.invalid_duration",
      });
    });

    it("a member needs read access to the organization: eve (a Member) may; dave (Stager, no read) and george (not a member of eng) may not", async () => {
      expect(await auditRoles(await actingAs(t, "eve@acme.com"), "eng")).toHaveLength(1);
      await expect(healthReport(await actingAs(t, "dave@acme.com"), "eng")).rejects.toMatchObject({
        code: "permission.denied",
        message: expect.stringContaining("org:sys_memberships:read"),
      });
      await expect(auditRoles(await actingAs(t, "george@acme.com"), "eng")).rejects.toMatchObject({
        code: "org.not_found",
      });
    });
  });
}

describe(`${DIALECTS[0]}: clerk health prints the findings`, () => {
  let t: TestStore;
  afterEach(async () => {
    vi.restoreAllMocks();
    delete process.env.CLERK_API_URL;
    delete process.env.CLERK_SECRET_KEY;
    delete process.env.CLERK_CLOCK;
    await t.close();
  });

  it("as text, each finding with its fix, over the CLI's remote transport", async () => {
    t = await openTestStore(DIALECTS[0] ?? "sqlite");
    await seed(t);
    const api = await startApi(t);
    try {
      process.env.CLERK_API_URL = api.url;
      process.env.CLERK_SECRET_KEY = api.secret;
      let out = "";
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      await main(["health", "--organization", "eng", "--format", "table"]);
      expect(process.exitCode ?? 0).toBe(0);
      expect(out).toContain("Health of eng: 9 findings.");
      expect(out).toContain(
        'Roles without members (1)\n- Role "Old Role" (org:old_role) has no members, directly or through a role that extends it.\n    fix: clerk role delete --role "Old Role" --organization eng',
      );
      expect(out).toContain(
        "    fix: clerk member revoke --organization eng --email dave@acme.com --permission org:deployments:write",
      );
      expect(out).toContain("Workflows blocked for lack of eligible reviewers (0)\n  (none)");
      expect(out).toContain("Dead-lettered notifications (0)\n  (none)");
      out = "";
      await main(["permission", "audit", "--organization", "eng", "--unused-for", "90d", "--format", "json"]);
      expect(JSON.parse(out)).toMatchObject(PERMISSION_FINDINGS);
      out = "";
      let err = "";
      vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
        err += String(chunk);
        return true;
      });
      await main(["member", "audit", "--organization", "eng", "--filter", "lonely"]);
      expect(process.exitCode).toBe(2);
      expect(err).toBe(
        'error: "lonely" is not a filter here; use over-permissioned or expired-grants (several comma-separated).\n',
      );
    } finally {
      process.exitCode = 0;
      await api.app.close();
    }
  });
});
