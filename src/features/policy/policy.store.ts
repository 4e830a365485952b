// The only writer of roles, role_parents, grants, memberships and membership_roles. Every write moves the
// policy version of the organization it touches (or the instance's) in the caller's transaction.
import type { Insertable, Updateable } from "kysely";
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { type Grant, type GrantHolder, type PermissionHolder, grantsOf, holdersOfPermission } from "./grant.reads.js";
import type { GrantsTable } from "./grant.table.js";
import { markPolicyChanged } from "./policy.version.js";
import type { RolesTable } from "./role.table.js";

/** A role as the store needs it to write: which organization (or `null`, the instance) owns it. */
interface RoleOwner {
  id: string;
  organization_id: string | null;
}

/** A membership as the store needs it to write. */
interface MembershipRef {
  id: string;
  organizationId: string;
}

/** Creates a role with its parents (in order). */
export async function insertRole(
  ctx: ServiceContext,
  row: Insertable<RolesTable>,
  parentIds: readonly string[],
): Promise<void> {
  await ctx.db.insertInto("roles").values(row).execute();
  await writeParents(ctx, row.id, parentIds);
  await markPolicyChanged(ctx, row.organization_id ?? null);
}

/** Changes a role's name, key, description or timestamp. */
export async function updateRoleRow(
  ctx: ServiceContext,
  role: RoleOwner,
  patch: Updateable<RolesTable>,
): Promise<void> {
  await ctx.db.updateTable("roles").set(patch).where("id", "=", role.id).execute();
  await markPolicyChanged(ctx, role.organization_id);
}

/** Replaces the roles a role extends (callers check for cycles under lockPolicyOwner first). */
export async function replaceRoleParents(
  ctx: ServiceContext,
  role: RoleOwner,
  parentIds: readonly string[],
): Promise<void> {
  await ctx.db.deleteFrom("role_parents").where("role_id", "=", role.id).execute();
  await writeParents(ctx, role.id, parentIds);
  await markPolicyChanged(ctx, role.organization_id);
}

async function writeParents(ctx: ServiceContext, roleId: string, parentIds: readonly string[]): Promise<void> {
  if (parentIds.length === 0) return;
  await ctx.db
    .insertInto("role_parents")
    .values(parentIds.map((parent_id, position) => ({ role_id: roleId, parent_id, position })))
    .execute();
}

/** Deletes a role with its grants and its own parent links (callers refuse roles still held or extended). */
export async function deleteRoleRows(ctx: ServiceContext, role: RoleOwner): Promise<void> {
  await ctx.db.deleteFrom("grants").where("role_id", "=", role.id).execute();
  await ctx.db.deleteFrom("role_parents").where("role_id", "=", role.id).execute();
  await ctx.db.deleteFrom("roles").where("id", "=", role.id).execute();
  await markPolicyChanged(ctx, role.organization_id);
}

/** The organization whose policy a grant of this holder belongs to (`null`: an instance-wide role). */
async function organizationOfHolder(ctx: ServiceContext, holder: GrantHolder): Promise<string | null> {
  if (holder.roleId !== undefined) {
    const role = await ctx.db
      .selectFrom("roles")
      .select("organization_id")
      .where("id", "=", holder.roleId)
      .executeTakeFirstOrThrow();
    return role.organization_id;
  }
  const membership = await ctx.db
    .selectFrom("memberships")
    .select("organization_id")
    .where("id", "=", holder.membershipId)
    .executeTakeFirstOrThrow();
  return membership.organization_id;
}

const holderId = (h: GrantHolder) => (h.roleId ?? h.membershipId) as string;

/**
 * Gives `holder` the permission with these scopes and expiry. One grant per holder and permission:
 * assigning again replaces its scopes and expiry (the seed's "restrict Code Reviewers to …").
 * Returns the grant before (if any) and after, for the caller's audit event.
 */
