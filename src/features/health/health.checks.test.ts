// The pure health checks: durations, filters, role holding through children, usage, excess grants, fix commands.
import { describe, expect, it } from "vitest";
import { type PolicyGrant, type PolicyRole, parseScope } from "../../engine/index.js";
import {
  arg,
  fix,
  heldGrants,
  lastUsed,
  overPermissioned,
  parseDuration,
  parseFilters,
  rolesWithoutMembers,
  unusedPermissions,
} from "./health.checks.js";

const grant = (
  id: string,
  permission: string,
  scopes: string[] = [],
  expiresAt: number | null = null,
): PolicyGrant => ({ id, permission, scopes: scopes.map((s) => parseScope(s)), expiresAt });
const role = (id: string, name: string, parentIds: string[] = [], grants: PolicyGrant[] = []): PolicyRole => ({
  id,
  key: `org:${id}`,
  name,
  parentIds,
  grants,
});

describe("parseDuration", () => {
  it.each([
    ["90d", 90 * 86_400_000],
    ["12h", 12 * 3_600_000],
    ["30m", 30 * 60_000],
    [" 7d ", 7 * 86_400_000],
  ])("reads %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "90", "d", "90 days", "1.5d", "-3d", "0d", "3w", "90D"])(
    "refuses %j with a message naming the right forms",
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        expect.objectContaining({
          code: "health.invalid_duration",
          message: expect.stringContaining("90d (days), 12h (hours) or 30m (minutes)"),
        }),
      );
    },
  );
});

describe("parseFilters", () => {
  const allowed = ["over-permissioned", "expired-grants"] as const;
  it("gives the fallback for none, and accepts several comma-separated", () => {
    expect(parseFilters(undefined, allowed, allowed)).toEqual(["over-permissioned", "expired-grants"]);
    expect(parseFilters("expired-grants", allowed, allowed)).toEqual(["expired-grants"]);
    expect(parseFilters("Expired-Grants, over-permissioned", allowed, allowed)).toEqual([
      "expired-grants",
      "over-permissioned",
    ]);
  });
  it("refuses an unknown filter, listing the known ones", () => {
    expect(() => parseFilters("no-members", allowed, allowed)).toThrow(
      expect.objectContaining({
        code: "health.unknown_filter",
        message:
          '"no-members" is not a filter here; use over-permissioned or expired-grants (several comma-separated).',
      }),
    );
  });
});

describe("rolesWithoutMembers", () => {
  const roles = [
    role("base", "Base"),
    role("senior", "Senior", ["base"]),
    role("old", "Old"),
    role("older", "Older Child", ["old"]),
    role("other", "Other"),
  ];
  it("counts a role inherited by a held role as held, and lists children before the roles they extend", () => {
    const found = rolesWithoutMembers(roles, [["senior"]], new Set(["base", "senior", "old", "older"]));
    expect(found.map((r) => r.name)).toEqual(["Older Child", "Old"]);
  });
  it("looks only at the candidates", () => {
    expect(rolesWithoutMembers(roles, [], new Set(["other"])).map((r) => r.name)).toEqual(["Other"]);
  });
});

describe("lastUsed", () => {
  const usage = new Map([
    ["org:code:read", { count: 3, lastUsedAt: 100 }],
    ["org:code:write", { count: 1, lastUsedAt: 200 }],
  ]);
  it("is the key's own time, and for an admin grant the latest of its feature", () => {
    expect(lastUsed("org:code:read", usage)).toBe(100);
    expect(lastUsed("org:code:admin", usage)).toBe(200);
    expect(lastUsed("org:wiki:read", usage)).toBeNull();
  });
});

