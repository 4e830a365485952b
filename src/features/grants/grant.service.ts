// Grants: a permission held by a role or directly by a membership, with scopes and an optional expiry.
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import type { GrantsTable } from "./grant.table.js";

/** Who holds a grant. */
export type GrantHolder = { roleId: string; membershipId?: undefined } | { membershipId: string; roleId?: undefined };

/** A grant as services return it. */
export interface Grant {
  id: string;
  roleId: string | null;
  membershipId: string | null;
  permissionId: string;
  permission: string;
  scopes: string[];
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

const holderId = (h: GrantHolder) => (h.roleId ?? h.membershipId) as string;

async function grantsWhere(ctx: ServiceContext, column: "holder_id", ids: readonly string[]): Promise<Grant[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .selectFrom("grants")
    .innerJoin("permissions", "permissions.id", "grants.permission_id")
    .selectAll("grants")
    .select("permissions.key as permission")
    .where(`grants.${column}`, "in", ids)
    .orderBy("permissions.key")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    roleId: r.role_id,
    membershipId: r.membership_id,
    permissionId: r.permission_id,
    permission: r.permission,
    scopes: JSON.parse(r.scopes) as string[],
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** The grants held by these roles or memberships, by permission key. */
export async function grantsOf(ctx: ServiceContext, holderIds: readonly string[]): Promise<Grant[]> {
  return grantsWhere(ctx, "holder_id", holderIds);
}

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
  if (existing) await ctx.db.deleteFrom("grants").where("id", "=", existing.id).execute();
  return existing;
}

/** Removes every grant of these holders (used when a role or membership goes away). */
export async function removeGrantsOf(ctx: ServiceContext, holderIds: readonly string[]): Promise<void> {
  if (holderIds.length > 0) await ctx.db.deleteFrom("grants").where("holder_id", "in", holderIds).execute();
}
