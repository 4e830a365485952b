// The org claims: Clerk's v2 bitmask and v1 forms, our cx extension, and what malformed claims decode to.
import { describe, expect, it } from "vitest";
import { type OrgAuthorization, decodeOrgClaims, encodeOrgClaims } from "./claims.js";

const org: OrgAuthorization = {
  id: "org_1",
  slug: "eng",
  roles: ["org:reviewer", "org:developer"],
  permissions: ["org:code:read", "org:pull_requests:approve", "org:code:write", "org:sys_memberships:read"],
  scoped: { "org:deployments:write": ["environment:staging"], "org:sys_domains:manage": ["x:y"] },
};

describe("encodeOrgClaims and decodeOrgClaims", () => {
  it("decodes Clerk's documented v2 example exactly as Clerk's SDK does", () => {
    const decoded = decodeOrgClaims({
      v: 2,
      o: { id: "org_1", slg: "acme", rol: "admin", per: "manage,read", fpm: "3,2" },
      fea: "o:dashboard,o:teams",
    });
    expect(decoded.orgPermissions).toEqual(["org:dashboard:manage", "org:dashboard:read", "org:teams:read"]);
    expect(decoded).toMatchObject({
      orgId: "org_1",
      orgSlug: "acme",
      orgRole: "org:admin",
      orgRoles: ["org:admin"],
      overflow: false,
    });
  });

  it("writes v2 as Clerk's encoding rule says: distinct actions in per, one fea item and fpm mask per feature", () => {
    const claims = encodeOrgClaims(org, 2);
    expect(claims).toEqual({
      v: 2,
      o: { id: "org_1", slg: "eng", rol: "reviewer", per: "read,approve,write", fpm: "5,2" },
      fea: "o:code,o:pull_requests",
      cx: { rls: ["org:reviewer", "org:developer"], sc: { "org:deployments:write": ["environment:staging"] } },
    });
  });

  it.each([1, 2] as const)("round-trips v%i: roles, unscoped and scoped permissions, never org:sys_*", (version) => {
    const decoded = decodeOrgClaims(encodeOrgClaims(org, version) as Record<string, unknown>);
    expect(decoded.orgId).toBe("org_1");
    expect(decoded.orgSlug).toBe("eng");
    expect(decoded.orgRole).toBe("org:reviewer");
    expect(decoded.orgRoles).toEqual(["org:reviewer", "org:developer"]);
    expect([...decoded.orgPermissions].sort()).toEqual([
      "org:code:read",
      "org:code:write",
      "org:pull_requests:approve",
    ]);
    expect(decoded.scoped).toEqual({ "org:deployments:write": ["environment:staging"] });
    expect(decoded.overflow).toBe(false);
  });

  it.each([1, 2] as const)("writes the v%i overflow form: role kept, permissions left out, cx.ovf set", (version) => {
    const claims = encodeOrgClaims(org, version, false) as Record<string, unknown>;
    expect(JSON.stringify(claims)).not.toContain("code");
    const decoded = decodeOrgClaims(claims);
    expect(decoded).toMatchObject({
      orgId: "org_1",
      orgRole: "org:reviewer",
      orgPermissions: [],
      scoped: {},
      overflow: true,
    });
  });

  it("writes v1 with the prefixed role and only custom permissions", () => {
    expect(encodeOrgClaims({ ...org, roles: ["org:admin"] }, 1)).toEqual({
      org_id: "org_1",
      org_slug: "eng",
      org_role: "org:admin",
      org_permissions: ["org:code:read", "org:pull_requests:approve", "org:code:write"],
      cx: { sc: { "org:deployments:write": ["environment:staging"] } },
    });
  });

  it("reads a feature mask beyond 2^53 (Clerk parses arbitrarily large decimals)", () => {
    const actions = Array.from({ length: 60 }, (_, i) => `a${i}`);
    const decoded = decodeOrgClaims({
      v: 2,
      o: { id: "org_1", slg: "s", rol: "r", per: actions.join(","), fpm: (1n << 59n).toString() },
      fea: "o:f",
    });
    expect(decoded.orgPermissions).toEqual(["org:f:a59"]);
  });

  it("indexes fpm by organization features only, skipping user features (Clerk's rule)", () => {
    const decoded = decodeOrgClaims({
      v: 2,
      o: { id: "org_1", slg: "s", rol: "r", per: "read", fpm: "1,1" },
      fea: "u:billing,o:code,ou:docs,x:other",
    });
    expect(decoded.orgPermissions).toEqual(["org:code:read", "org:docs:read"]);
  });

  const cases: {
    name: string;
    payload: Record<string, unknown>;
    expected: Partial<ReturnType<typeof decodeOrgClaims>>;
  }[] = [
    {
      name: "no organization (v2 without o)",
      payload: { v: 2 },
      expected: { orgId: null, orgRole: null, orgRoles: [], orgPermissions: [] },
    },
    {
      name: "no organization (v1 without org_id)",
      payload: { org_role: "org:admin" },
      expected: { orgId: null, orgRoles: [] },
    },
    { name: "an o that is not an object", payload: { v: 2, o: "org_1" }, expected: { orgId: null } },
    {
      name: "a non-numeric fpm entry gives that feature nothing",
      payload: { v: 2, o: { id: "o", slg: "s", rol: "r", per: "read", fpm: "x,1" }, fea: "o:a,o:b" },
      expected: { orgPermissions: ["org:b:read"] },
    },
    {
      name: "missing per gives no permissions",
      payload: { v: 2, o: { id: "o", slg: "s", rol: "r", fpm: "1" }, fea: "o:a" },
      expected: { orgPermissions: [] },
    },
    {
      name: "missing fea gives no permissions",
      payload: { v: 2, o: { id: "o", slg: "s", rol: "r", per: "read", fpm: "1" } },
      expected: { orgPermissions: [] },
    },
    {
      name: "a malformed cx.sc entry is dropped",
      payload: {
        org_id: "o",
        org_role: "org:r",
        cx: { sc: { "org:a:read": "repository:x", "code:write": ["path:docs/"] } },
      },
      expected: { scoped: { "org:code:write": ["path:docs/"] } },
    },
    {
      name: "cx.rls with non-strings falls back to the primary role",
      payload: { org_id: "o", org_role: "r", cx: { rls: [1] } },
      expected: { orgRoles: ["org:r"] },
    },
    {
      name: "non-string v1 permissions are dropped",
      payload: { org_id: "o", org_role: "r", org_permissions: ["org:a:read", 3] },
      expected: { orgPermissions: ["org:a:read"] },
    },
    {
      name: "cx.ovf other than 1 is not overflow",
      payload: { org_id: "o", org_role: "r", cx: { ovf: true } },
      expected: { overflow: false },
    },
  ];
  it.each(cases)("decodes $name", ({ payload, expected }) => {
    expect(decodeOrgClaims(payload)).toMatchObject(expected);
  });
});
