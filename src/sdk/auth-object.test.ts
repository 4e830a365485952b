// has() and protect(): Clerk's semantics checked against Clerk's own SDK, then our roles, scopes, admin and overflow rules.
import { signedInAuthObject } from "@clerk/backend/internal";
import { describe, expect, it } from "vitest";
import { manualClock } from "../clock.js";
import { type AuthCheck, type MemberPermission, authObject, signedOutAuthObject } from "./auth-object.js";
import { type OrgAuthorization, encodeOrgClaims } from "./claims.js";
import { ProtectError } from "./protect-error.js";

const T0 = Date.parse("2026-01-15T10:00:00Z");
const base = {
  sub: "user_alice",
  sid: "sess_1",
  iss: "https://clerk.test",
  iat: T0 / 1000,
  nbf: T0 / 1000,
  exp: T0 / 1000 + 60,
};
const payload = (org: OrgAuthorization | undefined, version: 1 | 2 = 2, withPermissions = true) => ({
  ...base,
  ...encodeOrgClaims(org, version, withPermissions),
});

function denial(fn: () => unknown): number | "allowed" {
  try {
    fn();
    return "allowed";
  } catch (error) {
    if (error instanceof ProtectError) return error.status;
    throw error;
  }
}

describe("has() agrees with Clerk's own has() on Clerk's claims", () => {
  const admin: OrgAuthorization = {
    id: "org_1",
    slug: "acme",
    roles: ["org:admin"],
    permissions: ["org:dashboard:manage", "org:dashboard:read", "org:teams:read"],
    scoped: {},
  };
  const tokens = {
    "v2 admin": payload(admin, 2),
    "v1 admin": payload(admin, 1),
    "v2 no organization": payload(undefined, 2),
    "v1 no organization": payload(undefined, 1),
  };
  const checks: AuthCheck[] = [
    { role: "admin" },
    { role: "org:admin" },
    { role: "org:member" },
    { permission: "dashboard:read" },
    { permission: "org:dashboard:read" },
    { permission: "org:teams:manage" },
    { permission: "org:sys_memberships:manage" },
    { role: "admin", permission: "org:teams:read" },
    { role: "member", permission: "org:teams:read" },
    { role: "admin", permission: "org:teams:manage" },
    {},
  ];
  const rows = Object.entries(tokens).flatMap(([token, claims]) =>
    checks.map((check) => ({ token, claims, check, label: JSON.stringify(check) })),
  );
  it.each(rows)("$token: has($label)", ({ claims, check }) => {
    const clerk = signedInAuthObject({}, "token", claims as never);
    expect(authObject(claims).has(check)).toBe(clerk.has(check as never));
  });

  it("reproduces Clerk's documented answers", () => {
    const auth = authObject({
      ...base,
      v: 2,
      o: { id: "org_1", slg: "acme", rol: "admin", per: "manage,read", fpm: "3,2" },
      fea: "o:dashboard,o:teams",
    });
    expect([
      auth.has({ role: "admin" }),
      auth.has({ permission: "dashboard:read" }),
      auth.has({ permission: "org:teams:manage" }),
      auth.has({ permission: "org:sys_memberships:manage" }),
    ]).toEqual([true, true, false, false]);
  });
});

