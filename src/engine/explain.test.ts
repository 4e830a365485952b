import { describe, expect, it } from "vitest";
import { check, drainUsage } from "./check.js";
import { compilePolicy } from "./compile.js";
import { explain } from "./explain.js";
import { parseScopes } from "./scope.js";
import type { CheckQuery, OrgPolicy, PolicyGrant } from "./types.js";

const JUNE_30 = Date.UTC(2026, 5, 30);
const grant = (id: string, permission: string, scopes = "", expiresAt: number | null = null): PolicyGrant => ({
  id,
  permission,
  scopes: scopes === "" ? [] : parseScopes(scopes),
  expiresAt,
});

const policy: OrgPolicy = {
  organizationId: "org_web",
  label: "acme-web",
  version: 1,
  inheritAncestorRead: true,
  roles: [
    {
      id: "r_dev",
      key: "org:developer",
      name: "Developer",
      parentIds: [],
      grants: [grant("g_read", "org:code:read", "repository:*-app")],
    },
    { id: "r_cr", key: "org:code_reviewer", name: "Code Reviewer", parentIds: ["r_dev"], grants: [] },
    {
      id: "r_sr",
      key: "org:senior_reviewer",
      name: "Senior Reviewer",
      parentIds: ["r_cr"],
      grants: [grant("g_write", "org:code:write", "", JUNE_30)],
    },
    {
      id: "r_ops",
      key: "org:ops",
      name: "Ops",
      parentIds: [],
      grants: [grant("g_env", "org:deploy:write", "environment:staging")],
    },
  ],
  members: [
    { userId: "u_alice", label: "alice@acme.com", roleIds: ["r_sr"], grants: [] },
    { userId: "u_dev", label: "dev@acme.com", roleIds: ["r_dev"], grants: [] },
    {
      userId: "u_ops",
      label: "ops@acme.com",
      roleIds: ["r_ops"],
      grants: [grant("g_d", "org:docs:read", "path:docs/")],
    },
  ],
  ancestors: [
    {
      organizationId: "org_acme",
      label: "acme",
      members: [{ userId: "u_carol", label: "carol@acme.com", roleIds: ["r_dev"], grants: [] }],
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

describe("explain", () => {
  it("walks an allowed check from the member through the parent roles to the scope", () => {
    const e = explain(compiled, q("u_alice", "org:code:read", "repository:frontend-app"));
    expect(e.allowed).toBe(true);
    expect(e.path).toEqual([
      { kind: "member", id: "u_alice", label: "alice@acme.com" },
      { kind: "role", id: "r_sr", label: "Senior Reviewer" },
      { kind: "parent_role", id: "r_cr", label: "Code Reviewer" },
      { kind: "parent_role", id: "r_dev", label: "Developer" },
      { kind: "grant", id: "g_read", label: "org:code:read" },
      { kind: "scope", id: "repository:*-app", label: "repository:*-app matches repository:frontend-app" },
    ]);
    expect(e.reason).toBe(
      "allowed: alice@acme.com -> role Senior Reviewer -> parent role Code Reviewer -> parent role Developer -> grant org:code:read -> scope repository:*-app matches repository:frontend-app",
    );
  });

  it("walks an ancestor member's read through the ancestor", () => {
    const e = explain(compiled, q("u_carol", "org:code:read", "repository:web-app"));
    expect(e.path.map((s) => s.kind)).toEqual(["member", "ancestor", "role", "grant", "scope"]);
    expect(e.path[1]).toEqual({ kind: "ancestor", id: "org_acme", label: "acme (read-only)" });
  });

  it("shows the normalised path a scope matched", () => {
    const e = explain(compiled, q("u_ops", "org:docs:read", "path:./docs//a.md"));
    expect(e.path.at(-1)?.label).toBe("path:docs/ matches path:docs/a.md (normalised from path:./docs//a.md)");
  });

  it.each([
    [
      "another action of the same feature",
      q("u_dev", "org:code:write", "repository:web-app"),
      "Developer grants org:code:read on repository:*-app, not org:code:write",
    ],
    [
      "an expired grant",
      q("u_alice", "org:code:write", undefined, JUNE_30),
      "grant org:code:write expired at 2026-06-30T00:00:00.000Z (role Senior Reviewer)",
    ],
    [
      "a scope that does not match",
      q("u_dev", "org:code:read", "repository:frontend-app/x"),
      "scope repository:*-app does not match repository:frontend-app/x (role Developer grants org:code:read)",
    ],
    [
      "a scoped grant checked without a resource",
      q("u_dev", "org:code:read"),
      "grant org:code:read (role Developer) is scoped to repository:*-app; a check without a resource needs an unscoped grant",
    ],
    [
      "a scope of another type",
      q("u_ops", "org:deploy:write", "repository:staging"),
      "scope environment:staging does not apply to repository:staging (role Ops grants org:deploy:write)",
    ],
    [
      "a direct grant's path escaping its prefix",
      q("u_ops", "org:docs:read", "path:docs/../secrets"),
      "scope path:docs/ does not match path:docs/../secrets (direct grant of org:docs:read)",
    ],
    [
      "a malformed resource",
      q("u_dev", "org:code:read", "frontend-app"),
      "grant org:code:read (role Developer) is scoped to repository:*-app; resource frontend-app is not a type:id that a scope can match",
    ],
  ])("names the nearest miss for %s", (_name, query, miss) => {
    const e = explain(compiled, query);
    expect(e.allowed).toBe(false);
    expect(e.nearestMiss).toBe(miss);
    expect(e.reason).toContain(`; nearest miss: ${miss}`);
  });

  it("prefers an expired grant over another action as the nearest miss", () => {
    const e = explain(compiled, q("u_alice", "org:code:write", "repository:web-app", JUNE_30 + 1));
    expect(e.nearestMiss).toMatch(/^grant org:code:write expired at/);
  });

  it.each([
    [
      "a member with nothing near",
      q("u_ops", "org:billing:read"),
      "denied: no role or direct grant of ops@acme.com in acme-web allows org:billing:read (without a resource)",
    ],
    ["a stranger", q("u_x", "org:code:read"), "denied: u_x is not a member of acme-web or of any of its ancestors"],
    [
      "an ancestor member's write",
      q("u_carol", "org:code:write"),
      "denied: carol@acme.com is not a member of acme-web; as a member of ancestor acme they get read access only, and org:code:write is not a read permission",
    ],
    [
      "a malformed key",
      q("u_dev", "code"),
      'denied: "code" is not a permission key; expected org:<feature>:<action>, e.g. org:code:read',
    ],
  ])("says what was missing for %s", (_name, query, reason) => {
    const e = explain(compiled, query);
    expect(e).toEqual({ allowed: false, reason, path: [] });
  });

  it("says ancestor access is off when the organization does not inherit it", () => {
    const e = explain(
      compilePolicy({ ...policy, inheritAncestorRead: false }),
      q("u_carol", "org:code:read", "repository:web-app"),
    );
    expect(e.reason).toBe(
      "denied: carol@acme.com is not a member of acme-web, and acme-web does not give members of ancestor acme read access",
    );
  });

  it("agrees with check and does not count usage", () => {
    const fresh = compilePolicy(policy);
    const queries = [
      q("u_alice", "org:code:read", "repository:frontend-app"),
      q("u_alice", "org:code:write", undefined, JUNE_30),
      q("u_carol", "org:code:read", "repository:a-app"),
      q("u_carol", "org:code:write"),
      q("u_ops", "org:docs:read", "path:docs/x"),
    ];
    const explained = queries.map((query) => explain(fresh, query).allowed);
    expect(explained).toEqual(queries.map((query) => check(compilePolicy(policy), query).allowed));
    expect(drainUsage(fresh)).toEqual(new Map());
  });
});
