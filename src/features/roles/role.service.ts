// Roles: instance-wide or per organization, extending several parents, holding grants; with their guards.
import { EngineInputError, roleKeyFromName as engineRoleKey } from "../../engine/index.js";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId, newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { type GrantRequest, assertMayGrant } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type Grant, grantNotFound, grantsOf, removeGrant, upsertGrant } from "../grants/index.js";
import { type Organization, ancestorsOfOrg, bumpPolicyVersion, resolveOrg } from "../orgs/index.js";
import { type Permission, ensurePermission, resolvePermission } from "../permissions/index.js";
import { bumpInstancePolicyVersion, getSetting } from "../settings/index.js";
import {
  roleHasChildren,
  roleHasMembers,
  roleInInvitations,
  roleIsCreatorOrDefault,
  roleNameTaken,
  roleNotFound,
  roleNotUsable,
} from "./role.errors.js";
import {
  type RoleRow,
  childLinks,
  findRoleRowById,
  findRoleRowsByKey,
  insertRoleRow,
  instanceWideFirst,
  memberCountsByRole,
  membersHoldingRole,
  organizationSlugs,
  parentLinks,
  pendingInvitationsNaming,
  replaceParents,
  usableRoleRows,
} from "./role.repository.js";
import { assertNoCycle, guardedRoleChange } from "./role.guards.js";
import { type CreateRoleInput, type UpdateRoleInput, createRoleSchema, updateRoleSchema } from "./role.schema.js";

/** "Code Reviewer" → "org:code_reviewer"; a name with no letters or digits is a clear input error. */
function roleKeyFromName(name: string): string {
  try {
    return engineRoleKey(name);
  } catch (error) {
    if (error instanceof EngineInputError) {
      throw new ClerkError(
        "input.invalid",
        `The role name "${name}" has no letters or digits to make a key from; use a name such as "Code Reviewer".`,
        { param: "name" },
      );
    }
    throw error;
  }
}

/** The key a name would have, or undefined when it has none (so lookups simply find nothing). */
function keyOrUndefined(name: string): string | undefined {
  try {
    return engineRoleKey(name);
  } catch {
    return undefined;
  }
}

/** A role reference as other objects embed it. */
export interface RoleRef {
  id: string;
  key: string;
  name: string;
}

/** A role as services return it: its own grants and its direct parents. */
export interface Role extends RoleRef {
  description: string;
  organizationId: string | null;
  parents: RoleRef[];
  grants: Grant[];
  createdAt: number;
  updatedAt: number;
}

/** Where a role lives: an organization, or the instance (`null`). */
interface RoleHome {
  org: Organization | null;
  /** The organization and its ancestors: whose roles are usable there. */
  owners: string[];
}

export async function homeOf(ctx: ServiceContext, organization: string | undefined | null): Promise<RoleHome> {
  if (organization === undefined || organization === null) return { org: null, owners: [] };
  const org = await resolveOrg(ctx, organization);
  return { org, owners: [org.id, ...(await ancestorsOfOrg(ctx, org)).map((a) => a.id)] };
}