describe("has() beyond Clerk's claims", () => {
  const org: OrgAuthorization = {
    id: "org_1",
    slug: "eng",
    roles: ["org:reviewer", "org:developer"],
    permissions: ["org:pull_requests:approve", "org:deploy:admin"],
    scoped: {
      "org:code:read": ["repository:*-app"],
      "org:code:write": ["path:docs/"],
      "org:docs:admin": ["space:handbook"],
      "org:sys_domains:manage": ["domain:x"],
    },
  };
  const cases: { name: string; check: AuthCheck; allowed: boolean }[] = [
    { name: "the primary role matches", check: { role: "reviewer" }, allowed: true },
    { name: "a second role matches too", check: { role: "org:developer" }, allowed: true },
    { name: "a role the member lacks does not", check: { role: "org:admin" }, allowed: false },
    {
      name: "a wildcard scope allows a matching repository",
      check: { permission: "org:code:read", resource: "repository:web-app" },
      allowed: true,
    },
    {
      name: "a wildcard scope does not cross a slash",
      check: { permission: "org:code:read", resource: "repository:web-app/x" },
      allowed: false,
    },
    {
      name: "a wildcard scope does not allow another repository",
      check: { permission: "org:code:read", resource: "repository:partner" },
      allowed: false,
    },
    {
      name: "a scope of another type does not apply",
      check: { permission: "org:code:read", resource: "path:web-app" },
      allowed: false,
    },
    {
      name: "a scoped grant does not allow a check without a resource",
      check: { permission: "org:code:read" },
      allowed: false,
    },
    {
      name: "a path prefix allows a file below it",
      check: { permission: "code:write", resource: "path:docs/guide.md" },
      allowed: true,
    },
    {
      name: "a path that climbs out of the prefix is denied",
      check: { permission: "org:code:write", resource: "path:docs/../secrets.txt" },
      allowed: false,
    },
    {
      name: "the prefix itself without its slash is denied",
      check: { permission: "org:code:write", resource: "path:docs" },
      allowed: false,
    },
    {
      name: "an unscoped grant allows any resource",
      check: { permission: "org:pull_requests:approve", resource: "repository:anything" },
      allowed: true,
    },
    {
      name: "admin on a feature implies any action on it",
      check: { permission: "org:deploy:rollback" },
      allowed: true,
    },
    {
      name: "admin on a feature implies nothing on another",
      check: { permission: "org:billing:read" },
      allowed: false,
    },
    {
      name: "a scoped admin implies any action on its scope",
      check: { permission: "org:docs:publish", resource: "space:handbook" },
      allowed: true,
    },
    {
      name: "a scoped admin does not reach another scope",
      check: { permission: "org:docs:publish", resource: "space:secret" },
      allowed: false,
    },
    {
      name: "a scoped system permission is never true",
      check: { permission: "org:sys_domains:manage", resource: "domain:x" },
      allowed: false,
    },
    {
      name: "role and scoped permission must both hold",
      check: { role: "reviewer", permission: "org:code:read", resource: "repository:web-app" },
      allowed: true,
    },
    {
      name: "a failing role fails the whole check",
      check: { role: "admin", permission: "org:code:read", resource: "repository:web-app" },
      allowed: false,
    },
    { name: "a malformed permission key is false", check: { permission: "org:code" }, allowed: false },
    {
      name: "a malformed resource is false",
      check: { permission: "org:code:read", resource: "web-app" },
      allowed: false,
    },
    { name: "a resource alone asks nothing", check: { resource: "repository:web-app" }, allowed: false },
  ];
  it.each(cases.flatMap((c) => [1, 2].map((v) => ({ ...c, v }))))("v$v: $name", ({ check, allowed, v }) => {
    expect(authObject(payload(org, v as 1 | 2)).has(check)).toBe(allowed);
  });

  it("ignores a malformed scope in the claims instead of failing", () => {
    const auth = authObject({
      ...base,
      org_id: "org_1",
      org_role: "org:r",
      cx: { sc: { "org:code:read": ["no-colon", "repository:web"] } },
    });
    expect(auth.has({ permission: "org:code:read", resource: "repository:web" })).toBe(true);
    expect(auth.has({ permission: "org:code:read", resource: "no-colon" })).toBe(false);
  });

  it("is false without a user or an active organization", () => {
    expect(authObject({ ...payload(org), sub: undefined }).has({ role: "reviewer" })).toBe(false);
    expect(authObject(payload(undefined)).has({ role: "reviewer" })).toBe(false);
    expect(signedOutAuthObject().has({ role: "reviewer" })).toBe(false);
  });

  it("exposes Clerk's fields plus every role and the scoped grants", () => {
    const auth = authObject(payload(org));
    expect(auth).toMatchObject({
      userId: "user_alice",
      sessionId: "sess_1",
      orgId: "org_1",
      orgSlug: "eng",
      orgRole: "org:reviewer",
      orgRoles: ["org:reviewer", "org:developer"],
      orgPermissions: ["org:pull_requests:approve", "org:deploy:admin"],
      orgScopedPermissions: { "org:code:read": ["repository:*-app"] },
      permissionsUnavailable: false,
      tokenError: null,
    });
    expect(auth.sessionClaims?.sub).toBe("user_alice");
  });
});

