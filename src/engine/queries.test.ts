import { describe, expect, it } from "vitest";
import { compilePolicy } from "./compile.js";
import { EngineInputError } from "./errors.js";
import { effectivePermissions, whoCan } from "./queries.js";
import { parseScopes } from "./scope.js";
import type { OrgPolicy, PolicyGrant } from "./types.js";

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
      id: "r_cr",
      key: "org:code_reviewer",
      name: "Code Reviewer",
      parentIds: [],
      grants: [grant("g_read", "org:code:read", "repository:*-app"), grant("g_old", "org:legacy:read", "", 10)],
    },
    {
      id: "r_sr",
      key: "org:senior_reviewer",
      name: "Senior Reviewer",
      parentIds: ["r_cr"],
      grants: [grant("g_approve", "org:pull_requests:approve")],
    },
    {
      id: "r_dev",
      key: "org:developer",
      name: "Developer",
      parentIds: [],
      grants: [grant("g_read2", "org:code:read", "repository:*-app"), grant("g_write", "org:code:write")],
    },
    { id: "r_admin", key: "org:admin", name: "Admin", parentIds: [], grants: [grant("g_admin", "org:code:admin")] },
  ],
  members: [
    {
      userId: "u_alice",
      label: "alice@acme.com",
      roleIds: ["r_sr", "r_dev"],
      grants: [grant("g_temp", "org:billing:read", "", JUNE_30)],
    },
    { userId: "u_bob", label: "bob@acme.com", roleIds: ["r_cr"], grants: [] },
    { userId: "u_root", label: "root@acme.com", roleIds: ["r_admin"], grants: [] },
  ],
  ancestors: [
    {
      organizationId: "org_acme",
      label: "acme-engineering",
      members: [
        { userId: "u_carol", label: "carol@acme.com", roleIds: ["r_dev", "r_admin"], grants: [] },
        { userId: "u_bob", label: "bob@acme.com", roleIds: ["r_admin"], grants: [] },
      ],
    },
  ],
};
const compiled = compilePolicy(policy);
const scopes = (text: string) => parseScopes(text);

describe("effectivePermissions", () => {
  it("lists a member's permissions with every path they come from, sorted by permission", () => {
    expect(effectivePermissions(compiled, "u_alice", 100)).toEqual([
      { permission: "org:billing:read", scopes: [], expiresAt: JUNE_30, sources: ["direct grant"] },
      {
        permission: "org:code:read",
        scopes: scopes("repository:*-app"),
        expiresAt: null,
        sources: ["role Senior Reviewer <- Code Reviewer", "role Developer"],
      },
      { permission: "org:code:write", scopes: [], expiresAt: null, sources: ["role Developer"] },
      { permission: "org:pull_requests:approve", scopes: [], expiresAt: null, sources: ["role Senior Reviewer"] },
    ]);
  });

  it("keeps a grant until the moment it expires", () => {
    expect(effectivePermissions(compiled, "u_bob", 9).map((e) => e.permission)).toEqual([
      "org:code:read",
      "org:legacy:read",
    ]);
    expect(effectivePermissions(compiled, "u_bob", 10).map((e) => e.permission)).toEqual(["org:code:read"]);
  });

  it("lists an ancestor member's reads only, admin showing as the read it gives", () => {
    expect(effectivePermissions(compiled, "u_carol", 0)).toEqual([
      {
        permission: "org:code:read",
        scopes: [],
        expiresAt: null,
        sources: ["ancestor acme-engineering (read-only) via role Admin (org:code:admin)"],
      },
      {
        permission: "org:code:read",
        scopes: scopes("repository:*-app"),
        expiresAt: null,
        sources: ["ancestor acme-engineering (read-only) via role Developer"],
      },
    ]);
  });

  it("gives a member here nothing from their ancestor membership", () => {
    expect(effectivePermissions(compiled, "u_bob", 100).map((e) => e.sources)).toEqual([["role Code Reviewer"]]);
  });

  it("gives nothing to a stranger, or to an ancestor member when inheritance is off", () => {
    expect(effectivePermissions(compiled, "u_nobody", 0)).toEqual([]);
    expect(effectivePermissions(compilePolicy({ ...policy, inheritAncestorRead: false }), "u_carol", 0)).toEqual([]);
  });
});

describe("whoCan", () => {
  it("lists the members who may, with the path, ancestors last", () => {
    expect(whoCan(compiled, "org:code:read", "repository:web-app", 0)).toEqual([
      {
        userId: "u_alice",
        label: "alice@acme.com",
        reason: "role Senior Reviewer <- Code Reviewer grants org:code:read on repository:*-app",
      },
      { userId: "u_bob", label: "bob@acme.com", reason: "role Code Reviewer grants org:code:read on repository:*-app" },
      {
        userId: "u_root",
        label: "root@acme.com",
        reason: "role Admin grants org:code:admin (admin covers every org:code action)",
      },
      {
        userId: "u_carol",
        label: "carol@acme.com",
        reason: "ancestor acme-engineering (read-only) via role Developer grants org:code:read on repository:*-app",
      },
    ]);
  });

  it.each([
    [
      "leaves out scoped holders when the resource does not match",
      "org:code:read",
      "repository:web-app/x",
      ["u_root", "u_carol"],
    ],
    ["leaves out scoped holders when no resource is named", "org:code:read", undefined, ["u_root", "u_carol"]],
    ["leaves out ancestor members for a write", "org:code:write", undefined, ["u_alice", "u_root"]],
    ["reaches an action nobody is granted through admin", "org:code:deploy", undefined, ["u_root"]],
    ["accepts the shorthand", "approve:pull-requests", undefined, ["u_alice"]],
    ["finds nobody for a permission nobody holds", "org:nothing:read", undefined, []],
  ])("%s", (_name, permission, resource, users) => {
    expect(whoCan(compiled, permission, resource, 0).map((w) => w.userId)).toEqual(users);
  });

  it("applies expiry at the given time", () => {
    expect(whoCan(compiled, "org:billing:read", undefined, JUNE_30 - 1).map((w) => w.userId)).toEqual(["u_alice"]);
    expect(whoCan(compiled, "org:billing:read", undefined, JUNE_30)).toEqual([]);
  });

  it.each([
    ["a malformed permission", "code", undefined, /names no feature/],
    ["a malformed resource", "org:code:read", "web-app", /has no type/],
  ])("refuses %s", (_name, permission, resource, message) => {
    expect(() => whoCan(compiled, permission, resource, 0)).toThrow(EngineInputError);
    expect(() => whoCan(compiled, permission, resource, 0)).toThrow(message);
  });
});
