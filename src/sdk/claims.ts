// The organization claims of a session token: how the server writes them and how the SDK reads them back.
// Clerk's v2 (`o`, `fea`, fpm bitmask) and v1 (`org_*`) forms, plus `cx`, our extension for what Clerk's
// claims cannot say: every role of a member, scoped grants, and "permissions were left out".

/** What a member holds in the active organization, as the server computes it at issue time. */
export interface OrgAuthorization {
  id: string;
  slug: string;
  /** Role keys with the `org:` prefix; the first is the one Clerk's single `rol`/`org_role` carries. */
  roles: string[];
  /** Non-system permission keys (`org:<feature>:<action>`) held without a scope. */
  permissions: string[];
  /** Permission key → the `type:pattern` scopes it is held on (only those not also held unscoped). */
  scoped: Record<string, string[]>;
}

/** Our extension claim. Clerk's SDK ignores it; ours reads it. */
export interface ClerkExtensionClaim {
  /** Every role key, when the member holds more than one. */
  rls?: string[];
  /** Scoped grants: permission key → scopes. */
  sc?: Record<string, string[]>;
  /** 1 when permissions were left out to keep the token under its size budget: ask the API instead. */
  ovf?: 1;
}

/** The organization part of a v2 payload. */
export interface V2OrgClaims {
  v: 2;
  o?: { id: string; slg: string; rol: string; per?: string; fpm?: string };
  fea?: string;
  cx?: ClerkExtensionClaim;
}

/** The organization part of a v1 payload. */
export interface V1OrgClaims {
  org_id?: string;
  org_slug?: string;
  org_role?: string;
  org_permissions?: string[];
  cx?: ClerkExtensionClaim;
}

/** Which form the organization claims take: 1 (`org_*`, deprecated by Clerk) or 2 (`v: 2`, `o`, `fea`). */
export type ClaimsVersion = 1 | 2;

const SYSTEM = /^org:sys_/;
const stripOrg = (key: string) => (key.startsWith("org:") ? key.slice(4) : key);

function split(key: string): [feature: string, action: string] | undefined {
  const parts = key.split(":");
  if (parts.length !== 3 || parts[0] !== "org" || !parts[1] || !parts[2]) return undefined;
  return [parts[1], parts[2]];
}

function extension(org: OrgAuthorization, withPermissions: boolean): ClerkExtensionClaim | undefined {
  const cx: ClerkExtensionClaim = {};
  if (org.roles.length > 1) cx.rls = org.roles;
  const scoped = Object.entries(org.scoped).filter(([key]) => !SYSTEM.test(key));
  if (withPermissions && scoped.length > 0) cx.sc = Object.fromEntries(scoped);
  if (!withPermissions) cx.ovf = 1;
  return Object.keys(cx).length > 0 ? cx : undefined;
}

/**
 * Encodes the active organization. Features are listed in `fea` in order; bit i of a feature's `fpm` is the
 * i-th action of `per` (Clerk's rule), so Clerk's own `has()` reads the same permissions we do.
 * `withPermissions: false` is the overflow form: role only, with `cx.ovf`.
 */
export function encodeOrgClaims(
  org: OrgAuthorization | undefined,
  version: ClaimsVersion,
  withPermissions = true,
): V2OrgClaims | V1OrgClaims {
  if (version === 1) {
    if (!org) return {};
    const cx = extension(org, withPermissions);
    return {
      org_id: org.id,
      org_slug: org.slug,
      org_role: org.roles[0] ?? "",
      ...(withPermissions ? { org_permissions: org.permissions.filter((p) => !SYSTEM.test(p)) } : {}),
      ...(cx ? { cx } : {}),
    };
  }
  if (!org) return { v: 2 };
  const actions: string[] = [];
  const masks = new Map<string, bigint>();
  for (const key of org.permissions) {
    const parts = split(key);
    if (!parts || SYSTEM.test(key)) continue;
    const [feature, action] = parts;
    let index = actions.indexOf(action);
    if (index < 0) index = actions.push(action) - 1;
    masks.set(feature, (masks.get(feature) ?? 0n) | (1n << BigInt(index)));
  }
  const cx = extension(org, withPermissions);
  const o: NonNullable<V2OrgClaims["o"]> = { id: org.id, slg: org.slug, rol: stripOrg(org.roles[0] ?? "") };
  const claims: V2OrgClaims = { v: 2, o };
  if (withPermissions) {
    o.per = actions.join(",");
    o.fpm = [...masks.values()].map(String).join(",");
    claims.fea = [...masks.keys()].map((f) => `o:${f}`).join(",");
  }
  if (cx) claims.cx = cx;
  return claims;
}