export async function upsertGrant(
  ctx: ServiceContext,
  holder: GrantHolder,
  permission: { id: string; key: string },
  scopes: readonly string[],
  expiresAt: number | null,
): Promise<{ before: Grant | undefined; after: Grant }> {
  const id = holderId(holder);
  const before = (await grantsOf(ctx, [id])).find((g) => g.permissionId === permission.id);
  const now = ctx.clock.now();
  if (before) {
    await ctx.db
      .updateTable("grants")
      .set({ scopes: JSON.stringify(scopes), expires_at: expiresAt, updated_at: now })
      .where("id", "=", before.id)
      .execute();
  } else {
    const row: GrantsTable = {
      id: newId("grant", now),
      role_id: holder.roleId ?? null,
      membership_id: holder.membershipId ?? null,
      holder_id: id,
      permission_id: permission.id,
      scopes: JSON.stringify(scopes),
      expires_at: expiresAt,
      created_at: now,
      updated_at: now,
    };
    await ctx.db.insertInto("grants").values(row).execute();
  }
  await markPolicyChanged(ctx, await organizationOfHolder(ctx, holder));
  const after = (await grantsOf(ctx, [id])).find((g) => g.permissionId === permission.id) as Grant;
  return { before, after };
}

/** Removes the holder's grant of a permission; returns it, or undefined when there was none. */
export async function removeGrant(
  ctx: ServiceContext,
  holder: GrantHolder,
  permissionId: string,
): Promise<Grant | undefined> {
  const existing = (await grantsOf(ctx, [holderId(holder)])).find((g) => g.permissionId === permissionId);
  if (!existing) return undefined;
  await ctx.db.deleteFrom("grants").where("id", "=", existing.id).execute();
  await markPolicyChanged(ctx, await organizationOfHolder(ctx, holder));
  return existing;
}

/**
 * Revokes every grant of a permission (before the permission itself is deleted); returns what was revoked.
 * Moves the instance's version (the catalogue changed) and that of each organization that held it.
 */
export async function revokePermissionEverywhere(
  ctx: ServiceContext,
  permissionId: string,
): Promise<PermissionHolder[]> {
  const holders = await holdersOfPermission(ctx.db, permissionId);
  await ctx.db.deleteFrom("grants").where("permission_id", "=", permissionId).execute();
  await markPolicyChanged(ctx, null);
  for (const org of new Set(holders.map((h) => h.organizationId))) if (org !== null) await markPolicyChanged(ctx, org);
  return holders;
}