describe("overflowed tokens", () => {
  const org: OrgAuthorization = {
    id: "org_1",
    slug: "eng",
    roles: ["org:reviewer"],
    permissions: ["org:code:read"],
    scoped: {},
  };
  const claims = payload(org, 2, false);
  const rows: MemberPermission[] = [
    { permission: "org:code:read", scopes: [], expires_at: null },
    { permission: "org:code:write", scopes: ["path:docs/"], expires_at: null },
    { permission: "org:deploy:write", scopes: ["environment:staging"], expires_at: T0 + 1_000 },
    { permission: "org:sys_memberships:read", scopes: [], expires_at: null },
  ];

  it("decides from the fetched permissions, exactly and synchronously, skipping expired grants", () => {
    const clock = manualClock(T0);
    const auth = authObject(claims, { permissions: rows, clock });
    expect(auth.orgPermissions).toEqual(["org:code:read"]);
    expect(auth.orgScopedPermissions).toEqual({
      "org:code:write": ["path:docs/"],
      "org:deploy:write": ["environment:staging"],
    });
    expect(auth.has({ permission: "org:code:read" })).toBe(true);
    expect(auth.has({ permission: "org:code:write", resource: "path:docs/a.md" })).toBe(true);
    expect(auth.has({ permission: "org:code:write", resource: "path:src/a.ts" })).toBe(false);
    expect(auth.has({ permission: "org:sys_memberships:read" })).toBe(false);
    expect(auth.has({ permission: "org:deploy:write", resource: "environment:staging" })).toBe(true);
    clock.advance(1_000);
    expect(auth.has({ permission: "org:deploy:write", resource: "environment:staging" })).toBe(false);
  });

  it("without fetched permissions: role checks still work, permission checks are false and protect answers 503", () => {
    const auth = authObject(claims);
    expect(auth.permissionsUnavailable).toBe(true);
    expect(auth.has({ role: "reviewer" })).toBe(true);
    expect(auth.has({ permission: "org:code:read" })).toBe(false);
    expect(denial(() => auth.protect({ permission: "org:code:read" }))).toBe(503);
    expect(denial(() => auth.protect({ role: "reviewer" }))).toBe("allowed");
    expect(denial(() => auth.protect({ role: "admin" }))).toBe(404);
  });

  it("ignores fetched permissions for a token that carries its own", () => {
    expect(authObject(payload(org), { permissions: [] }).has({ permission: "org:code:read" })).toBe(true);
  });
});

describe("protect()", () => {
  const auth = authObject(
    payload({ id: "org_1", slug: "eng", roles: ["org:member"], permissions: ["org:code:read"], scoped: {} }),
  );

  it.each([
    { name: "signed out → 401", auth: () => signedOutAuthObject(), check: undefined, status: 401 },
    {
      name: "signed out with a check → 401",
      auth: () => signedOutAuthObject(),
      check: { role: "member" },
      status: 401,
    },
    { name: "signed in, no check → allowed", auth: () => auth, check: undefined, status: "allowed" },
    { name: "held permission → allowed", auth: () => auth, check: { permission: "org:code:read" }, status: "allowed" },
    {
      name: "missing permission → 404 by default",
      auth: () => auth,
      check: { permission: "org:code:write" },
      status: 404,
    },
    {
      name: "missing role → 403 when configured",
      auth: () =>
        authObject(payload({ id: "o", slug: "s", roles: ["org:member"], permissions: [], scoped: {} }), {
          deniedStatus: 403,
        }),
      check: { role: "admin" },
      status: 403,
    },
    { name: "an empty check → 404", auth: () => auth, check: {}, status: 404 },
  ] as const)("$name", (c) => {
    expect(denial(() => c.auth().protect(c.check as AuthCheck | undefined))).toBe(c.status);
  });

  it("returns the auth object itself and accepts a predicate", () => {
    expect(auth.protect()).toBe(auth);
    expect(auth.protect((has) => has({ role: "member" }) || has({ role: "admin" }))).toBe(auth);
    expect(denial(() => auth.protect((has) => has({ role: "admin" })))).toBe(404);
  });

  it("throws an error that carries a Clerk-shaped body and a fetch Response", async () => {
    let error: ProtectError | undefined;
    try {
      signedOutAuthObject().protect();
    } catch (e) {
      error = e as ProtectError;
    }
    expect(error).toMatchObject({ status: 401, statusCode: 401, code: "authentication_invalid" });
    const response = error!.getResponse();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [{ code: "authentication_invalid", message: "Sign in to access this resource." }],
    });
  });
});

describe("checkRemote()", () => {
  it("answers false when signed out and refuses without an API", async () => {
    expect(await signedOutAuthObject().checkRemote({ permission: "org:a:read" })).toEqual({
      allowed: false,
      reason: "signed out",
    });
    await expect(
      authObject(payload({ id: "o", slug: "s", roles: ["org:r"], permissions: [], scoped: {} })).checkRemote({
        permission: "org:a:read",
      }),
    ).rejects.toThrow(/apiUrl and secretKey/);
  });

  it("passes the active organization and user to the API", async () => {
    const seen: unknown[] = [];
    const auth = authObject(payload({ id: "org_9", slug: "s", roles: ["org:r"], permissions: [], scoped: {} }), {
      checkRemote: async (q) => {
        seen.push(q);
        return { allowed: true, reason: "allowed: role r" };
      },
    });
    expect(await auth.checkRemote({ permission: "org:sys_memberships:read" })).toEqual({
      allowed: true,
      reason: "allowed: role r",
    });
    expect(seen).toEqual([
      { organizationId: "org_9", userId: "user_alice", permission: "org:sys_memberships:read", resource: undefined },
    ]);
  });
});
