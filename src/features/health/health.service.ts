// Health checks of an organization: unused roles and permissions, excess and expired grants, lone admins; each with its fix.
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import type { OrgPolicy } from "../../engine/index.js";
import { assertActorMay, compiledPolicy, isInstanceAdmin, usageOf, whoCanIn } from "../access/index.js";
import { type Organization, listOrgTree, resolveOrg } from "../orgs/index.js";
import { deadLetteredFindings } from "../notifications/index.js";
import { getRoleDefaults } from "../roles/index.js";
import { blockedRunFindings, overdueTaskFindings } from "../tasks/index.js";
import {
  type HeldGrant,
  MANAGE,
  expiredGrants,
  fix,
  heldGrants,
  isLive,
  overPermissioned,
  parseDuration,
  parseFilters,
  rolesWithoutMembers,
  unusedPermissions,
  viaText,
} from "./health.checks.js";
import { grantCreationTimes, roleOwners } from "../policy/index.js";
import { storeFileFindings } from "./health.files.js";
import type {
  AdminFinding,
  ExpiredGrantFinding,
  HealthReport,
  HealthSection,
  MemberFinding,
  OverPermissionedFinding,
  PermissionFinding,
  RoleFinding,
} from "./health.view.js";

const READ = "org:sys_memberships:read";

/** The filters each audit accepts. */
const ROLE_FILTERS = ["no-members"] as const;
const MEMBER_FILTERS = ["over-permissioned", "expired-grants"] as const;
/** The window `clerk health` uses for unused permissions when none is given. */
const DEFAULT_UNUSED_FOR = "90d";

const iso = (ms: number) => new Date(ms).toISOString();
const scopesText = (scopes: readonly string[]) => (scopes.length ? ` on ${scopes.join(", ")}` : "");

/** The organization, once the actor may read it, with its policy as the engine sees it. */
async function readable(ctx: ServiceContext, organization: string): Promise<{ org: Organization; policy: OrgPolicy }> {
  const org = await resolveOrg(ctx, organization);
  await assertActorMay(ctx, org.id, org.slug, READ);
  return { org, policy: (await compiledPolicy(ctx, org.id)).source };
}

/** The organization's descendants, in tree order. */
async function descendantsOf(ctx: ServiceContext, org: Organization): Promise<Organization[]> {
  const tree = await listOrgTree(ctx);
  const inside = new Set([org.id]);
  const out: Organization[] = [];
  for (const { organization: o } of tree) {
    if (o.parentId !== null && inside.has(o.parentId)) {
      inside.add(o.id);
      out.push(o);
    }
  }
  return out;
}

async function rolesFindings(ctx: ServiceContext, org: Organization, policy: OrgPolicy): Promise<RoleFinding[]> {
  const owners = await roleOwners(
    ctx.db,
    policy.roles.map((r) => r.id),
  );
  // Only the organization's own roles: instance-wide and ancestors' roles are used elsewhere too, and are audited where they live.
  const own = new Set(policy.roles.filter((r) => owners.get(r.id)?.organizationId === org.id).map((r) => r.id));
  // Descendants may hold this organization's roles, which then count as held.
  const holdings = policy.members.map((m) => m.roleIds);
  for (const d of await descendantsOf(ctx, org))
    holdings.push(...(await compiledPolicy(ctx, d.id)).source.members.map((m) => m.roleIds));
  return rolesWithoutMembers(policy.roles, holdings, own).map((role) => ({
    check: "role.no_members",
    organization: org.slug,
    role: { id: role.id, key: role.key, name: role.name },
    summary: `Role "${role.name}" (${role.key}) has no members, directly or through a role that extends it.`,
    fix: [fix.deleteRole(role.name, org.slug)],
  }));
}

/** The commands that take `permission` away from these holders: from the role the grant is on, or the member. */
async function revokeCommands(
  ctx: ServiceContext,
  org: Organization,
  holders: readonly HeldGrant[],
): Promise<string[]> {
  const owners = await roleOwners(
    ctx.db,
    holders.flatMap((h) => (h.via.kind === "role" ? [h.via.owner.id] : [])),
  );
  const out = holders.map((h) =>
    h.via.kind === "role"
      ? fix.revokeFromRole(h.via.owner.name, owners.get(h.via.owner.id)?.slug ?? null, h.grant.permission)
      : fix.revokeFromMember(org.slug, h.email, h.grant.permission),
  );
  return [...new Set(out)];
}

