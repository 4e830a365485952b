// What a SCIM change does to access, through the policy store: a member's roles follow the mapped groups they are
// in, and deactivation suspends the membership (checks deny at once, sessions end, open tasks move on).
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { keepingManagers } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, lockOrgRow } from "../orgs/index.js";
import {
  type MembershipRecord,
  insertMembership,
  countMemberships,
  membershipRecords,
  replaceMembershipRoles,
  restoreMembership,
  suspendMembership,
} from "../policy/index.js";
import { getRoleDefaults } from "../roles/index.js";
import { revokeSessionsOfSuspendedMember } from "../sessions/index.js";
import { reassignOpenTasksOf } from "../tasks/index.js";

/** The membership of a user in the organization (suspended or not), or undefined. */
export async function membershipOf(
  tx: ServiceContext,
  organizationId: string,
  userId: string,
): Promise<MembershipRecord | undefined> {
  return (await membershipRecords(tx.db, organizationId, userId))[0];
}

/**
 * Adds the user to the organization with the default role (as `member.added` records it), inside the caller's
 * transaction. Adding cannot remove a manager, so no last-manager guard; the membership quota still holds.
 */
export async function addScimMember(tx: ServiceContext, org: Organization, user: { id: string; email: string }) {
  // The row lock makes concurrent pushes take turns on PostgreSQL, so two cannot both pass the quota.
  await lockOrgRow(tx.db, tx.dialect, org.id);
  if (org.maxAllowedMemberships > 0 && (await countMemberships(tx.db, org.id)) >= org.maxAllowedMemberships)
    throw new ClerkError(
      "member.quota_exceeded",
      `${org.slug} has reached its limit of ${org.maxAllowedMemberships} members; raise max_allowed_memberships or remove a member first.`,
      { param: "organization_id" },
    );
  const role = (await getRoleDefaults(tx)).default;
  const id = await insertMembership(tx, { organizationId: org.id, userId: user.id }, [role.id]);
  await recordAudit(tx, {
    organizationId: org.id,
    action: "member.added",
    target: { type: "membership", id, label: user.email },
    after: { email: user.email, roles: [role.key] },
  });
}

/** Every role id some group mapping of the organization gives (those roles SCIM manages), with live roles only. */
async function mappedRoleIds(tx: ServiceContext, organizationId: string): Promise<Set<string>> {
  const rows = await tx.db
    .selectFrom("scim_group_roles")
    .select("role_id")
    .where("organization_id", "=", organizationId)
    .execute();
  return new Set(rows.map((r) => r.role_id));
}

/** The role ids the SCIM user's groups map to. */
async function rolesFromGroups(tx: ServiceContext, organizationId: string, scimUserId: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom("scim_group_members")
    .innerJoin("scim_groups", "scim_groups.id", "scim_group_members.group_id")
    .innerJoin("scim_group_roles", (j) =>
      j
        .onRef("scim_group_roles.group_key", "=", "scim_groups.display_key")
        .onRef("scim_group_roles.organization_id", "=", "scim_groups.organization_id"),
    )
    .select("scim_group_roles.role_id")
    .where("scim_group_members.scim_user_id", "=", scimUserId)
    .where("scim_groups.organization_id", "=", organizationId)
    .orderBy("scim_group_roles.created_at")
    .execute();
  return [...new Set(rows.map((r) => r.role_id))];
}

/**
 * Brings a SCIM user's roles in line with its groups: roles that no mapping manages stay as they are (given by hand),
 * managed roles are exactly those its groups map to; with no role left, the instance's default role. `unmapped`:
 * roles whose mapping was just removed, managed once more for this sync so the group's members lose them.
 */
export async function syncRoles(
  tx: ServiceContext,
  org: Organization,
  scim: { id: string; userId: string },
  unmapped: readonly string[] = [],
): Promise<void> {
  const membership = await membershipOf(tx, org.id, scim.userId);
  if (!membership) return;
  const managed = await mappedRoleIds(tx, org.id);
  // Roles whose mapping was just removed are taken from the members who had them through the group.
  for (const id of unmapped) managed.add(id);
  const had = membership.roles.map((r) => r.id);
  let next = [...had.filter((id) => !managed.has(id)), ...(await rolesFromGroups(tx, org.id, scim.id))];
  next = [...new Set(next)];
  if (next.length === 0) next = [(await getRoleDefaults(tx)).default.id];
  if (next.join("\n") === had.join("\n")) return;
  // Only taking a role away can leave the organization without a manager; adding needs no guard (whose check
  // compiles the whole organization's policy: a group push of thousands would pay it per member).
  const change = () => replaceMembershipRoles(tx, membership, next);
  if (had.every((id) => next.includes(id))) await change();
  else await keepingManagers(tx, [org.id], change);
  const after = await membershipOf(tx, org.id, scim.userId);
  await recordAudit(tx, {
    organizationId: org.id,
    action: "scim.roles_synced",
    target: { type: "membership", id: membership.id, label: membership.user.email },
    before: { roles: membership.roles.map((r) => r.key) },
    after: { roles: after?.roles.map((r) => r.key) ?? [] },
  });
}

/**
 * Deactivates a member (SCIM `active: false` or DELETE), in the caller's transaction: the membership is suspended
 * (refused when it would leave the organization without a manager), the sessions it could use are revoked, its open
 * tasks are reassigned by each stage's strategy, and one `scim.user_deactivated` event says why.
 */
export async function deactivateMember(
  tx: ServiceContext,
  org: Organization,
  userId: string,
  reason: string,
): Promise<void> {
  const membership = await membershipOf(tx, org.id, userId);
  if (!membership || membership.suspendedAt !== null) return;
  await keepingManagers(tx, [org.id], () => suspendMembership(tx, membership, reason));
  const sessions = await revokeSessionsOfSuspendedMember(tx, userId, org.id);
  const tasks = await reassignOpenTasksOf(tx, org.id, userId, reason);
  await recordAudit(tx, {
    organizationId: org.id,
    action: "scim.user_deactivated",
    target: { type: "membership", id: membership.id, label: membership.user.email },
    before: { active: true },
    after: { active: false, reason, sessions_revoked: sessions, tasks_reassigned: tasks },
  });
}

/** Reactivates a suspended member with the roles it had. */
export async function reactivateMember(tx: ServiceContext, org: Organization, userId: string): Promise<void> {
  const membership = await membershipOf(tx, org.id, userId);
  if (!membership || membership.suspendedAt === null) return;
  await restoreMembership(tx, membership);
  await recordAudit(tx, {
    organizationId: org.id,
    action: "scim.user_reactivated",
    target: { type: "membership", id: membership.id, label: membership.user.email },
    before: { active: false, reason: membership.suspendedReason },
    after: { active: true },
  });
}
