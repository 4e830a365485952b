// The auth object apps read: who is signed in, the active organization, and has()/protect() decided from the claims alone.
import { type Clock, systemClock } from "../clock.js";
import { type Scope, parseScope, scopeMatches } from "../engine/index.js";
import { type DecodedOrg, decodeOrgClaims } from "./claims.js";
import { ProtectError } from "./protect-error.js";
import type { TokenVerificationReason } from "./token-errors.js";
import type { SessionTokenPayload } from "./verify-token.js";

/** What `has()` and `protect()` ask. Every given part must hold; asking nothing is never allowed. */
export interface AuthCheck {
  /** A role key, with or without `org:`; matches any of the member's roles. */
  role?: string;
  /** A permission key `org:<feature>:<action>` (or `<feature>:<action>`). */
  permission?: string;
  /** A resource `type:id`; a scoped grant then counts when one of its scopes matches it. */
  resource?: string;
}

/** One effective permission, as `GET /v1/organizations/{org}/memberships/{user}/permissions` lists it. */
export interface MemberPermission {
  permission: string;
  /** `type:pattern` scopes; empty means every resource. */
  scopes: string[];
  /** Unix ms, or null for a grant that does not expire. */
  expires_at: number | null;
  sources?: string[];
}

/** The server's answer to `POST /v1/check`. */
export interface RemoteDecision {
  allowed: boolean;
  reason: string;
}

/** A question for `POST /v1/check`. */
export interface RemoteQuery {
  organizationId: string;
  userId: string;
  permission: string;
  resource?: string;
  /**
   * A `Clerk-Consistency-Token` a write answered: the server decides on at least the policy versions it names
   * (waiting up to 2 s for them), so a check right after a change sees that change on any server.
   */
  atLeast?: string;
}

/** How an auth object decides beyond the claims. */
export interface AuthObjectOptions {
  /** The organization claims, when already decoded (saves decoding the payload again). */
  org?: DecodedOrg;
  /** The member's permissions fetched from the API; used instead of the claims when the token overflowed (`cx.ovf`). */
  permissions?: readonly MemberPermission[];
  /** What `protect()` answers a signed-in request that fails its check. Default 404 (it does not reveal the resource). */
  deniedStatus?: 403 | 404;
  /** Used to skip expired grants fetched from the API. */
  clock?: Clock;
  /** Answers `checkRemote`; the middleware sets it when `apiUrl` and `secretKey` are configured. */
  checkRemote?: (query: RemoteQuery) => Promise<RemoteDecision>;
  /** Why a presented token was refused (signed-out objects only). */
  tokenError?: TokenVerificationReason | null;
}

/** Who made the request and what they may do in the active organization, as `getAuth(req)` returns it. */
export interface AuthObject {
  userId: string | null;
  sessionId: string | null;
  orgId: string | null;
  orgSlug: string | null;
  /** The primary role, `org:`-prefixed (Clerk's `orgRole`). */
  orgRole: string | null;
  /** Every role of the member, `org:`-prefixed. */
  orgRoles: string[];
  /** Permissions held on every resource, `org:`-prefixed; never `org:sys_*`. */
  orgPermissions: string[];
  /** Permissions held only on some resources: key → `type:pattern` scopes. */
  orgScopedPermissions: Record<string, string[]>;
  /** The verified claims; null when signed out. */
  sessionClaims: SessionTokenPayload | null;
  /** Why a presented token was refused; null when none was presented or it was accepted. */
  tokenError: TokenVerificationReason | null;
  /** True when the token left permissions out and they could not be fetched: permission checks are then false. */
  permissionsUnavailable: boolean;
  /**
   * Decides from the claims, synchronously. Clerk's rules: one `org:` prefix on both sides, every given check
   * must hold, `has({})` is false, false without a user or an active organization, `org:sys_*` never true.
   * Ours on top: `role` matches any of the member's roles; `org:<feature>:admin` implies every action on its
   * feature (as on the server); with `resource`, a grant scoped to a matching `type:pattern` counts too.
   */
  has(check: AuthCheck): boolean;
  /**
   * Returns this object when signed in and (if given) the check holds; otherwise throws a {@link ProtectError}:
   * 401 signed out, 404 (or `deniedStatus`) not allowed, 503 when the needed permissions could not be fetched.
   */
  protect(check?: AuthCheck | ((has: AuthObject["has"]) => boolean)): AuthObject;
  /** Asks the server (`POST /v1/check`), e.g. for `org:sys_*` permissions; needs `apiUrl` and `secretKey`. */
  checkRemote(check: { permission: string; resource?: string; atLeast?: string }): Promise<RemoteDecision>;
}

interface Grants {
  /** key → until (Unix ms; Infinity for grants from the token). */
  unscoped: Map<string, number>;
  scoped: Map<string, { scope: Scope; until: number }[]>;
}

const withOrg = (key: string) => (key.startsWith("org:") ? key : `org:${key}`);

function grantsFrom(org: DecodedOrg, fetched: readonly MemberPermission[] | undefined): Grants {
  const grants: Grants = { unscoped: new Map(), scoped: new Map() };
  const addScoped = (key: string, text: string, until: number) => {
    let scope: Scope;
    try {
      scope = parseScope(text);
    } catch {
      return; // a malformed scope grants nothing
    }
    const list = grants.scoped.get(key) ?? [];
    list.push({ scope, until });
    grants.scoped.set(key, list);
  };
  if (fetched === undefined) {
    for (const key of org.orgPermissions) grants.unscoped.set(withOrg(key), Number.POSITIVE_INFINITY);
    for (const [key, scopes] of Object.entries(org.scoped))
      for (const text of scopes) addScoped(key, text, Number.POSITIVE_INFINITY);
    return grants;
  }
  for (const row of fetched) {
    if (typeof row?.permission !== "string" || !Array.isArray(row.scopes)) continue;
    const key = withOrg(row.permission);
    const until = typeof row.expires_at === "number" ? row.expires_at : Number.POSITIVE_INFINITY;
    if (row.scopes.length === 0) grants.unscoped.set(key, Math.max(until, grants.unscoped.get(key) ?? 0));
    else for (const text of row.scopes) if (typeof text === "string") addScoped(key, text, until);
  }
  return grants;
}