async function toRoles(ctx: ServiceContext, rows: readonly RoleRow[]): Promise<Role[]> {
  const links = await parentLinks(
    ctx.db,
    rows.map((r) => r.id),
  );
  const parentIds = [...new Set(links.map((l) => l.parent_id))];
  const parentRows = new Map<string, RoleRow>();
  for (const id of parentIds) {
    const row = rows.find((r) => r.id === id) ?? (await findRoleRowById(ctx.db, id));
    if (row) parentRows.set(id, row);
  }
  const grants = await grantsOf(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    organizationId: r.organization_id,
    parents: links
      .filter((l) => l.role_id === r.id)
      .map((l) => parentRows.get(l.parent_id))
      .filter((p): p is RoleRow => p !== undefined)
      .map((p) => ({ id: p.id, key: p.key, name: p.name })),
    grants: grants.filter((g) => g.roleId === r.id),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function toRole(ctx: ServiceContext, row: RoleRow): Promise<Role> {
  return (await toRoles(ctx, [row]))[0] as Role;
}

/**
 * Roles usable in an organization (instance-wide, its ancestors', its own), the instance-wide ones (`null`),
 * or every role (`undefined`); each with how many members hold it and its organization's slug.
 */
export async function listRoles(
  ctx: ServiceContext,
  organization?: string | null,
): Promise<(Role & { members: number; organizationSlug: string | null })[]> {
  const rows =
    organization === undefined
      ? await ctx.db
          .selectFrom("roles")
          .selectAll()
          .orderBy(instanceWideFirst)
          .orderBy("organization_id")
          .orderBy("name")
          .execute()
      : await usableRoleRows(ctx.db, (await homeOf(ctx, organization)).owners);
  const counts = await memberCountsByRole(ctx.db);
  const slugs = await organizationSlugs(
    ctx.db,
    rows.map((r) => r.organization_id).filter((id): id is string => id !== null),
  );
  return (await toRoles(ctx, rows)).map((r) => ({
    ...r,
    members: counts.get(r.id) ?? 0,
    organizationSlug: r.organizationId === null ? null : (slugs.get(r.organizationId) ?? null),
  }));
}

function matchRole(rows: readonly RoleRow[], ref: string): RoleRow | undefined {
  const value = ref.trim();
  if (isId(value, "role")) return rows.find((r) => r.id === value);
  const lower = value.toLowerCase();
  const byKey = rows.find((r) => r.key === lower || r.key === `org:${lower}`);
  if (byKey) return byKey;
  const byName = rows.filter((r) => r.name.toLowerCase() === lower);
  if (byName.length > 1) {
    throw new ClerkError(
      "input.invalid",
      `Several roles are named "${value}" (${byName.map((r) => r.key).join(", ")}); use the key or id.`,
      { param: "role" },
    );
  }
  return byName[0] ?? rows.find((r) => r.key === keyOrUndefined(value));
}

/** Finds a role usable in the organization (or instance-wide) by id, key or name, or throws with a fix. */
export async function resolveRole(ctx: ServiceContext, ref: string, organization?: string | null): Promise<Role> {
  return toRole(ctx, await findRoleRow(ctx, ref, organization));
}

async function resolveRoleRow(ctx: ServiceContext, ref: string, home: RoleHome): Promise<RoleRow> {
  const rows = await usableRoleRows(ctx.db, home.owners);
  const found = matchRole(rows, ref);
  if (found) return found;
  throw roleNotFound(
    ref.trim(),
    rows.map((r) => [r.name, r.key]),
    home.org?.slug ?? null,
  );
}

/**
 * Finds a role named without an organization (the seed's `permission assign --role "Code Reviewer"`):
 * instance-wide roles first, then any organization's role when exactly one matches.
 */
async function resolveRoleAnywhere(ctx: ServiceContext, ref: string): Promise<RoleRow> {
  const instance = matchRole(await usableRoleRows(ctx.db, []), ref);
  if (instance) return instance;
  const all = await ctx.db.selectFrom("roles").selectAll().execute();
  const value = ref.trim().toLowerCase();
  const hits = all.filter(
    (r) =>
      r.id === ref.trim() ||
      r.key === value ||
      r.key === `org:${value}` ||
      r.name.toLowerCase() === value ||
      r.key === keyOrUndefined(ref),
  );
  if (hits.length === 1) return hits[0] as RoleRow;
  if (hits.length > 1) {
    const orgs = await ctx.db
      .selectFrom("organizations")
      .select(["id", "slug"])
      .where(
        "id",
        "in",
        hits.map((h) => h.organization_id ?? ""),
      )
      .execute();
    const slugs = orgs.map((o) => o.slug).join(", ");
    throw new ClerkError(
      "input.invalid",
      `Several organizations have a role "${ref.trim()}" (${slugs}); pass --organization.`,
      { param: "organization" },
    );
  }
  throw roleNotFound(
    ref.trim(),
    all.map((r) => [r.name, r.key]),
    null,
  );
}

/** Resolves a role in an organization when one is named, else anywhere it is unambiguous. */
export async function findRoleRow(
  ctx: ServiceContext,
  ref: string,
  organization: string | undefined | null,
): Promise<RoleRow> {
  if (organization === undefined) return resolveRoleAnywhere(ctx, ref);
  return resolveRoleRow(ctx, ref, await homeOf(ctx, organization));
}

/** The role ids a set of roles reaches through inheritance (itself included). */
async function closure(ctx: ServiceContext, roleIds: readonly string[]): Promise<string[]> {
  const links = await parentLinks(ctx.db);
  const parents = new Map<string, string[]>();
  for (const l of links) parents.set(l.role_id, [...(parents.get(l.role_id) ?? []), l.parent_id]);
  const seen = new Set<string>();
  const stack = [...roleIds];
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(parents.get(id) ?? []));
  }
  return [...seen];
}

/** Every permission a set of roles holds (own and inherited), for the escalation guard. */
export async function permissionsOfRoles(
  ctx: ServiceContext,
  roleIds: readonly string[],
): Promise<{ permission: string; scopes: string[]; expiresAt: number | null }[]> {
  const grants = await grantsOf(ctx, await closure(ctx, roleIds));
  return grants.map((g) => ({ permission: g.permission, scopes: g.scopes, expiresAt: g.expiresAt }));
}