describe("unusedPermissions", () => {
  const held = heldGrants({
    organizationId: "org_1",
    label: "eng",
    version: 1,
    roles: [
      role(
        "admin",
        "Admin",
        [],
        [grant("g1", "org:sys_memberships:manage"), grant("g2", "org:wiki:write"), grant("g3", "org:code:read")],
      ),
    ],
    members: [
      {
        userId: "u1",
        label: "alice@acme.com",
        roleIds: ["admin"],
        grants: [grant("g4", "org:metrics:read"), grant("g5", "org:logs:read", [], 5)],
      },
    ],
    ancestors: [],
    inheritAncestorRead: false,
  });
  const usage = new Map([["org:code:read", { count: 1, lastUsedAt: 100 }]]);
  it("reports live, old-enough, non-system permissions not used since the window opened", () => {
    const created = new Map([["g4", 150]]);
    const found = unusedPermissions(held, usage, 100, 200, (id) => created.get(id) ?? 0);
    expect(found.map((u) => [u.permission, u.lastUsedAt, u.holders.map((h) => h.grant.id)])).toEqual([
      ["org:wiki:write", null, ["g2"]],
    ]);
  });
  it("counts a use before the window as unused, with when it was last used", () => {
    expect(unusedPermissions(held, usage, 101, 200, () => 0).map((u) => [u.permission, u.lastUsedAt])).toEqual([
      ["org:code:read", 100],
      ["org:metrics:read", null],
      ["org:wiki:write", null],
    ]);
  });
});

describe("overPermissioned", () => {
  const policy = (direct: PolicyGrant[], roleGrants: PolicyGrant[]) =>
    heldGrants({
      organizationId: "org_1",
      label: "eng",
      version: 1,
      roles: [role("dev", "Developer", [], roleGrants)],
      members: [{ userId: "u1", label: "carol@acme.com", roleIds: ["dev"], grants: direct }],
      ancestors: [],
      inheritAncestorRead: false,
    });
  const reasons = (direct: PolicyGrant[], roleGrants: PolicyGrant[]) =>
    overPermissioned(policy(direct, roleGrants), 50).map((e) => e.reason);

  it("flags a direct grant of a permission no role of theirs gives", () => {
    expect(reasons([grant("d", "org:deployments:write")], [grant("r", "org:code:read")])).toEqual(["not_in_roles"]);
  });
  it("flags a direct grant on wider scopes than the role's", () => {
    expect(
      reasons(
        [grant("d", "org:deployments:write", ["environment:*"])],
        [grant("r", "org:deployments:write", ["environment:staging"])],
      ),
    ).toEqual(["wider_scope"]);
  });
  it("flags a direct grant that outlasts the role's", () => {
    expect(reasons([grant("d", "org:code:read", [], 1000)], [grant("r", "org:code:read", [], 500)])).toEqual([
      "later_expiry",
    ]);
  });
  it("passes a direct grant the roles already cover (also through the feature's admin grant), and ignores expired ones", () => {
    expect(
      reasons(
        [grant("d", "org:code:read", ["repository:web-app"], 100)],
        [grant("r", "org:code:read", ["repository:*-app"])],
      ),
    ).toEqual([]);
    expect(reasons([grant("d", "org:code:write")], [grant("r", "org:code:admin")])).toEqual([]);
    expect(reasons([grant("d", "org:wiki:write", [], 10)], [])).toEqual([]);
  });
});

describe("fix commands", () => {
  it("quote what the shell would split, and name the role's organization when it has one", () => {
    expect(arg("carol@acme.com")).toBe("carol@acme.com");
    expect(arg("Old Role")).toBe('"Old Role"');
    expect(fix.deleteRole("Old Role", "eng")).toBe('clerk role delete --role "Old Role" --organization eng');
    expect(fix.revokeFromRole("Admin", null, "org:wiki:write")).toBe(
      "clerk permission revoke --role Admin --permission org:wiki:write",
    );
    expect(fix.revokeFromMember("eng", "x@acme.com", "org:deployments:write")).toBe(
      "clerk member revoke --organization eng --email x@acme.com --permission org:deployments:write",
    );
  });
});
