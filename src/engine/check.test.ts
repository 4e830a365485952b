import { describe, expect, it } from "vitest";
import { check, drainUsage } from "./check.js";
import { compilePolicy } from "./compile.js";
import { parseScopes } from "./scope.js";
import type { CheckQuery, OrgPolicy, PolicyGrant, PolicyRole } from "./types.js";

const JUNE_30 = Date.UTC(2026, 5, 30);

function grant(id: string, permission: string, scopes = "", expiresAt: number | null = null): PolicyGrant {
  return { id, permission, scopes: scopes === "" ? [] : parseScopes(scopes), expiresAt };
}

function role(id: string, name: string, parentIds: string[], grants: PolicyGrant[]): PolicyRole {
  return { id, key: `org:${id}`, name, parentIds, grants };
}

// A chain base <- l1 <- ... <- l6 for depth, a diamond top <- left, right <- bottom, and the usual suspects.
const policy: OrgPolicy = {
  organizationId: "org_web",
  label: "acme-web",
  version: 3,
  inheritAncestorRead: true,
  roles: [
    role(
      "developer",
      "Developer",
      [],
      [grant("g_dev_read", "org:code:read", "repository:*-app"), grant("g_deploy", "org:deploy:write", "", JUNE_30)],
    ),
    role("reviewer", "Code Reviewer", ["developer"], [grant("g_approve", "org:pull_requests:approve")]),
    role("code_admin", "Code Admin", [], [grant("g_admin", "org:code:admin")]),
    role(
      "docs",
      "Docs Writer",
      [],
      [
        grant("g_docs", "org:docs:write", "path:docs/"),
        grant("g_any", "org:docs:read", "path:**"),
        grant("g_env", "org:deploy:read", "environment:staging,environment:qa"),
      ],
    ),
    role("base", "Base", [], [grant("g_deep", "org:vault:read")]),
    ...[1, 2, 3, 4, 5, 6].map((i) => role(`l${i}`, `Level ${i}`, [i === 1 ? "base" : `l${i - 1}`], [])),
    role("top", "Top", [], [grant("g_top", "org:wiki:read")]),
    role("left", "Left", ["top"], [grant("g_left", "org:wiki:write", "", 100)]),
    role("right", "Right", ["top"], [grant("g_right", "org:wiki:write")]),
    role("bottom", "Bottom", ["left", "right"], []),
  ],
  members: [
    { userId: "u_dev", label: "dev@acme.com", roleIds: ["developer"], grants: [] },
    { userId: "u_rev", label: "rev@acme.com", roleIds: ["reviewer"], grants: [] },
    { userId: "u_admin", label: "admin@acme.com", roleIds: ["code_admin"], grants: [] },
    { userId: "u_docs", label: "docs@acme.com", roleIds: ["docs"], grants: [] },
    { userId: "u_deep", label: "deep@acme.com", roleIds: ["l6"], grants: [] },
    { userId: "u_diamond", label: "diamond@acme.com", roleIds: ["bottom"], grants: [] },
    {
      userId: "u_temp",
      label: "temp@acme.com",
      roleIds: [],
      grants: [
        grant("g_direct", "org:billing:read", "", JUNE_30),
        grant("g_direct_scoped", "org:code:write", "repository:web"),
      ],
    },
    { userId: "u_both", label: "both@acme.com", roleIds: ["developer"], grants: [] },
  ],
  ancestors: [
    {
      organizationId: "org_acme",
      label: "acme",
      members: [
        {
          userId: "u_parent",
          label: "parent@acme.com",
          roleIds: ["developer", "code_admin"],
          grants: [grant("g_pdirect", "org:billing:read")],
        },
        { userId: "u_both", label: "both@acme.com", roleIds: ["code_admin"], grants: [] },
      ],
    },
    {
      organizationId: "org_root",
      label: "root",
      members: [{ userId: "u_grand", label: "grand@acme.com", roleIds: ["docs"], grants: [] }],
    },
  ],
};

const compiled = compilePolicy(policy);
const q = (subject: string, permission: string, resource?: string, at = 0): CheckQuery => ({
  subject,
  permission,
  resource,
  at,
});

