// Members in the configuration (`--with-members`, off by default: members usually come from SSO, SCIM or
// invitations): each member's roles and direct grants, diffed and applied through the members service, whose
// last-manager guard holds; a plan that would leave an organization without a manager is refused before it starts.
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import {
  addMember,
  grantToMember,
  listDirectGrants,
  listMembers,
  removeMember,
  revokeFromMember,
  updateMemberRoles,
} from "../members/index.js";
import type { Change, FieldChange } from "./config.plan.js";
import type { ConfigMember, GrantEntry } from "./config.schema.js";
import type { StateGrant, StateRole } from "./config.state.js";

export interface StateMember {
  email: string;
  roles: string[];
  grants: StateGrant[];
}

const MANAGE = "org:sys_memberships:manage";
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const grantText = (g: StateGrant) =>
  `${g.permission}${g.scopes.length > 0 ? ` [${g.scopes.join(", ")}]` : ""}${g.expiresAt !== null ? ` until ${new Date(g.expiresAt).toISOString()}` : ""}`;

export function normalizeMembers(
  members: readonly ConfigMember[],
  org: string,
  grant: (g: GrantEntry) => StateGrant,
): Map<string, StateMember> {
  const out = new Map<string, StateMember>();
  for (const m of members) {
    const email = m.email.trim().toLowerCase();
    if (out.has(email))
      throw new ClerkError("input.invalid", `Member ${email} is listed twice in organization ${org}.`, {
        param: "members",
      });
    out.set(email, {
      email,
      roles: [...new Set(m.roles.map((r) => r.trim()))].sort(byString),
      grants: (m.permissions ?? []).map(grant).sort((a, b) => byString(a.permission, b.permission)),
    });
  }
  return out;
}

export async function currentMembers(ctx: ServiceContext, slug: string): Promise<Map<string, StateMember>> {
  const out = new Map<string, StateMember>();
  for (const m of await listMembers(ctx, slug))
    out.set(m.user.email, { email: m.user.email, roles: m.roles.map((r) => r.key).sort(byString), grants: [] });
  for (const { member, grant } of await listDirectGrants(ctx, slug))
    out.get(member)?.grants.push({
      permission: grant.permission,
      scopes: [...grant.scopes].sort(byString),
      expiresAt: grant.expiresAt,
    });
  for (const m of out.values()) m.grants.sort((a, b) => byString(a.permission, b.permission));
  return out;
}

export function memberEntries(
  members: Map<string, StateMember>,
  grantEntry: (g: StateGrant) => GrantEntry,
): ConfigMember[] {
  return [...members.values()]
    .sort((a, b) => byString(a.email, b.email))
    .map((m) => ({
      email: m.email,
      roles: m.roles,
      ...(m.grants.length > 0 && { permissions: m.grants.map(grantEntry) }),
    }));
}

function compare(fields: FieldChange[], field: string, before: FieldChange["before"], after: FieldChange["after"]) {
  if (JSON.stringify(before) !== JSON.stringify(after)) fields.push({ field, before, after });
}

export function diffMembers(
  changes: Change[],
  organization: string,
  want: Map<string, StateMember>,
  have: Map<string, StateMember>,
  prune: boolean,
): void {
  for (const m of [...want.values()].sort((a, b) => byString(a.email, b.email))) {
    const old = have.get(m.email);
    const fields: FieldChange[] = [];
    compare(fields, "roles", old?.roles ?? null, m.roles);
    const before = new Map((old?.grants ?? []).map((g) => [g.permission, grantText(g)]));
    const after = new Map(m.grants.map((g) => [g.permission, grantText(g)]));
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(byString))
      compare(fields, `permissions.${key}`, before.get(key) ?? null, after.get(key) ?? null);
    if (!old) changes.push({ action: "create", kind: "member", organization, key: m.email, fields });
    else if (fields.length > 0) changes.push({ action: "update", kind: "member", organization, key: m.email, fields });
  }
  if (prune)
    for (const email of [...have.keys()].sort(byString))
      if (!want.has(email)) changes.push({ action: "delete", kind: "member", organization, key: email, fields: [] });
}

/** Whether a role (through its parents) grants managing memberships. */
function roleManages(key: string, roles: Map<string, StateRole>, seen = new Set<string>()): boolean {
  const role = roles.get(key);
  if (!role || seen.has(key)) return false;
  seen.add(key);
  if (role.grants.some((g) => g.permission === MANAGE || g.permission === "org:sys_memberships:admin")) return true;
  return role.extends.some((p) => roleManages(p, roles, seen));
}

const manages = (m: StateMember, roles: Map<string, StateRole>) =>
  m.roles.some((r) => roleManages(r, roles)) || m.grants.some((g) => g.permission === MANAGE);

/** Refuses, before anything is written, a plan that leaves an organization that has a manager without one. */
export function assertKeepsManager(
  organization: string,
  after: Map<string, StateMember>,
  before: Map<string, StateMember>,
  roles: Map<string, StateRole>,
): void {
  const had = [...before.values()].filter((m) => manages(m, roles));
  if (had.length === 0 || [...after.values()].some((m) => manages(m, roles))) return;
  throw new ClerkError(
    "member.last_manager",
    `The configuration would leave ${organization} with nobody who can manage its members (${had.map((m) => m.email).join(", ")} would lose it); keep a member with a role that grants ${MANAGE}. Nothing was changed.`,
    { param: "members", details: { organization } },
  );
}

/** Adds and updates members (after roles exist), grants and revokes their direct grants. */
export async function applyMembers(
  tx: ServiceContext,
  changes: readonly Change[],
  want: (org: string) => Map<string, StateMember> | undefined,
  have: (org: string) => Map<string, StateMember> | undefined,
): Promise<void> {
  for (const c of changes.filter((x) => x.kind === "member" && x.action !== "delete")) {
    const organization = c.organization as string;
    const m = want(organization)?.get(c.key) as StateMember;
    const old = have(organization)?.get(c.key);
    if (!old) await addMember(tx, { organization, email: m.email, roles: m.roles });
    else if (c.fields.some((f) => f.field === "roles"))
      await updateMemberRoles(tx, { organization, email: m.email, roles: m.roles });
    const kept = new Map((old?.grants ?? []).map((g) => [g.permission, grantText(g)]));
    for (const g of m.grants)
      if (kept.get(g.permission) !== grantText(g))
        await grantToMember(tx, {
          organization,
          email: m.email,
          permission: g.permission,
          scope: g.scopes,
          expires: g.expiresAt,
        });
    for (const g of old?.grants ?? [])
      if (!m.grants.some((x) => x.permission === g.permission))
        await revokeFromMember(tx, { organization, email: m.email, permission: g.permission });
  }
}

export async function removeMembers(tx: ServiceContext, changes: readonly Change[]): Promise<void> {
  for (const c of changes.filter((x) => x.kind === "member" && x.action === "delete"))
    await removeMember(tx, { organization: c.organization as string, email: c.key });
}
