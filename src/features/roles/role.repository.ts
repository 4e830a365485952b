// Reads and writes roles and their parent links.
import { type Kysely, type Selectable, sql } from "kysely";
import type { Database } from "../../store/database.js";
import type { RolesTable } from "./role.table.js";

export type RoleRow = Selectable<RolesTable>;

/** Roles usable in an organization: instance-wide ones and those of the organization or its ancestors. */
export async function usableRoleRows(db: Kysely<Database>, ownerIds: readonly string[]): Promise<RoleRow[]> {
  return db
    .selectFrom("roles")
    .selectAll()
    .where((eb) =>
      ownerIds.length
        ? eb.or([eb("organization_id", "is", null), eb("organization_id", "in", ownerIds)])
        : eb("organization_id", "is", null),
    )
    .orderBy(instanceWideFirst)
    .orderBy("organization_id")
    .orderBy("name")
    .execute();
}

/** Instance-wide roles first on every engine (SQLite sorts NULL first, PostgreSQL last). */
export const instanceWideFirst = sql<number>`case when organization_id is null then 0 else 1 end`;

export async function findRoleRowById(db: Kysely<Database>, id: string): Promise<RoleRow | undefined> {
  return db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findRoleRowsByKey(db: Kysely<Database>, key: string): Promise<RoleRow[]> {
  return db.selectFrom("roles").selectAll().where("key", "=", key).execute();
}

export async function insertRoleRow(db: Kysely<Database>, row: RolesTable): Promise<void> {
  await db.insertInto("roles").values(row).execute();
}

export async function parentLinks(
  db: Kysely<Database>,
  roleIds?: readonly string[],
): Promise<{ role_id: string; parent_id: string }[]> {
  let q = db.selectFrom("role_parents").select(["role_id", "parent_id"]).orderBy("role_id").orderBy("position");
  if (roleIds) {
    if (roleIds.length === 0) return [];
    q = q.where("role_id", "in", roleIds);
  }
  return q.execute();
}

export async function childLinks(db: Kysely<Database>, roleId: string): Promise<string[]> {
  return (await db.selectFrom("role_parents").select("role_id").where("parent_id", "=", roleId).execute()).map(
    (r) => r.role_id,
  );
}

export async function replaceParents(
  db: Kysely<Database>,
  roleId: string,
  parentIds: readonly string[],
): Promise<void> {
  await db.deleteFrom("role_parents").where("role_id", "=", roleId).execute();
  if (parentIds.length) {
    await db
      .insertInto("role_parents")
      .values(parentIds.map((parent_id, position) => ({ role_id: roleId, parent_id, position })))
      .execute();
  }
}

export async function membersHoldingRole(db: Kysely<Database>, roleId: string): Promise<number> {
  const { n } = await db
    .selectFrom("membership_roles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role_id", "=", roleId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Invitations still pending at `now` that would give this role (it cannot be deleted while there are any). */
export async function pendingInvitationsNaming(db: Kysely<Database>, roleId: string, now: number): Promise<number> {
  const { n } = await db
    .selectFrom("organization_invitations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role_id", "=", roleId)
    .where("status", "=", "pending")
    .where("expires_at", ">", now)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function memberCountsByRole(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("membership_roles")
    .select(["role_id", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("role_id")
    .execute();
  return new Map(rows.map((r) => [r.role_id, Number(r.n)]));
}

/** Organizations where some member holds one of these roles. */
export async function organizationsHoldingRoles(db: Kysely<Database>, roleIds: readonly string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const rows = await db
    .selectFrom("membership_roles")
    .innerJoin("memberships", "memberships.id", "membership_roles.membership_id")
    .select("memberships.organization_id")
    .distinct()
    .where("membership_roles.role_id", "in", roleIds)
    .execute();
  return rows.map((r) => r.organization_id);
}

/** The slugs of these organizations, by id (to show where each listed role lives). */
export async function organizationSlugs(
  db: Kysely<Database>,
  organizationIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(organizationIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("organizations").select(["id", "slug"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.slug]));
}