/** The organization claims as the SDK uses them. */
export interface DecodedOrg {
  orgId: string | null;
  orgSlug: string | null;
  /** The primary role, `org:`-prefixed (Clerk's `orgRole`). */
  orgRole: string | null;
  /** Every role, `org:`-prefixed. */
  orgRoles: string[];
  /** Unscoped permissions, `org:`-prefixed. */
  orgPermissions: string[];
  /** Scoped permissions: key → scopes. */
  scoped: Record<string, string[]>;
  /** True when the token left permissions out; decisions need the API. */
  overflow: boolean;
}

const withOrg = (key: string) => (key.startsWith("org:") ? key : `org:${key}`);
const none = (): DecodedOrg => ({
  orgId: null,
  orgSlug: null,
  orgRole: null,
  orgRoles: [],
  orgPermissions: [],
  scoped: {},
  overflow: false,
});

// True when bit `bit` of the decimal `mask` is set. Small masks (the usual case) avoid BigInt.
function bitSet(mask: string, bit: number): boolean {
  if (mask.length <= 9) return bit < 30 && ((Number(mask) >> bit) & 1) === 1;
  return ((BigInt(mask) >> BigInt(bit)) & 1n) === 1n;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}

// Only well-formed entries (key → list of strings) survive; a malformed one grants nothing.
function scopedGrants(value: unknown): Record<string, string[]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(value)) {
    const scopes = stringList((value as Record<string, unknown>)[key]);
    if (scopes !== undefined) out[withOrg(key)] = scopes;
  }
  return out;
}

function v2Permissions(o: NonNullable<V2OrgClaims["o"]>, fea: unknown): string[] {
  const permissions: string[] = [];
  if (
    typeof o.per !== "string" ||
    o.per === "" ||
    typeof o.fpm !== "string" ||
    o.fpm === "" ||
    typeof fea !== "string" ||
    fea === ""
  )
    return permissions;
  const actions = o.per.split(",");
  const masks = o.fpm.split(",");
  let index = 0;
  for (const item of fea.split(",")) {
    const colon = item.indexOf(":");
    const scope = item.slice(0, colon);
    // Only organization features are indexed in fpm (Clerk's rule); `u:` items are skipped without a slot.
    if (colon < 0 || (scope !== "o" && scope !== "ou" && scope !== "uo")) continue;
    const mask = masks[index++];
    if (mask === undefined || !/^\d+$/.test(mask)) continue;
    const feature = item.slice(colon + 1);
    for (let bit = 0; bit < actions.length; bit++)
      if (bitSet(mask, bit)) permissions.push(`org:${feature}:${actions[bit]}`);
  }
  return permissions;
}

/** Reads the organization claims of either version from a verified payload. Malformed parts grant nothing. */
export function decodeOrgClaims(payload: Record<string, unknown>): DecodedOrg {
  const cx = (typeof payload.cx === "object" && payload.cx !== null ? payload.cx : {}) as Record<string, unknown>;
  let orgId: string;
  let orgSlug: string | null;
  let orgRole: string | null;
  let orgPermissions: string[];
  if (payload.v === 2) {
    const o = payload.o as V2OrgClaims["o"] | undefined;
    if (typeof o !== "object" || o === null || typeof o.id !== "string" || typeof o.rol !== "string") return none();
    orgId = o.id;
    orgSlug = typeof o.slg === "string" ? o.slg : null;
    orgRole = withOrg(o.rol);
    orgPermissions = v2Permissions(o, payload.fea);
  } else {
    if (typeof payload.org_id !== "string") return none();
    orgId = payload.org_id;
    orgSlug = typeof payload.org_slug === "string" ? payload.org_slug : null;
    orgRole = typeof payload.org_role === "string" ? withOrg(payload.org_role) : null;
    orgPermissions = Array.isArray(payload.org_permissions)
      ? payload.org_permissions.filter((p): p is string => typeof p === "string")
      : [];
  }
  const roles = stringList(cx.rls);
  return {
    orgId,
    orgSlug,
    orgRole,
    orgRoles: roles !== undefined && roles.length > 0 ? roles.map(withOrg) : orgRole === null ? [] : [orgRole],
    orgPermissions,
    scoped: cx.sc === undefined ? {} : scopedGrants(cx.sc),
    overflow: cx.ovf === 1,
  };
}
