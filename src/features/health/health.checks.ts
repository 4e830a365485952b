// The health checks themselves, as pure functions over one organization's policy: no I/O, no clock.
import {
  type OrgPolicy,
  type PolicyGrant,
  type PolicyRole,
  type Scope,
  formatScope,
  scopeMatches,
} from "../../engine/index.js";
import { invalidDuration, unknownFilter } from "./health.errors.js";

/** The permission that makes a member an admin of an organization (may manage its members). */
export const MANAGE = "org:sys_memberships:manage";

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** "90d" / "12h" / "30m" → milliseconds; anything else (or zero) is a clear input error. */
export function parseDuration(text: string, param = "unused_for"): number {
  const match = /^\s*(\d{1,6})\s*([dhm])\s*$/.exec(text);
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount === 0) throw invalidDuration(text, param);
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A comma-separated filter list, each one of `allowed`; undefined or empty means `fallback`. */
export function parseFilters<F extends string>(
  text: string | undefined,
  allowed: readonly F[],
  fallback: readonly F[],
): F[] {
  const items = (text ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  if (items.length === 0) return [...fallback];
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw unknownFilter(item, allowed);
  return [...new Set(items as F[])];
}

/** Where a member's grant comes from: directly, or a role they hold (`owner` is the role whose grant it is). */
export type GrantVia = { kind: "direct" } | { kind: "role"; held: PolicyRole; owner: PolicyRole };

/** One grant a member holds, with the path it comes through. */
export interface HeldGrant {
  userId: string;
  email: string;
  grant: PolicyGrant;
  via: GrantVia;
}

/** "direct grant", "role Developer" or "role Senior Reviewer <- Code Reviewer" (held role <- the one the grant is on). */
export function viaText(via: GrantVia): string {
  if (via.kind === "direct") return "direct grant";
  return via.held.id === via.owner.id ? `role ${via.held.name}` : `role ${via.held.name} <- ${via.owner.name}`;
}

/** Whether a grant still applies at `at` (a grant applies while `at < expiresAt`). */
export const isLive = (g: PolicyGrant, at: number): boolean => g.expiresAt === null || at < g.expiresAt;

/** Every role reachable from `roleId` through parents, itself first, each once. */
function withParents(byId: ReadonlyMap<string, PolicyRole>, roleId: string): PolicyRole[] {
  const out: PolicyRole[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    const role = byId.get(id);
    if (!role || seen.has(id)) return;
    seen.add(id);
    out.push(role);
    for (const p of role.parentIds) visit(p);
  };
  visit(roleId);
  return out;
}

/** Every grant every member of the policy holds (expired ones too), through roles then directly. */
export function heldGrants(policy: OrgPolicy): HeldGrant[] {
  const byId = new Map(policy.roles.map((r) => [r.id, r]));
  const out: HeldGrant[] = [];
  for (const m of policy.members) {
    for (const roleId of m.roleIds) {
      const held = byId.get(roleId);
      if (!held) continue;
      for (const owner of withParents(byId, roleId)) {
        for (const grant of owner.grants)
          out.push({ userId: m.userId, email: m.label, grant, via: { kind: "role", held, owner } });
      }
    }
    for (const grant of m.grants) out.push({ userId: m.userId, email: m.label, grant, via: { kind: "direct" } });
  }
  return out;
}

/**
 * The roles among `candidates` that nobody holds, directly or through a role that extends them (holding
 * a child role counts as holding its parents). `holdings` is each member's role ids, from every
 * organization where the roles are usable. Ordered so each role comes before the roles it extends:
 * deleting in that order never trips "role has children".
 */
export function rolesWithoutMembers(
  roles: readonly PolicyRole[],
  holdings: readonly (readonly string[])[],
  candidates: ReadonlySet<string>,
): PolicyRole[] {
  const byId = new Map(roles.map((r) => [r.id, r]));
  const held = new Set<string>();
  for (const roleIds of holdings) for (const id of roleIds) for (const r of withParents(byId, id)) held.add(r.id);
  let left = roles.filter((r) => candidates.has(r.id) && !held.has(r.id));
  const out: PolicyRole[] = [];
  while (left.length > 0) {
    // A role is ready once no role still waiting extends it.
    const ready = left.filter((r) => !left.some((c) => c.id !== r.id && c.parentIds.includes(r.id)));
    const next = ready.length > 0 ? ready : left;
    out.push(...[...next].sort((a, b) => a.name.localeCompare(b.name)));
    left = left.filter((r) => !next.includes(r));
  }
  return out;
}

/** Usage counters of one organization: permission key → when an allowed check last used it. */
export type UsageMap = ReadonlyMap<string, { count: number; lastUsedAt: number }>;

/** When a permission was last used; an `org:<feature>:admin` grant is used by a check of any action of its feature. */
export function lastUsed(permission: string, usage: UsageMap): number | null {
  const [, feature, action] = permission.split(":");
  let latest: number | null = null;
  for (const [key, u] of usage) {
    const matches = action === "admin" ? key.startsWith(`org:${feature}:`) : key === permission;
    if (matches && (latest === null || u.lastUsedAt > latest)) latest = u.lastUsedAt;
  }
  return latest;
}

/** A granted permission no allowed check used since `since`, with who holds it. */
export interface UnusedPermission {
  permission: string;
  lastUsedAt: number | null;
  holders: HeldGrant[];
}

/** System permissions (`org:sys_*`) are an organization's administrative powers: needed even when rarely used. */
const isSystem = (permission: string) => permission.split(":")[1]?.startsWith("sys_") === true;

/**
 * The permissions members hold (live grants) that no allowed check has used since `since`. A grant made
 * after `since` has not had the whole window to be used, so it is not counted (`grantedAt` by grant id);
 * nor are system permissions, whose disuse says nothing about excess (an admin who never removed anyone
 * still must be able to).
 */
export function unusedPermissions(
  held: readonly HeldGrant[],
  usage: UsageMap,
  since: number,
  now: number,
  grantedAt: (grantId: string) => number | undefined,
): UnusedPermission[] {
  const byPermission = new Map<string, HeldGrant[]>();
  for (const h of held) {
    if (!isLive(h.grant, now) || isSystem(h.grant.permission) || (grantedAt(h.grant.id) ?? 0) > since) continue;
    byPermission.set(h.grant.permission, [...(byPermission.get(h.grant.permission) ?? []), h]);
  }
  const out: UnusedPermission[] = [];
  for (const [permission, holders] of byPermission) {
    const last = lastUsed(permission, usage);
    if (last === null || last < since) out.push({ permission, lastUsedAt: last, holders });
  }
  return out.sort((a, b) => a.permission.localeCompare(b.permission));
}

const concrete = (scope: string) => !scope.includes("*") && !scope.endsWith("/");

/** Whether a role's grant `r` already gives every scope of `d` (no scopes means every resource). */
function scopesCovered(r: PolicyGrant, d: PolicyGrant): boolean {
  if (r.scopes.length === 0) return true;
  if (d.scopes.length === 0) return false;
  return d.scopes.every((ds: Scope) => {
    const text = formatScope(ds);
    return r.scopes.some((rs) => formatScope(rs) === text || (concrete(text) && scopeMatches(rs, text)));
  });
}

const expiryCovered = (r: PolicyGrant, d: PolicyGrant) =>
  r.expiresAt === null || (d.expiresAt !== null && d.expiresAt <= r.expiresAt);

/** A direct grant that gives a member more than their roles do, and how. */
export interface ExcessGrant {
  grant: HeldGrant;
  reason: "not_in_roles" | "wider_scope" | "later_expiry";
  /** The role grants of the same permission the direct grant was compared with. */
  roleGrants: HeldGrant[];
}

/** Members' live direct grants of a permission their roles do not give, or give on fewer scopes or for less time. */
export function overPermissioned(held: readonly HeldGrant[], now: number): ExcessGrant[] {
  const out: ExcessGrant[] = [];
  for (const d of held) {
    if (d.via.kind !== "direct" || !isLive(d.grant, now)) continue;
    const feature = d.grant.permission.split(":")[1];
    const roleGrants = held.filter(
      (r) =>
        r.userId === d.userId &&
        r.via.kind === "role" &&
        isLive(r.grant, now) &&
        (r.grant.permission === d.grant.permission || r.grant.permission === `org:${feature}:admin`),
    );
    if (roleGrants.length === 0) out.push({ grant: d, reason: "not_in_roles", roleGrants });
    else if (roleGrants.some((r) => scopesCovered(r.grant, d.grant) && expiryCovered(r.grant, d.grant))) continue;
    else if (roleGrants.some((r) => scopesCovered(r.grant, d.grant)))
      out.push({ grant: d, reason: "later_expiry", roleGrants });
    else out.push({ grant: d, reason: "wider_scope", roleGrants });
  }
  return out;
}

/** A grant past its expiry that is still stored: on a role, or directly on a member. */
export type ExpiredGrant =
  { kind: "role"; role: PolicyRole; grant: PolicyGrant } | { kind: "member"; email: string; grant: PolicyGrant };

/** Expired grants of the roles in `roleIds` and of every member's direct grants, roles first. */
export function expiredGrants(policy: OrgPolicy, roleIds: ReadonlySet<string>, now: number): ExpiredGrant[] {
  const out: ExpiredGrant[] = [];
  for (const role of policy.roles) {
    if (!roleIds.has(role.id)) continue;
    for (const grant of role.grants) if (!isLive(grant, now)) out.push({ kind: "role", role, grant });
  }
  for (const m of policy.members)
    for (const grant of m.grants) if (!isLive(grant, now)) out.push({ kind: "member", email: m.label, grant });
  return out;
}

/** A command-line argument, quoted when the shell would split or expand it. */
export function arg(value: string): string {
  return /^[A-Za-z0-9@._:+/=-]+$/.test(value) ? value : JSON.stringify(value);
}

/** `--organization <slug>` for a role's owner, nothing for an instance-wide role. */
const roleOrg = (ownerSlug: string | null) => (ownerSlug === null ? "" : ` --organization ${arg(ownerSlug)}`);

/** The commands a finding suggests, one builder per kind of fix. */
export const fix = {
  deleteRole: (roleName: string, ownerSlug: string | null) =>
    `clerk role delete --role ${arg(roleName)}${roleOrg(ownerSlug)}`,
  revokeFromRole: (roleName: string, ownerSlug: string | null, permission: string) =>
    `clerk permission revoke --role ${arg(roleName)}${roleOrg(ownerSlug)} --permission ${arg(permission)}`,
  revokeFromMember: (orgSlug: string, email: string, permission: string) =>
    `clerk member revoke --organization ${arg(orgSlug)} --email ${arg(email)} --permission ${arg(permission)}`,
  addAdmin: (orgSlug: string, roleName: string) =>
    `clerk org member add --organization ${arg(orgSlug)} --email <second-admin> --role ${arg(roleName)}`,
  grantManage: (orgSlug: string) =>
    `clerk member grant --organization ${arg(orgSlug)} --email <another-member> --permission ${MANAGE}`,
};