async function resolveParents(
  ctx: ServiceContext,
  refs: readonly string[],
  home: RoleHome,
  selfName: string,
): Promise<RoleRow[]> {
  const rows: RoleRow[] = [];
  for (const ref of refs) {
    const row = await resolveRoleRow(ctx, ref, home);
    if (row.key === keyOrUndefined(selfName) && row.organization_id === (home.org?.id ?? null)) {
      throw new ClerkError("role.inheritance_cycle", `Role "${selfName}" cannot extend itself.`, { param: "extends" });
    }
    if (!rows.some((r) => r.id === row.id)) rows.push(row);
  }
  if (home.org === null) {
    const orgParent = rows.find((r) => r.organization_id !== null);
    if (orgParent) throw roleNotUsable(orgParent.key, "an instance-wide role can only extend instance-wide roles.");
  }
  return rows;
}

export async function touchPolicy(ctx: ServiceContext, organizationId: string | null): Promise<void> {
  if (organizationId === null) await bumpInstancePolicyVersion(ctx);
  else await bumpPolicyVersion(ctx, organizationId);
}

export async function assertUserMayEditRoles(ctx: ServiceContext, home: RoleHome, grants: readonly GrantRequest[]) {
  if (ctx.actor.type !== "user") return;
  if (home.org === null) {
    throw new ClerkError(
      "permission.denied",
      `${ctx.actor.label} may not change instance-wide roles; only an instance admin (the local operator or an instance key) may.`,
    );
  }
  await assertMayGrant(ctx, home.org.id, home.org.slug, grants);
}

/** Creates a role (key from the name), with parents and permissions; unknown permissions are created as custom ones. */
export async function createRole(ctx: ServiceContext, input: CreateRoleInput): Promise<Role> {
  const data = parseInput(createRoleSchema, input);
  const key = data.key ? data.key.toLowerCase() : roleKeyFromName(data.name);
  if (!/^org:[a-z0-9_]+$/.test(key)) {
    throw new ClerkError(
      "input.invalid",
      `"${data.key}" is not a role key; use org:<name> with lowercase letters, digits and _.`,
      { param: "key" },
    );
  }
  return inTransaction(ctx, async (tx) => {
    const home = await homeOf(tx, data.organization);
    await assertKeyFree(tx, key, home);
    const parents = await resolveParents(tx, data.extends ?? [], home, data.name);
    const permissions = [];
    for (const p of data.permissions ?? []) permissions.push(await ensurePermission(tx, p));
    await assertUserMayEditRoles(tx, home, [
      ...permissions.map((p) => ({ permission: p.key })),
      ...(await permissionsOfRoles(
        tx,
        parents.map((p) => p.id),
      )),
    ]);
    const now = tx.clock.now();
    const row: RoleRow = {
      id: newId("role", now),
      key,
      name: data.name,
      description: data.description ?? "",
      organization_id: home.org?.id ?? null,
      owner_key: home.org?.id ?? "*",
      created_at: now,
      updated_at: now,
    };
    await insertRoleRow(tx.db, row);
    await replaceParents(
      tx.db,
      row.id,
      parents.map((p) => p.id),
    );
    for (const p of permissions) await upsertGrant(tx, { roleId: row.id }, p, [], null);
    await touchPolicy(tx, row.organization_id);
    const role = await toRole(tx, row);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "role.created",
      target: { type: "role", id: role.id, label: key },
      after: summary(role),
    });
    return role;
  });
}

/** A role's audit form: what a reader needs to see what changed. */
function summary(role: Role) {
  return {
    key: role.key,
    name: role.name,
    description: role.description,
    organizationId: role.organizationId,
    extends: role.parents.map((p) => p.key),
    permissions: role.grants.map((g) => ({ permission: g.permission, scopes: g.scopes, expiresAt: g.expiresAt })),
  };
}

/** A role key must not clash with any role usable where this one is usable, or that could see this one. */
async function assertKeyFree(ctx: ServiceContext, key: string, home: RoleHome, exceptId?: string): Promise<void> {
  const clashes = (await findRoleRowsByKey(ctx.db, key)).filter((r) => r.id !== exceptId);
  for (const other of clashes) {
    if (home.org === null || other.organization_id === null || home.owners.includes(other.organization_id)) {
      throw roleNameTaken(
        key,
        other.organization_id === null ? "instance-wide" : "in this organization or one of its ancestors",
      );
    }
    const otherHome = await homeOf(ctx, other.organization_id);
    if (otherHome.owners.includes(home.org.id))
      throw roleNameTaken(key, `in a child organization (${otherHome.org?.slug})`);
  }
}