describe("check", () => {
  it.each([
    // scopes
    ["a wildcard scope allows a matching repository", q("u_dev", "org:code:read", "repository:frontend-app"), true],
    ["a * wildcard does not reach below a /", q("u_dev", "org:code:read", "repository:frontend-app/x"), false],
    ["a scoped grant does not allow a check without a resource", q("u_dev", "org:code:read"), false],
    [
      "a scoped grant does not allow a resource of another type",
      q("u_dev", "org:code:read", "environment:frontend-app"),
      false,
    ],
    ["scope matching is case-sensitive", q("u_dev", "org:code:read", "repository:Frontend-App"), false],
    ["a malformed resource matches no scoped grant", q("u_dev", "org:code:read", "frontend-app"), false],
    ["an empty resource id matches no scoped grant", q("u_dev", "org:code:read", "repository:"), false],
    ["a path prefix allows files below it", q("u_docs", "org:docs:write", "path:docs/guide/intro.md"), true],
    ["a path prefix does not allow the bare directory name", q("u_docs", "org:docs:write", "path:docs"), false],
    ["a path escaping the prefix with .. is refused", q("u_docs", "org:docs:write", "path:docs/../secrets"), false],
    ["a path is normalised before matching", q("u_docs", "org:docs:write", "path:./docs//a.md"), true],
    ["** allows any normal path", q("u_docs", "org:docs:read", "path:a/b/c"), true],
    ["** does not allow a path above the root", q("u_docs", "org:docs:read", "path:../etc/passwd"), false],
    ["** does not allow an absolute path", q("u_docs", "org:docs:read", "path:/etc/passwd"), false],
    ["any of several scopes may match", q("u_docs", "org:deploy:read", "environment:qa"), true],
    ["none of several scopes matching denies", q("u_docs", "org:deploy:read", "environment:production"), false],
    // unscoped
    ["an unscoped grant allows a check without a resource", q("u_rev", "org:pull_requests:approve"), true],
    [
      "an unscoped grant allows any resource",
      q("u_rev", "org:pull_requests:approve", "repository:anything/at/all"),
      true,
    ],
    ["an unscoped grant allows even a malformed resource", q("u_rev", "org:pull_requests:approve", "nonsense"), true],
    // expiry
    ["a grant applies just before it expires", q("u_dev", "org:deploy:write", undefined, JUNE_30 - 1), true],
    ["a grant no longer applies exactly at its expiry", q("u_dev", "org:deploy:write", undefined, JUNE_30), false],
    ["a grant no longer applies after its expiry", q("u_dev", "org:deploy:write", undefined, JUNE_30 + 1), false],
    // inheritance
    ["a role inherits its parent's grants", q("u_rev", "org:code:read", "repository:web-app"), true],
    ["a parent does not inherit its child's grants", q("u_dev", "org:pull_requests:approve"), false],
    ["grants reach down a chain six roles deep", q("u_deep", "org:vault:read"), true],
    ["a diamond inherits the shared top once", q("u_diamond", "org:wiki:read"), true],
    ["a diamond inherits from both sides", q("u_diamond", "org:wiki:write", undefined, 500), true],
    // admin
    ["admin implies write on its feature", q("u_admin", "org:code:write"), true],
    ["admin implies an action nobody was granted", q("u_admin", "org:code:whatever"), true],
    ["admin implies admin", q("u_admin", "org:code:admin"), true],
    ["admin does not reach another feature", q("u_admin", "org:deploy:write"), false],
    ["write does not imply read", q("u_docs", "org:docs:read"), false],
    ["admin does not reach a feature whose name merely starts the same", q("u_admin", "org:code_x:read"), false],
    // direct grants
    ["a direct grant counts like a role's", q("u_temp", "org:billing:read"), true],
    ["a direct grant expires like a role's", q("u_temp", "org:billing:read", undefined, JUNE_30), false],
    ["a scoped direct grant allows its scope", q("u_temp", "org:code:write", "repository:web"), true],
    ["a scoped direct grant refuses other resources", q("u_temp", "org:code:write", "repository:api"), false],
    // ancestors
    [
      "an ancestor member reads what their ancestor roles let them read",
      q("u_parent", "org:code:read", "repository:web-app"),
      true,
    ],
    ["an ancestor member's admin gives read here", q("u_parent", "org:code:read", "repository:anything"), true],
    ["an ancestor member may not write, even with admin there", q("u_parent", "org:code:write"), false],
    ["an ancestor member's direct read grant counts", q("u_parent", "org:billing:read"), true],
    ["an ancestor member's scopes still apply", q("u_parent", "org:deploy:read", "environment:qa"), false],
    ["a member of a farther ancestor gets its reads", q("u_grand", "org:docs:read", "path:a.md"), true],
    ["a member of a farther ancestor may not write", q("u_grand", "org:docs:write", "path:docs/a.md"), false],
    ["a member here does not also get ancestor access", q("u_both", "org:code:read", "repository:x"), false],
    // unknowns
    ["an unknown subject is denied", q("u_nobody", "org:code:read", "repository:web-app"), false],
    ["an unknown permission is denied", q("u_dev", "org:nothing:read"), false],
    ["a malformed permission is denied", q("u_dev", "read:code"), false],
  ])("%s", (_name, query, allowed) => {
    expect(check(compiled, query).allowed).toBe(allowed);
  });

  it("turns ancestor access off when the organization does not inherit it", () => {
    const closed = compilePolicy({ ...policy, inheritAncestorRead: false });
    expect(check(closed, q("u_parent", "org:code:read", "repository:web-app"))).toEqual({
      allowed: false,
      reason: "denied: not a member of acme-web",
    });
    expect(check(closed, q("u_dev", "org:code:read", "repository:web-app")).allowed).toBe(true);
  });

  it.each([
    [
      "names the role path and scope",
      q("u_rev", "org:code:read", "repository:web-app"),
      "allowed: role Code Reviewer <- Developer grants org:code:read on repository:*-app",
    ],
    [
      "names the expiry",
      q("u_dev", "org:deploy:write"),
      "allowed: role Developer grants org:deploy:write until 2026-06-30T00:00:00.000Z",
    ],
    [
      "names admin's implication",
      q("u_admin", "org:code:write"),
      "allowed: role Code Admin grants org:code:admin (admin covers every org:code action)",
    ],
    [
      "names a direct grant",
      q("u_temp", "org:code:write", "repository:web"),
      "allowed: direct grant of org:code:write on repository:web",
    ],
    [
      "names the ancestor",
      q("u_parent", "org:code:read", "repository:web-app"),
      "allowed: ancestor acme (read-only) via role Developer grants org:code:read on repository:*-app",
    ],
    [
      "names the shortest path through a deep chain",
      q("u_deep", "org:vault:read"),
      "allowed: role Level 6 <- Level 5 <- Level 4 <- Level 3 <- Level 2 <- Level 1 <- Base grants org:vault:read",
    ],
    ["refuses a non-member", q("u_nobody", "org:code:read"), "denied: not a member of acme-web"],
    [
      "refuses a member without the grant",
      q("u_dev", "org:code:write"),
      "denied: no role or direct grant of the member in acme-web allows this",
    ],
    [
      "refuses an unknown permission",
      q("u_dev", "org:nothing:read"),
      "denied: no grant in acme-web covers this permission",
    ],
    [
      "refuses a malformed permission",
      q("u_dev", "code"),
      "denied: not a permission key; expected org:<feature>:<action>",
    ],
    [
      "refuses an ancestor member's write",
      q("u_parent", "org:code:write"),
      "denied: not a member of acme-web; members of its ancestors get read access only",
    ],
    [
      "refuses an ancestor member's missing read",
      q("u_parent", "org:wiki:read"),
      "denied: not a member of acme-web, and no ancestor membership grants this read",
    ],
  ])("gives a reason that %s", (_name, query, reason) => {
    expect(check(compiled, query).reason).toBe(reason);
  });

  it("returns a fresh allowed object each time, so a caller may keep or change it", () => {
    const first = check(compiled, q("u_rev", "org:pull_requests:approve"));
    const second = check(compiled, q("u_rev", "org:pull_requests:approve", "repository:x"));
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it("shares its denials, frozen", () => {
    const denial = check(compiled, q("u_nobody", "org:code:read"));
    expect(check(compiled, q("u_other", "org:code:read"))).toBe(denial);
    expect(Object.isFrozen(denial)).toBe(true);
  });
});

describe("check reasons, regressions", () => {
  it("keeps an ancestor's unscoped and scoped reasons for one entry apart (they once shared a cache key)", () => {
    const both = compilePolicy({
      organizationId: "org_c",
      label: "child",
      version: 1,
      inheritAncestorRead: true,
      members: [],
      roles: [
        role(
          "r",
          "Reader",
          [],
          [grant("g_until", "org:code:read", "", 10), grant("g_scoped", "org:code:read", "repository:*-app")],
        ),
      ],
      ancestors: [
        {
          organizationId: "org_p",
          label: "parent",
          members: [{ userId: "u", label: "u@acme.com", roleIds: ["r"], grants: [] }],
        },
      ],
    });
    expect(check(both, q("u", "org:code:read", "repository:web-app", 5)).reason).toBe(
      "allowed: ancestor parent (read-only) via role Reader grants org:code:read until 1970-01-01T00:00:00.010Z",
    );
    expect(check(both, q("u", "org:code:read", "repository:web-app", 10)).reason).toBe(
      "allowed: ancestor parent (read-only) via role Reader grants org:code:read on repository:*-app",
    );
  });
});

describe("drainUsage", () => {
  it("counts allowed checks per permission, ignores denials, and resets", () => {
    const fresh = compilePolicy(policy);
    check(fresh, q("u_dev", "org:code:read", "repository:web-app"));
    check(fresh, q("u_rev", "org:code:read", "repository:api-app"));
    check(fresh, q("u_dev", "org:code:write"));
    check(fresh, q("u_admin", "org:code:whatever"));
    check(fresh, q("u_parent", "org:code:read", "repository:x"));
    expect(drainUsage(fresh)).toEqual(
      new Map([
        ["org:code:read", 3],
        ["org:code:whatever", 1],
      ]),
    );
    expect(drainUsage(fresh)).toEqual(new Map());
  });
});
