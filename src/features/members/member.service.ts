// Memberships: users (people and agents) in organizations, holding one or more roles and direct grants.
import { type ServiceContext, inTransaction } from "../../context.js";
import { parseInput } from "../../validation.js";
import { actingUserId, assertActorMay, assertAllowedNow, assertMayGrant, keepingManagers } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { grantNotFound, parseExpiry, parseScopeList } from "../grants/index.js";
import { type CreateOrgInput, type Organization, createOrg, deepMerge, lockOrgRow, resolveOrg } from "../orgs/index.js";
import { ensurePermission, resolvePermission } from "../permissions/index.js";
import {
  type Grant,
  deleteMembership,
  grantsOf,
  insertMembership,
  type MembershipPage,
  countMemberships,
  membershipRecords,
  organizationIdsOfUser,
  organizationIdsWithMembers,
  removeGrant,
  replaceMembershipRoles,
  upsertGrant,
  writeMembershipMetadata,
} from "../policy/index.js";
import { type Role, type RoleRef, getRoleDefaults, permissionsOfRoles, resolveRole } from "../roles/index.js";
import { type User, type UserSummary, deleteUserRecord, ensureUser, resolveUser } from "../users/index.js";
import { removeKeysOfUser } from "../keys/index.js";
import { alreadyMember, memberNotFound, quotaExceeded } from "./member.errors.js";
import { type AddMemberInput, type UpdateMemberInput, addMemberSchema, updateMemberSchema } from "./member.schema.js";

const MANAGE = "org:sys_memberships:manage";

/** A membership as services return it. */
export interface Membership {
  id: string;
  organizationId: string;
  user: UserSummary;
  roles: RoleRef[];
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

async function membershipsOf(ctx: ServiceContext, org: Organization, userId?: string): Promise<Membership[]> {
  return membershipRecords(ctx.db, org.id, userId);
}

async function findMembership(ctx: ServiceContext, org: Organization, emailOrId: string): Promise<Membership> {
  const user = await resolveUser(ctx, emailOrId).catch(() => undefined);
  const found = user ? (await membershipsOf(ctx, org, user.id))[0] : undefined;
  if (!found) throw memberNotFound(emailOrId, org.slug);
  return found;
}

/** A membership change under the last-manager guard (the policy store moves the policy version). */
async function guardedChange<T>(ctx: ServiceContext, org: Organization, change: () => Promise<T>): Promise<T> {
  return keepingManagers(ctx, [org.id], change);
}

async function resolveRoles(
  ctx: ServiceContext,
  refs: readonly string[] | undefined,
  org: Organization,
): Promise<Role[]> {
  if (!refs || refs.length === 0) return [await resolveRole(ctx, (await getRoleDefaults(ctx)).default.id, org.id)];
  const roles: Role[] = [];
  for (const ref of refs) {
    const role = await resolveRole(ctx, ref, org.id);
    if (!roles.some((r) => r.id === role.id)) roles.push(role);
  }
  return roles;
}

const view = (m: Membership) => ({ email: m.user.email, roles: m.roles.map((r) => r.key) });

/** Adds a user (created when new) to an organization with roles (default: the instance's default role). */
export async function addMember(ctx: ServiceContext, input: AddMemberInput): Promise<Membership> {
  const data = parseInput(addMemberSchema, input);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    const roles = await resolveRoles(tx, data.roles, org);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    await assertMayGrant(
      tx,
      org.id,
      org.slug,
      await permissionsOfRoles(
        tx,
        roles.map((r) => r.id),
      ),
    );
    const user =
      data.userId !== undefined
        ? await resolveUser(tx, data.userId)
        : await ensureUser(tx, data.email as string, data.kind);
    // Adding cannot take a permission from anyone, so no last-manager guard (it compiles the organization's
    // whole policy twice: bulk adds went quadratic); the row lock keeps the quota check and insert one at a time.
    await lockOrgRow(tx.db, tx.dialect, org.id);
    if ((await membershipsOf(tx, org, user.id)).length > 0) throw alreadyMember(user.email, org.slug);
    if (org.maxAllowedMemberships > 0 && (await countMemberships(tx.db, org.id)) >= org.maxAllowedMemberships) {
      throw quotaExceeded(org.slug, org.maxAllowedMemberships);
    }
    const id = await insertMembership(
      tx,
      {
        organizationId: org.id,
        userId: user.id,
        publicMetadata: data.publicMetadata,
        privateMetadata: data.privateMetadata,
      },
      roles.map((r) => r.id),
    );
    const membership = (await membershipsOf(tx, org, user.id))[0] as Membership;
    await recordAudit(tx, {
      organizationId: org.id,
      action: "member.added",
      target: { type: "membership", id, label: user.email },
      after: view(membership),
    });
    return membership;
  });
}

/**
 * Creates an organization. Its creator becomes the first member with the creator role: the acting user,
 * or `createdBy` (Clerk's `created_by`) when an instance admin creates it for someone.
 */