async function permissionFindings(
  ctx: ServiceContext,
  org: Organization,
  policy: OrgPolicy,
  window: string,
): Promise<PermissionFinding[]> {
  const now = ctx.clock.now();
  const since = now - parseDuration(window);
  const held = heldGrants(policy);
  const created = await grantCreationTimes(ctx.db, [...new Set(held.map((h) => h.grant.id))]);
  const unused = unusedPermissions(held, await usageOf(ctx, org.id), since, now, (id) => created.get(id));
  const out: PermissionFinding[] = [];
  for (const u of unused) {
    const holders = [
      ...new Map(
        u.holders.map((h) => [`${h.email}|${viaText(h.via)}`, { email: h.email, via: viaText(h.via) }]),
      ).values(),
    ];
    out.push({
      check: "permission.unused",
      organization: org.slug,
      permission: u.permission,
      last_used_at: u.lastUsedAt,
      holders,
      summary: `${u.permission} has not been used in the last ${window} (last used: ${u.lastUsedAt === null ? "never" : iso(u.lastUsedAt)}); held by ${holders.map((h) => `${h.email} (${h.via})`).join(", ")}.`,
      fix: await revokeCommands(ctx, org, u.holders),
    });
  }
  return out;
}

function overPermissionedFindings(org: Organization, policy: OrgPolicy, now: number): OverPermissionedFinding[] {
  return overPermissioned(heldGrants(policy), now).map(({ grant: h, reason, roleGrants }) => {
    const scopes = h.grant.scopes.map((s) => `${s.type}:${s.pattern}`);
    const roles = roleGrants.map((r) => ({
      via: viaText(r.via),
      scopes: r.grant.scopes.map((s) => `${s.type}:${s.pattern}`),
      expires_at: r.grant.expiresAt,
    }));
    const given = roles
      .map((r) => `${r.via}${scopesText(r.scopes)}${r.expires_at === null ? "" : ` until ${iso(r.expires_at)}`}`)
      .join("; ");
    const what = `${h.email} holds ${h.grant.permission}${scopesText(scopes)}${h.grant.expiresAt === null ? "" : ` until ${iso(h.grant.expiresAt)}`} by direct grant`;
    const why =
      reason === "not_in_roles"
        ? "which none of their roles gives"
        : reason === "wider_scope"
          ? `on wider scopes than their roles give (${given})`
          : `for longer than their roles give (${given})`;
    return {
      check: "member.over_permissioned" as const,
      organization: org.slug,
      email: h.email,
      permission: h.grant.permission,
      scopes,
      expires_at: h.grant.expiresAt,
      reason,
      role_grants: roles,
      summary: `${what}, ${why}.`,
      fix: [fix.revokeFromMember(org.slug, h.email, h.grant.permission)],
    };
  });
}

async function expiredFindings(
  ctx: ServiceContext,
  org: Organization,
  policy: OrgPolicy,
  now: number,
): Promise<ExpiredGrantFinding[]> {
  const owners = await roleOwners(
    ctx.db,
    policy.roles.map((r) => r.id),
  );
  const own = new Set(policy.roles.filter((r) => owners.get(r.id)?.organizationId === org.id).map((r) => r.id));
  return expiredGrants(policy, own, now).map((e) => {
    const scopes = e.grant.scopes.map((s) => `${s.type}:${s.pattern}`);
    const expiredAt = e.grant.expiresAt ?? now;
    const holder =
      e.kind === "role" ? { type: "role" as const, name: e.role.name } : { type: "member" as const, name: e.email };
    const who = e.kind === "role" ? `Role "${e.role.name}"` : e.email;
    return {
      check: "grant.expired" as const,
      organization: org.slug,
      holder,
      permission: e.grant.permission,
      scopes,
      expired_at: expiredAt,
      summary: `${who} still has a grant of ${e.grant.permission}${scopesText(scopes)} that expired at ${iso(expiredAt)}.`,
      fix: [
        e.kind === "role"
          ? fix.revokeFromRole(e.role.name, org.slug, e.grant.permission)
          : fix.revokeFromMember(org.slug, e.email, e.grant.permission),
      ],
    };
  });
}

async function adminFinding(ctx: ServiceContext, org: Organization): Promise<AdminFinding | undefined> {
  const policy = (await compiledPolicy(ctx, org.id)).source;
  const members = new Set(policy.members.map((m) => m.userId));
  const admins = (await whoCanIn(ctx, org.id, MANAGE)).filter((w) => members.has(w.userId));
  if (admins.length > 1) return undefined;
  const only = admins[0];
  const now = ctx.clock.now();
  const feature = MANAGE.split(":")[1];
  // Suggest the way the one admin holds it: the same role, or the same direct grant.
  const path = only
    ? heldGrants(policy).find(
        (h) =>
          h.userId === only.userId &&
          isLive(h.grant, now) &&
          h.grant.scopes.length === 0 &&
          (h.grant.permission === MANAGE || h.grant.permission === `org:${feature}:admin`),
      )
    : undefined;
  const suggestion =
    path?.via.kind === "direct"
      ? fix.grantManage(org.slug)
      : fix.addAdmin(
          org.slug,
          path?.via.kind === "role" ? path.via.held.name : (await getRoleDefaults(ctx)).creator.name,
        );
  return {
    check: "organization.single_admin",
    organization: org.slug,
    admins: admins.map((a) => a.label),
    summary: only
      ? `${org.slug} has a single admin (${only.label}): if they leave or lose access, nobody there can manage its members.`
      : `${org.slug} has no admin: nobody there can manage its members.`,
    fix: [suggestion],
  };
}

