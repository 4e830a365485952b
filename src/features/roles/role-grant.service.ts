// Granting permissions to roles: assign (with scopes and expiry, replacing an earlier grant) and revoke.
import type { ServiceContext } from "../../context.js";
import { inTransaction } from "../../context.js";
import { recordAudit } from "../audit/index.js";
import { grantNotFound, parseExpiry, parseScopeList } from "../grants/index.js";
import { ensurePermission, resolvePermission } from "../permissions/index.js";
import { type Grant, removeGrant, upsertGrant } from "../policy/index.js";
import { guardedRoleChange } from "./role.guards.js";
import { type Role, assertUserMayEditRoles, findRoleRow, homeOf, toRole } from "./role.service.js";

/** Input of `permission assign`: the role, the permission, optional scopes and expiry. */
export interface AssignInput {
  role: string;
  organization?: string | null | undefined;
  permission: string;
  scope?: string | readonly string[] | undefined;
  expires?: string | number | null | undefined;
}

/** Grants a permission to a role (replacing the scopes and expiry of an existing grant of it). */
export async function assignPermission(
  ctx: ServiceContext,
  input: AssignInput,
): Promise<{ role: Role; grant: Grant; before: Grant | undefined }> {
  const scopes = parseScopeList(input.scope);
  const expiresAt = parseExpiry(input.expires, ctx.clock.now());
  return inTransaction(ctx, async (tx) => {
    const row = await findRoleRow(tx, input.role, input.organization);
    const permission = await ensurePermission(tx, input.permission);
    await assertUserMayEditRoles(tx, await homeOf(tx, row.organization_id), [
      { permission: permission.key, scopes, expiresAt },
    ]);
    const { before, after } = await guardedRoleChange(tx, row.id, () =>
      upsertGrant(tx, { roleId: row.id }, permission, scopes, expiresAt),
    );
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: before ? "grant.updated" : "grant.created",
      target: { type: "role", id: row.id, label: row.key },
      before: before && { permission: before.permission, scopes: before.scopes, expiresAt: before.expiresAt },
      after: { permission: after.permission, scopes: after.scopes, expiresAt: after.expiresAt },
    });
    return { role: await toRole(tx, row), grant: after, before };
  });
}

/**
 * Grants several permissions to one role at once (what `clerk apply` does for a role's list): the role is found,
 * the escalation guard asked and the last-manager guard run once for all of them; each grant is still its own
 * audit event, and the whole is one transaction.
 */
export async function assignPermissions(
  ctx: ServiceContext,
  input: {
    role: string;
    organization?: string | null | undefined;
    grants: readonly Omit<AssignInput, "role" | "organization">[];
  },
): Promise<Role> {
  const parsed = input.grants.map((g) => ({
    permission: g.permission,
    scopes: parseScopeList(g.scope),
    expiresAt: parseExpiry(g.expires, ctx.clock.now()),
  }));
  return inTransaction(ctx, async (tx) => {
    const row = await findRoleRow(tx, input.role, input.organization);
    const permissions: { id: string; key: string }[] = [];
    for (const g of parsed) permissions.push(await ensurePermission(tx, g.permission));
    await assertUserMayEditRoles(
      tx,
      await homeOf(tx, row.organization_id),
      parsed.map((g, i) => ({
        permission: (permissions[i] as { key: string }).key,
        scopes: g.scopes,
        expiresAt: g.expiresAt,
      })),
    );
    await guardedRoleChange(tx, row.id, async () => {
      for (const [i, g] of parsed.entries()) {
        const { before, after } = await upsertGrant(
          tx,
          { roleId: row.id },
          permissions[i] as { id: string; key: string },
          g.scopes,
          g.expiresAt,
        );
        await recordAudit(tx, {
          organizationId: row.organization_id,
          action: before ? "grant.updated" : "grant.created",
          target: { type: "role", id: row.id, label: row.key },
          before: before && { permission: before.permission, scopes: before.scopes, expiresAt: before.expiresAt },
          after: { permission: after.permission, scopes: after.scopes, expiresAt: after.expiresAt },
        });
      }
    });
    return toRole(tx, row);
  });
}

/** Takes a permission away from a role. */
export async function revokePermission(
  ctx: ServiceContext,
  input: { role: string; organization?: string | null | undefined; permission: string },
): Promise<Role> {
  return inTransaction(ctx, async (tx) => {
    const row = await findRoleRow(tx, input.role, input.organization);
    await assertUserMayEditRoles(tx, await homeOf(tx, row.organization_id), []);
    const permission = await resolvePermission(tx, input.permission);
    const removed = await guardedRoleChange(tx, row.id, () => removeGrant(tx, { roleId: row.id }, permission.id));
    if (!removed) throw grantNotFound(permission.key, `Role ${row.name}`);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "grant.deleted",
      target: { type: "role", id: row.id, label: row.key },
      before: { permission: removed.permission, scopes: removed.scopes, expiresAt: removed.expiresAt },
    });
    return toRole(tx, row);
  });
}