export async function createOrganization(
  ctx: ServiceContext,
  input: CreateOrgInput,
  createdBy?: string,
): Promise<Organization> {
  return inTransaction(ctx, async (tx) => {
    const creatorId = actingUserId(tx) ?? createdBy;
    const creatorUser = creatorId === undefined ? undefined : await resolveUser(tx, creatorId);
    const org = await createOrg(tx, { ...input, createdBy: creatorUser?.id });
    if (creatorUser) {
      const user = creatorUser;
      // The creator role is instance-wide (role defaults must be), so no organization lookup is needed.
      const creator = await resolveRole(tx, (await getRoleDefaults(tx)).creator.id, null);
      const id = await insertMembership(tx, { organizationId: org.id, userId: user.id }, [creator.id]);
      await recordAudit(tx, {
        organizationId: org.id,
        action: "member.added",
        target: { type: "membership", id, label: user.email },
        after: { email: user.email, roles: [creator.key] },
      });
    }
    return org;
  });
}

/** The members of an organization with their roles, by e-mail. */
export async function listMembers(ctx: ServiceContext, organization: string): Promise<Membership[]> {
  const org = await resolveOrg(ctx, organization);
  await assertActorMay(ctx, org.id, org.slug, "org:sys_memberships:read");
  return membershipsOf(ctx, org);
}

/** One page of an organization's members and how many there are in all, paged by the store. */
export async function listMembersPage(
  ctx: ServiceContext,
  organization: string,
  page: MembershipPage,
): Promise<{ data: Membership[]; totalCount: number }> {
  const org = await resolveOrg(ctx, organization);
  await assertActorMay(ctx, org.id, org.slug, "org:sys_memberships:read");
  const [data, totalCount] = await Promise.all([
    membershipRecords(ctx.db, org.id, undefined, page),
    countMemberships(ctx.db, org.id, page.query),
  ]);
  return { data, totalCount };
}

/**
 * Memberships across organizations, newest first, each with its organization: every one (instance admins), or one
 * user's (that user or an instance admin). An unknown user has none.
 */
export async function listMembershipsAcross(
  ctx: ServiceContext,
  userRef?: string,
): Promise<{ org: Organization; membership: Membership }[]> {
  let user: User | undefined;
  if (userRef === undefined) {
    assertAllowedNow(ctx, { kind: "instance_admin", what: "list every membership", why: "the list is instance-wide" });
  } else {
    user = await resolveUser(ctx, userRef).catch(() => undefined);
    assertAllowedNow(ctx, {
      kind: "self_or_instance_admin",
      userId: user?.id ?? userRef,
      what: "list a user's memberships",
    });
    if (!user) return [];
  }
  const orgIds = user ? await organizationIdsOfUser(ctx.db, user.id) : await organizationIdsWithMembers(ctx.db);
  const out: { org: Organization; membership: Membership }[] = [];
  for (const orgId of orgIds) {
    const org = await resolveOrg(ctx, orgId);
    for (const membership of await membershipRecords(ctx.db, org.id, user?.id)) out.push({ org, membership });
  }
  return out.sort(
    (a, b) => b.membership.createdAt - a.membership.createdAt || a.membership.id.localeCompare(b.membership.id),
  );
}

/** One membership, by the member's e-mail or user id. */
export async function getMember(ctx: ServiceContext, organization: string, email: string): Promise<Membership> {
  const org = await resolveOrg(ctx, organization);
  return findMembership(ctx, org, email);
}

/** Replaces a member's roles. */
export async function updateMemberRoles(ctx: ServiceContext, input: UpdateMemberInput): Promise<Membership> {
  const data = parseInput(updateMemberSchema, input);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    const before = await findMembership(tx, org, data.email);
    const roles = await resolveRoles(tx, data.roles, org);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    await assertMayGrant(
      tx,
      org.id,
      org.slug,
      await permissionsOfRoles(
        tx,
        roles.map((r) => r.id),
      ),
    );
    return guardedChange(tx, org, async () => {
      await replaceMembershipRoles(
        tx,
        before,
        roles.map((r) => r.id),
      );
      const after = (await membershipsOf(tx, org, before.user.id))[0] as Membership;
      await recordAudit(tx, {
        organizationId: org.id,
        action: "member.updated",
        target: { type: "membership", id: before.id, label: before.user.email },
        before: view(before),
        after: view(after),
      });
      return after;
    });
  });
}

/** Merges into a member's public and private metadata (Clerk's PATCH …/metadata: null deletes a key). */
export async function updateMemberMetadata(
  ctx: ServiceContext,
  input: {
    organization: string;
    email: string;
    publicMetadata?: Record<string, unknown> | undefined;
    privateMetadata?: Record<string, unknown> | undefined;
  },
): Promise<Membership> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const before = await findMembership(tx, org, input.email);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    const merge = (current: Record<string, unknown>, patch: Record<string, unknown> | undefined) =>
      patch === undefined ? current : deepMerge(current, patch);
    await writeMembershipMetadata(tx, before, {
      publicMetadata: merge(before.publicMetadata, input.publicMetadata),
      privateMetadata: merge(before.privateMetadata, input.privateMetadata),
    });
    const after = (await membershipsOf(tx, org, before.user.id))[0] as Membership;
    await recordAudit(tx, {
      organizationId: org.id,
      action: "member.metadata_updated",
      target: { type: "membership", id: before.id, label: before.user.email },
      before: { publicMetadata: before.publicMetadata, privateMetadata: before.privateMetadata },
      after: { publicMetadata: after.publicMetadata, privateMetadata: after.privateMetadata },
    });
    return after;
  });
}