/** `clerk role audit`: the organization's roles that no member holds, directly or through a child role. */
export async function auditRoles(
  ctx: ServiceContext,
  organization: string,
  options: { filter?: string | undefined } = {},
): Promise<RoleFinding[]> {
  parseFilters(options.filter, ROLE_FILTERS, ROLE_FILTERS);
  const { org, policy } = await readable(ctx, organization);
  return rolesFindings(ctx, org, policy);
}

/** `clerk permission audit`: permissions members hold that no allowed check used in the window (default 90d). */
export async function auditPermissions(
  ctx: ServiceContext,
  organization: string,
  options: { unusedFor?: string | undefined } = {},
): Promise<PermissionFinding[]> {
  const window = options.unusedFor ?? DEFAULT_UNUSED_FOR;
  parseDuration(window);
  const { org, policy } = await readable(ctx, organization);
  return permissionFindings(ctx, org, policy, window);
}

/** `clerk member audit`: direct grants beyond members' roles and/or grants past their expiry (default both). */
export async function auditMembers(
  ctx: ServiceContext,
  organization: string,
  options: { filter?: string | undefined } = {},
): Promise<MemberFinding[]> {
  const filters = parseFilters(options.filter, MEMBER_FILTERS, MEMBER_FILTERS);
  const { org, policy } = await readable(ctx, organization);
  const now = ctx.clock.now();
  return [
    ...(filters.includes("over-permissioned") ? overPermissionedFindings(org, policy, now) : []),
    ...(filters.includes("expired-grants") ? await expiredFindings(ctx, org, policy, now) : []),
  ];
}

/** The organization and those of its descendants the actor may read that have one admin or none. */
export async function auditAdmins(ctx: ServiceContext, organization: string): Promise<AdminFinding[]> {
  const { org } = await readable(ctx, organization);
  const out: AdminFinding[] = [];
  for (const o of [org, ...(await descendantsOf(ctx, org))]) {
    if (o.id !== org.id) {
      try {
        await assertActorMay(ctx, o.id, o.slug, READ);
      } catch (error) {
        if (error instanceof ClerkError && error.code === "permission.denied") continue;
        throw error;
      }
    }
    const finding = await adminFinding(ctx, o);
    if (finding) out.push(finding);
  }
  return out;
}

/** Runs every check on the organization (admins also in its descendants). */
export async function healthReport(
  ctx: ServiceContext,
  organization: string,
  options: { unusedFor?: string | undefined } = {},
): Promise<HealthReport> {
  const window = options.unusedFor ?? DEFAULT_UNUSED_FOR;
  parseDuration(window);
  const { org, policy } = await readable(ctx, organization);
  const now = ctx.clock.now();
  const sections: HealthSection[] = [
    {
      check: "role.no_members",
      title: "Roles without members",
      available: true,
      findings: await rolesFindings(ctx, org, policy),
    },
    {
      check: "permission.unused",
      title: `Permissions unused in the last ${window}`,
      available: true,
      findings: await permissionFindings(ctx, org, policy, window),
    },
    {
      check: "member.over_permissioned",
      title: "Direct grants beyond members' roles",
      available: true,
      findings: overPermissionedFindings(org, policy, now),
    },
    {
      check: "grant.expired",
      title: "Expired grants still present",
      available: true,
      findings: await expiredFindings(ctx, org, policy, now),
    },
    {
      check: "organization.single_admin",
      title: "Organizations with a single admin",
      available: true,
      findings: await auditAdmins(ctx, org.id),
    },
    {
      check: "workflow.blocked",
      title: "Workflows blocked for lack of eligible reviewers",
      available: true,
      findings: await blockedRunFindings(ctx, org),
    },
    { check: "task.overdue", title: "Overdue tasks", available: true, findings: await overdueTaskFindings(ctx, org) },
    {
      check: "notification.dead_lettered",
      title: "Dead-lettered notifications",
      available: true,
      findings: await deadLetteredFindings(ctx, org),
    },
  ];
  // The server's files are the instance's business: a member (or a key acting as one) is not shown its paths.
  if (isInstanceAdmin(ctx))
    sections.push({
      check: "store.file_permissions",
      title: "Store files readable by other users",
      available: true,
      findings: storeFileFindings(ctx, org.slug),
    });
  const total = sections.reduce((n, s) => n + (s.available ? s.findings.length : 0), 0);
  return {
    object: "health_report",
    organization: org.slug,
    checked_at: now,
    unused_for: window,
    total_findings: total,
    sections,
  };
}