/** Renames, re-describes, re-parents a role, or adds and removes unscoped permissions. */
export async function updateRole(ctx: ServiceContext, ref: string, input: UpdateRoleInput): Promise<Role> {
  const data = parseInput(updateRoleSchema, input);
  return inTransaction(ctx, async (tx) => {
    const row = await findRoleRow(tx, ref, data.organization);
    const roleHome = await homeOf(tx, row.organization_id);
    const before = await toRole(tx, row);
    const now = tx.clock.now();
    const patch: Partial<RoleRow> = { updated_at: now };
    if (data.name !== undefined && data.name !== row.name) {
      patch.name = data.name;
      const key = roleKeyFromName(data.name);
      if (!row.key.startsWith("org:") || ["org:admin", "org:member", "org:audit_reader"].includes(row.key)) {
        // Built-in keys are what tokens and SDKs match on; renaming keeps them.
      } else {
        await assertKeyFree(tx, key, roleHome, row.id);
        patch.key = key;
      }
    }
    if (data.description !== undefined) patch.description = data.description;
    const granted: { permission: string }[] = [];
    let newParents: string[] | undefined;
    if (data.extends !== undefined) {
      const parents = await resolveParents(tx, data.extends, roleHome, row.name);
      await assertNoCycle(
        tx,
        row.id,
        row.name,
        parents.map((p) => p.id),
      );
      granted.push(
        ...(await permissionsOfRoles(
          tx,
          parents.map((p) => p.id),
        )),
      );
      newParents = parents.map((p) => p.id);
    }
    const added: Permission[] = [];
    for (const p of data.addPermissions ?? []) added.push(await ensurePermission(tx, p));
    granted.push(...added.map((p) => ({ permission: p.key })));
    await assertUserMayEditRoles(tx, roleHome, granted);
    const removed: Permission[] = [];
    for (const p of data.removePermissions ?? []) removed.push(await resolvePermission(tx, p));
    await guardedRoleChange(tx, row.id, async () => {
      if (newParents) await replaceParents(tx.db, row.id, newParents);
      for (const p of added) await upsertGrant(tx, { roleId: row.id }, p, [], null);
      for (const permission of removed) {
        if (!(await removeGrant(tx, { roleId: row.id }, permission.id)))
          throw grantNotFound(permission.key, `Role ${row.name}`);
      }
      await tx.db.updateTable("roles").set(patch).where("id", "=", row.id).execute();
    });
    await touchPolicy(tx, row.organization_id);
    const after = await toRole(tx, (await findRoleRowById(tx.db, row.id)) as RoleRow);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "role.updated",
      target: { type: "role", id: row.id, label: after.key },
      before: summary(before),
      after: summary(after),
    });
    return after;
  });
}

/** Deletes a role unless it is the creator or default role, is held by a member or named by a pending invitation, or is extended by another role. */
export async function deleteRole(ctx: ServiceContext, ref: string, organization?: string | null): Promise<Role> {
  return inTransaction(ctx, async (tx) => {
    const row = await findRoleRow(tx, ref, organization);
    await assertUserMayEditRoles(tx, await homeOf(tx, row.organization_id), []);
    if ((await getSetting(tx, "creator_role_id")) === row.id) throw roleIsCreatorOrDefault(row.key, "creator");
    if ((await getSetting(tx, "default_role_id")) === row.id) throw roleIsCreatorOrDefault(row.key, "default");
    const members = await membersHoldingRole(tx.db, row.id);
    if (members > 0) throw roleHasMembers(row.key, members);
    const invited = await pendingInvitationsNaming(tx.db, row.id, tx.clock.now());
    if (invited > 0) throw roleInInvitations(row.key, invited);
    const children = await childLinks(tx.db, row.id);
    if (children.length > 0) {
      const names = await Promise.all(children.map(async (id) => (await findRoleRowById(tx.db, id))?.name ?? id));
      throw roleHasChildren(row.key, names);
    }
    const role = await toRole(tx, row);
    await tx.db.deleteFrom("grants").where("role_id", "=", row.id).execute();
    await tx.db.deleteFrom("role_parents").where("role_id", "=", row.id).execute();
    await tx.db.deleteFrom("roles").where("id", "=", row.id).execute();
    await touchPolicy(tx, row.organization_id);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "role.deleted",
      target: { type: "role", id: row.id, label: row.key },
      before: summary(role),
    });
    return role;
  });
}