/**
 * Builds the auth object for a verified token's payload: the same fields and `has()` as Clerk's, plus roles,
 * scoped checks and the overflow fallback. Trusts the payload: verify the token first (the middleware does).
 * @example
 * const { payload } = await verifyToken(token, { jwksUrl });
 * const auth = authObject(payload);
 * if (auth.has({ permission: "org:code:read", resource: "repository:web-app" })) serve();
 */
export function authObject(
  payload: SessionTokenPayload | Record<string, unknown>,
  options: AuthObjectOptions = {},
): AuthObject {
  const org = options.org ?? decodeOrgClaims(payload);
  const clock = options.clock ?? systemClock;
  const userId = typeof payload.sub === "string" ? payload.sub : null;
  const fetched = org.overflow ? options.permissions : undefined;
  const unavailable = org.overflow && fetched === undefined;
  let grants: Grants | undefined;

  const heldUnscoped = (key: string, now: number) => (grants!.unscoped.get(key) ?? 0) > now;
  const heldOn = (key: string, resource: string, now: number) => {
    const list = grants!.scoped.get(key);
    if (list === undefined) return false;
    for (const g of list) if (g.until > now && scopeMatches(g.scope, resource)) return true;
    return false;
  };

  function holds(permission: unknown, resource: unknown): boolean {
    if (typeof permission !== "string" || unavailable) return false;
    const key = withOrg(permission);
    if (key.startsWith("org:sys_")) return false;
    const colon = key.indexOf(":", 4);
    if (colon <= 4 || colon === key.length - 1 || key.indexOf(":", colon + 1) !== -1) return false;
    const admin = `org:${key.slice(4, colon)}:admin`;
    grants ??= grantsFrom(org, fetched);
    const now = clock.now();
    if (heldUnscoped(key, now) || heldUnscoped(admin, now)) return true;
    if (typeof resource !== "string") return false;
    return heldOn(key, resource, now) || heldOn(admin, resource, now);
  }

  const auth: AuthObject = {
    userId,
    sessionId: typeof payload.sid === "string" ? payload.sid : null,
    orgId: org.orgId,
    orgSlug: org.orgSlug,
    orgRole: org.orgRole,
    orgRoles: org.orgRoles,
    orgPermissions: fetched === undefined ? org.orgPermissions : unscopedKeys(fetched, clock.now()),
    orgScopedPermissions: fetched === undefined ? org.scoped : scopedKeys(fetched, clock.now()),
    sessionClaims: userId === null ? null : (payload as SessionTokenPayload),
    tokenError: options.tokenError ?? null,
    permissionsUnavailable: unavailable,
    has(check) {
      if (userId === null || org.orgId === null || org.orgRole === null || typeof check !== "object" || check === null)
        return false;
      const { role, permission, resource } = check;
      if (role === undefined && permission === undefined) return false;
      if (role !== undefined && (typeof role !== "string" || !org.orgRoles.includes(withOrg(role)))) return false;
      if (permission !== undefined && !holds(permission, resource)) return false;
      return true;
    },
    protect(check) {
      if (userId === null) throw new ProtectError(401);
      if (check === undefined) return auth;
      if (typeof check === "function" ? check(auth.has) : auth.has(check)) return auth;
      if (unavailable && (typeof check === "function" || check.permission !== undefined)) throw new ProtectError(503);
      throw new ProtectError(options.deniedStatus ?? 404);
    },
    async checkRemote(check) {
      if (userId === null || org.orgId === null)
        return { allowed: false, reason: userId === null ? "signed out" : "no active organization" };
      if (options.checkRemote === undefined)
        throw new TypeError("checkRemote needs apiUrl and secretKey in the SDK options.");
      return options.checkRemote({
        organizationId: org.orgId,
        userId,
        permission: check.permission,
        resource: check.resource,
        ...(check.atLeast === undefined ? {} : { atLeast: check.atLeast }),
      });
    },
  };
  return auth;
}

function unscopedKeys(rows: readonly MemberPermission[], now: number): string[] {
  const keys = new Set<string>();
  for (const r of rows)
    if (
      r.scopes.length === 0 &&
      !r.permission.startsWith("org:sys_") &&
      (r.expires_at ?? Number.POSITIVE_INFINITY) > now
    )
      keys.add(withOrg(r.permission));
  return [...keys].sort();
}

function scopedKeys(rows: readonly MemberPermission[], now: number): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    if (
      r.scopes.length === 0 ||
      r.permission.startsWith("org:sys_") ||
      (r.expires_at ?? Number.POSITIVE_INFINITY) <= now
    )
      continue;
    const key = withOrg(r.permission);
    out[key] = [...new Set([...(out[key] ?? []), ...r.scopes])];
  }
  return out;
}

/**
 * The auth object of a request without a valid token: every field null or empty, `has()` false, `protect()` 401.
 * @example
 * const auth = token ? authObject(payload) : signedOutAuthObject();
 */
export function signedOutAuthObject(tokenError: TokenVerificationReason | null = null): AuthObject {
  return authObject({}, { tokenError });
}