/** Adds a user to an organization holding these roles (in order); returns the membership's id. */
export async function insertMembership(
  ctx: ServiceContext,
  member: {
    organizationId: string;
    userId: string;
    publicMetadata?: Record<string, unknown> | undefined;
    privateMetadata?: Record<string, unknown> | undefined;
  },
  roleIds: readonly string[],
): Promise<string> {
  const now = ctx.clock.now();
  const id = newId("orgmem", now);
  await ctx.db
    .insertInto("memberships")
    .values({
      id,
      organization_id: member.organizationId,
      user_id: member.userId,
      public_metadata: JSON.stringify(member.publicMetadata ?? {}),
      private_metadata: JSON.stringify(member.privateMetadata ?? {}),
      suspended_at: null,
      suspended_reason: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await writeMembershipRoles(ctx, id, roleIds);
  await markPolicyChanged(ctx, member.organizationId);
  return id;
}

/** Replaces the roles a membership holds (in order). */
export async function replaceMembershipRoles(
  ctx: ServiceContext,
  membership: MembershipRef,
  roleIds: readonly string[],
): Promise<void> {
  await ctx.db.deleteFrom("membership_roles").where("membership_id", "=", membership.id).execute();
  await writeMembershipRoles(ctx, membership.id, roleIds);
  await ctx.db
    .updateTable("memberships")
    .set({ updated_at: ctx.clock.now() })
    .where("id", "=", membership.id)
    .execute();
  await markPolicyChanged(ctx, membership.organizationId);
}

async function writeMembershipRoles(ctx: ServiceContext, membershipId: string, roleIds: readonly string[]) {
  if (roleIds.length === 0) return;
  await ctx.db
    .insertInto("membership_roles")
    .values(roleIds.map((role_id, position) => ({ membership_id: membershipId, role_id, position })))
    .execute();
}

/** Replaces a membership's public and private metadata (metadata is not policy: the version stays). */
export async function writeMembershipMetadata(
  ctx: ServiceContext,
  membership: MembershipRef,
  metadata: { publicMetadata: Record<string, unknown>; privateMetadata: Record<string, unknown> },
): Promise<void> {
  await ctx.db
    .updateTable("memberships")
    .set({
      public_metadata: JSON.stringify(metadata.publicMetadata),
      private_metadata: JSON.stringify(metadata.privateMetadata),
      updated_at: ctx.clock.now(),
    })
    .where("id", "=", membership.id)
    .execute();
}

/**
 * Suspends a membership (an IdP deactivated the person): it keeps its roles and grants, but the compiled policy
 * leaves it out, so checks deny, `who can` omits it and no token is minted for it until it is restored.
 * Returns false when it was suspended already (nothing changed).
 */
export async function suspendMembership(
  ctx: ServiceContext,
  membership: MembershipRef,
  reason: string,
): Promise<boolean> {
  const now = ctx.clock.now();
  const result = await ctx.db
    .updateTable("memberships")
    .set({ suspended_at: now, suspended_reason: reason, updated_at: now })
    .where("id", "=", membership.id)
    .where("suspended_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await markPolicyChanged(ctx, membership.organizationId);
  return true;
}

/** Restores a suspended membership with the roles and grants it had; false when it was not suspended. */
export async function restoreMembership(ctx: ServiceContext, membership: MembershipRef): Promise<boolean> {
  const result = await ctx.db
    .updateTable("memberships")
    .set({ suspended_at: null, suspended_reason: null, updated_at: ctx.clock.now() })
    .where("id", "=", membership.id)
    .where("suspended_at", "is not", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await markPolicyChanged(ctx, membership.organizationId);
  return true;
}

/** Removes a membership with its roles and direct grants. */
export async function deleteMembership(ctx: ServiceContext, membership: MembershipRef): Promise<void> {
  await ctx.db.deleteFrom("grants").where("membership_id", "=", membership.id).execute();
  await ctx.db.deleteFrom("membership_roles").where("membership_id", "=", membership.id).execute();
  await ctx.db.deleteFrom("memberships").where("id", "=", membership.id).execute();
  await markPolicyChanged(ctx, membership.organizationId);
}

/**
 * Deletes everything of an organization's policy (its memberships, its roles, their grants and links),
 * before the organization itself is deleted; its descendants' policies must be deleted first.
 */
export async function deleteOrganizationPolicy(ctx: ServiceContext, organizationId: string): Promise<void> {
  const db = ctx.db;
  const roleIds = db.selectFrom("roles").select("id").where("organization_id", "=", organizationId);
  const membershipIds = db.selectFrom("memberships").select("id").where("organization_id", "=", organizationId);
  await db.deleteFrom("grants").where("membership_id", "in", membershipIds).execute();
  await db.deleteFrom("membership_roles").where("membership_id", "in", membershipIds).execute();
  await db.deleteFrom("memberships").where("organization_id", "=", organizationId).execute();
  await db.deleteFrom("grants").where("role_id", "in", roleIds).execute();
  await db
    .deleteFrom("role_parents")
    .where((eb) => eb.or([eb("role_id", "in", roleIds), eb("parent_id", "in", roleIds)]))
    .execute();
  await db.deleteFrom("roles").where("organization_id", "=", organizationId).execute();
  await markPolicyChanged(ctx, organizationId);
}
