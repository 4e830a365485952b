// Roles: instance-wide or per organization, extending several parents, holding grants; with their guards.
import { EngineInputError, roleKeyFromName as engineRoleKey } from "../../engine/index.js";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId, newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { type GrantRequest, assertAllowedNow, assertMayGrant, isInstanceAdmin } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { grantNotFound } from "../grants/index.js";
import { type Organization, ancestorsOfOrg, resolveOrg, visibleOrgIds } from "../orgs/index.js";
import { type Permission, ensurePermission, resolvePermission } from "../permissions/index.js";
import {
  type Grant,
  type RoleRow,
  allRoleRows,
  childLinks,
  deleteRoleRows,
  findRoleRowById,
  findRoleRowsByKey,
  grantsOf,
  insertRole,
  lockPolicyOwner,
  memberCountsByRole,
  membersHoldingRole,
  linksAbove,
  parentLinks,
  removeGrant,
  replaceRoleParents,
  roleRefsById,
  updateRoleRow,
  upsertGrant,
  usableRoleRows,
} from "../policy/index.js";
import { getSetting } from "../settings/index.js";
import {
  roleHasChildren,
  roleHasMembers,
  roleInInvitations,
  roleIsCreatorOrDefault,
  roleNameTaken,
  roleNotFound,
  roleNotUsable,
} from "./role.errors.js";
import { organizationSlugs, pendingInvitationsNaming } from "./role.repository.js";
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

/** A grant a role holds, its own or inherited, with the role it comes from. */
export interface EffectiveGrant {
  permission: string;
  scopes: string[];
  expiresAt: number | null;
  /** The role holding the grant: the role itself, or the ancestor it inherits it from. */
  fromRole: RoleRef;
}

/** A role as services return it: its own grants, its direct parents, and everything it can do. */
export interface Role extends RoleRef {
  description: string;
  organizationId: string | null;
  parents: RoleRef[];
  grants: Grant[];
  /** Its own grants first, then each parent's (and theirs) in order, each grant once. */
  effectiveGrants: EffectiveGrant[];
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

/** What each of these roles can do: its own grants, then each parent's in order (a stored cycle is walked once). */
async function effectiveGrantsOf(
  ctx: ServiceContext,
  roleIds: readonly string[],
): Promise<Map<string, EffectiveGrant[]>> {
  const parents = new Map<string, string[]>();
  for (const l of await linksAbove(ctx.db, roleIds))
    parents.set(l.role_id, [...(parents.get(l.role_id) ?? []), l.parent_id]);
  const order = new Map<string, string[]>();
  for (const id of roleIds) {
    const seen: string[] = [];
    const visit = (at: string) => {
      if (seen.includes(at)) return;
      seen.push(at);
      for (const p of parents.get(at) ?? []) visit(p);
    };
    visit(id);
    order.set(id, seen);
  }
  const reached = [...new Set([...order.values()].flat())];
  const refs = await roleRefsById(ctx.db, reached);
  const grants = await grantsOf(ctx, reached);
  const out = new Map<string, EffectiveGrant[]>();
  for (const [id, lineage] of order) {
    out.set(
      id,
      lineage.flatMap((from) => {
        const ref = refs.get(from);
        if (!ref) return [];
        return grants
          .filter((g) => g.roleId === from)
          .map((g) => ({ permission: g.permission, scopes: g.scopes, expiresAt: g.expiresAt, fromRole: ref }));
      }),
    );
  }
  return out;
}

async function toRoles(ctx: ServiceContext, rows: readonly RoleRow[]): Promise<Role[]> {
  const links = await parentLinks(
    ctx.db,
    rows.map((r) => r.id),
  );
  const effective = await effectiveGrantsOf(
    ctx,
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
    effectiveGrants: effective.get(r.id) ?? [],
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
      ? await readableRoles(ctx)
      : await usableRoleRows(ctx.db, (await homeOf(ctx, organization)).owners);
  const counts = await memberCountsByRole(
    ctx.db,
    rows.map((r) => r.id),
  );
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

/**
 * The roles the actor may read among `rows`: every one for an instance admin; for a member, the instance-wide
 * roles and those of organizations they can see (their own and, by ancestor read, their descendants).
 */
async function readableRoles(ctx: ServiceContext): Promise<RoleRow[]> {
  const visible = await visibleOrgIds(ctx);
  return allRoleRows(ctx.db, visible ?? undefined);
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
  const all = await readableRoles(ctx);
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
  const links = await linksAbove(ctx.db, roleIds);
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

export async function assertUserMayEditRoles(ctx: ServiceContext, home: RoleHome, grants: readonly GrantRequest[]) {
  if (isInstanceAdmin(ctx)) return;
  if (home.org === null) assertAllowedNow(ctx, { kind: "instance_admin", what: "change instance-wide roles" });
  else await assertMayGrant(ctx, home.org.id, home.org.slug, grants);
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
    await insertRole(
      tx,
      row,
      parents.map((p) => p.id),
    );
    for (const p of permissions) await upsertGrant(tx, { roleId: row.id }, p, [], null);
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
      // Under the owner's lock, so two changes (A extends B, B extends A) cannot both pass the cycle check.
      await lockPolicyOwner(tx, row.organization_id);
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
      if (newParents) await replaceRoleParents(tx, row, newParents);
      for (const p of added) await upsertGrant(tx, { roleId: row.id }, p, [], null);
      for (const permission of removed) {
        if (!(await removeGrant(tx, { roleId: row.id }, permission.id)))
          throw grantNotFound(permission.key, `Role ${row.name}`);
      }
      await updateRoleRow(tx, row, patch);
    });
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
    await deleteRoleRows(tx, row);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "role.deleted",
      target: { type: "role", id: row.id, label: row.key },
      before: summary(role),
    });
    return role;
  });
}