/** Removes a member (with their direct grants) from an organization. */
export async function removeMember(
  ctx: ServiceContext,
  input: { organization: string; email: string },
): Promise<Membership> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const membership = await findMembership(tx, org, input.email);
    if (tx.actor.id !== membership.user.id) await assertActorMay(tx, org.id, org.slug, MANAGE);
    return guardedChange(tx, org, async () => {
      await deleteMembership(tx, membership);
      await recordAudit(tx, {
        organizationId: org.id,
        action: "member.removed",
        target: { type: "membership", id: membership.id, label: membership.user.email },
        before: view(membership),
      });
      return membership;
    });
  });
}

/** Input of `member grant`: temporary or scoped access given directly to one member. */
export interface DirectGrantInput {
  organization: string;
  email: string;
  permission: string;
  scope?: string | readonly string[] | undefined;
  expires?: string | number | null | undefined;
}

/** Gives a member a permission directly (beside their roles), optionally scoped and expiring. */
export async function grantToMember(
  ctx: ServiceContext,
  input: DirectGrantInput,
): Promise<{ membership: Membership; grant: Grant; before: Grant | undefined }> {
  const scopes = parseScopeList(input.scope);
  const expiresAt = parseExpiry(input.expires, ctx.clock.now());
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const membership = await findMembership(tx, org, input.email);
    const permission = await ensurePermission(tx, input.permission);
    await assertMayGrant(tx, org.id, org.slug, [{ permission: permission.key, scopes, expiresAt }]);
    const { before, after } = await guardedChange(tx, org, () =>
      upsertGrant(tx, { membershipId: membership.id }, permission, scopes, expiresAt),
    );
    await recordAudit(tx, {
      organizationId: org.id,
      action: before ? "grant.updated" : "grant.created",
      target: { type: "membership", id: membership.id, label: membership.user.email },
      before: before && { permission: before.permission, scopes: before.scopes, expiresAt: before.expiresAt },
      after: { permission: after.permission, scopes: after.scopes, expiresAt: after.expiresAt },
    });
    return { membership, grant: after, before };
  });
}

/** Takes a direct grant away from a member. */
export async function revokeFromMember(
  ctx: ServiceContext,
  input: { organization: string; email: string; permission: string },
): Promise<Grant> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const membership = await findMembership(tx, org, input.email);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    const permission = await resolvePermission(tx, input.permission);
    return guardedChange(tx, org, async () => {
      const removed = await removeGrant(tx, { membershipId: membership.id }, permission.id);
      if (!removed) throw grantNotFound(permission.key, membership.user.email);
      await recordAudit(tx, {
        organizationId: org.id,
        action: "grant.deleted",
        target: { type: "membership", id: membership.id, label: membership.user.email },
        before: { permission: removed.permission, scopes: removed.scopes, expiresAt: removed.expiresAt },
      });
      return removed;
    });
  });
}

/** Direct grants in an organization (all members, or one), with the member they belong to. */
export async function listDirectGrants(
  ctx: ServiceContext,
  organization: string,
  email?: string,
): Promise<{ member: string; grant: Grant }[]> {
  const org = await resolveOrg(ctx, organization);
  await assertActorMay(ctx, org.id, org.slug, "org:sys_memberships:read");
  const members = email ? [await findMembership(ctx, org, email)] : await membershipsOf(ctx, org);
  const grants = await grantsOf(
    ctx,
    members.map((m) => m.id),
  );
  return grants.map((g) => ({ member: members.find((m) => m.id === g.membershipId)?.user.email ?? "", grant: g }));
}

/**
 * Deletes a user (Clerk's DELETE /users/{id}), instance admins only, in one transaction: each membership is removed
 * as `member.removed` would (with its direct grants; refused, and nothing changed, when the user is an
 * organization's last manager), agent keys bound to the user are deleted, sessions go with the row, open tasks
 * assigned to the user become unassigned, invitations they sent keep no inviter.
 */
export async function deleteUser(ctx: ServiceContext, ref: string): Promise<User> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "delete users", why: "users are instance-wide" });
  return inTransaction(ctx, async (tx) => {
    const user = await resolveUser(tx, ref);
    for (const orgId of await organizationIdsOfUser(tx.db, user.id, { includeSuspended: true })) {
      const org = await resolveOrg(tx, orgId);
      const membership = (await membershipsOf(tx, org, user.id))[0] as Membership;
      await guardedChange(tx, org, async () => {
        await deleteMembership(tx, membership);
        await recordAudit(tx, {
          organizationId: org.id,
          action: "member.removed",
          target: { type: "membership", id: membership.id, label: user.email },
          before: view(membership),
        });
      });
    }
    await removeKeysOfUser(tx, user.id);
    await deleteUserRecord(tx, user);
    return user;
  });
}
