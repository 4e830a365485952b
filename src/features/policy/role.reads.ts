// Reads of roles and their parent links, for the features that show, resolve and guard roles.
import { type ExpressionBuilder, type Kysely, type Selectable, sql } from "kysely";
import type { Database } from "../../store/database.js";
import type { RolesTable } from "./role.table.js";

/** A row of `roles`. */
export type RoleRow = Selectable<RolesTable>;

/** Instance-wide roles first on every engine (SQLite sorts NULL first, PostgreSQL last). */
const instanceWideFirst = sql<number>`case when organization_id is null then 0 else 1 end`;

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

/**
 * Every role, or (given organizations) the instance-wide roles and those organizations': instance-wide first, then by
 * organization and name. A member's lists name their organizations, so they never read the other tenants' roles.
 */
export async function allRoleRows(db: Kysely<Database>, organizationIds?: Iterable<string>): Promise<RoleRow[]> {
  let q = db.selectFrom("roles").selectAll();
  if (organizationIds !== undefined) {
    const ids = [...organizationIds];
    q = q.where((eb) =>
      ids.length === 0
        ? eb("organization_id", "is", null)
        : eb.or([eb("organization_id", "is", null), eb("organization_id", "in", ids)]),
    );
  }
  return q.orderBy(instanceWideFirst).orderBy("organization_id").orderBy("name").execute();
}

export async function findRoleRowById(db: Kysely<Database>, id: string): Promise<RoleRow | undefined> {
  return db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findRoleRowsByKey(db: Kysely<Database>, key: string): Promise<RoleRow[]> {
  return db.selectFrom("roles").selectAll().where("key", "=", key).execute();
}

/** Parent links (of these roles, or of every role), each role's parents in their order. */
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

type Link = { role_id: string; parent_id: string };

/**
 * The links reached from these roles, a generation at a time (upwards through parents, or downwards through the
 * roles that extend them), so the cost follows their part of the graph, not the instance's roles.
 */
async function walkLinks(db: Kysely<Database>, roleIds: readonly string[], direction: "up" | "down"): Promise<Link[]> {
  const out: Link[] = [];
  const seen = new Set<string>();
  let frontier = [...new Set(roleIds)];
  while (frontier.length > 0) {
    for (const id of frontier) seen.add(id);
    const links =
      direction === "up"
        ? await parentLinks(db, frontier)
        : await db
            .selectFrom("role_parents")
            .select(["role_id", "parent_id"])
            .where("parent_id", "in", frontier)
            .execute();
    out.push(...links);
    const next = links.map((l) => (direction === "up" ? l.parent_id : l.role_id));
    frontier = [...new Set(next)].filter((id) => !seen.has(id));
  }
  return out;
}

/** The parent links of these roles and of every role they inherit from (each role's parents in order). */
export function linksAbove(db: Kysely<Database>, roleIds: readonly string[]): Promise<Link[]> {
  return walkLinks(db, roleIds, "up");
}

/** The links from these roles down to every role that inherits from them. */
export function linksBelow(db: Kysely<Database>, roleIds: readonly string[]): Promise<Link[]> {
  return walkLinks(db, roleIds, "down");
}

/** The roles that extend this one directly. */
export async function childLinks(db: Kysely<Database>, roleId: string): Promise<string[]> {
  return (await db.selectFrom("role_parents").select("role_id").where("parent_id", "=", roleId).execute()).map(
    (r) => r.role_id,
  );
}

/** How many memberships hold this role directly. */
export async function membersHoldingRole(db: Kysely<Database>, roleId: string): Promise<number> {
  const { n } = await db
    .selectFrom("membership_roles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role_id", "=", roleId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** How many memberships hold each role directly, by role id. */
export async function memberCountsByRole(
  db: Kysely<Database>,
  roleIds: readonly string[],
): Promise<Map<string, number>> {
  if (roleIds.length === 0) return new Map();
  // Only the listed roles: counting every role's holders made one organization's list pay for every tenant's members.
  const rows = await db
    .selectFrom("membership_roles")
    .select(["role_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("role_id", "in", roleIds)
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

/** The organization owning each role (`null` slug for an instance-wide role), by role id. */
export async function roleOwners(
  db: Kysely<Database>,
  roleIds: readonly string[],
): Promise<Map<string, { organizationId: string | null; slug: string | null }>> {
  const out = new Map<string, { organizationId: string | null; slug: string | null }>();
  for (let i = 0; i < roleIds.length; i += 500) {
    const rows = await db
      .selectFrom("roles")
      .leftJoin("organizations", "organizations.id", "roles.organization_id")
      .select(["roles.id", "roles.organization_id", "organizations.slug"])
      .where("roles.id", "in", roleIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, { organizationId: r.organization_id, slug: r.slug });
  }
  return out;
}

/** The names of these roles, by id. */
export async function roleNames(db: Kysely<Database>, roleIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(roleIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("roles").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Roles by id (id, key, name), e.g. for the ancestors a role inherits from. */
export async function roleRefsById(
  db: Kysely<Database>,
  roleIds: readonly string[],
): Promise<Map<string, { id: string; key: string; name: string }>> {
  const out = new Map<string, { id: string; key: string; name: string }>();
  const ids = [...new Set(roleIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom("roles")
      .select(["id", "key", "name"])
      .where("id", "in", ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** How many roles there are (every organization's and the instance's). */
export async function countRoles(db: Kysely<Database>): Promise<number> {
  const { n } = await db
    .selectFrom("roles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** How many members and own roles an organization has (`org info`). */
export async function policyCountsOf(db: Kysely<Database>, id: string): Promise<{ members: number; roles: number }> {
  const members = await db
    .selectFrom("memberships")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", id)
    .executeTakeFirstOrThrow();
  const roles = await db
    .selectFrom("roles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", id)
    .executeTakeFirstOrThrow();
  return { members: Number(members.n), roles: Number(roles.n) };
}

/** A column for a query over `organizations`: its number of members, as `members_count` (to sort by). */
export function membersCountColumn(eb: ExpressionBuilder<Database, "organizations">) {
  return eb
    .selectFrom("memberships")
    .select((m) => m.fn.countAll<number>().as("c"))
    .whereRef("memberships.organization_id", "=", "organizations.id")
    .as("members_count");
}

/**
 * Roles the subtree uses (as parents of its own roles, or held by its members) that belong to an
 * organization outside `keptOwners`: a move that leaves their owner behind would strand them.
 */
export async function rolesOutside(
  db: Kysely<Database>,
  subtree: readonly string[],
  keptOwners: ReadonlySet<string>,
): Promise<{ name: string; owner: string }[]> {
  const asParents = await db
    .selectFrom("role_parents")
    .innerJoin("roles as child", "child.id", "role_parents.role_id")
    .innerJoin("roles as parent", "parent.id", "role_parents.parent_id")
    .select(["parent.name as name", "parent.organization_id as owner"])
    .where("child.organization_id", "in", subtree)
    .execute();
  const held = await db
    .selectFrom("membership_roles")
    .innerJoin("memberships", "memberships.id", "membership_roles.membership_id")
    .innerJoin("roles", "roles.id", "membership_roles.role_id")
    .select(["roles.name as name", "roles.organization_id as owner"])
    .where("memberships.organization_id", "in", subtree)
    .execute();
  const out = new Map<string, { name: string; owner: string }>();
  for (const r of [...asParents, ...held])
    if (r.owner !== null && !keptOwners.has(r.owner)) out.set(`${r.owner}/${r.name}`, { name: r.name, owner: r.owner });
  return [...out.values()];
}

/** Role keys owned in the subtree that roles of `owners` already use. */
export async function clashingRoleKeys(
  db: Kysely<Database>,
  subtree: readonly string[],
  owners: readonly string[],
): Promise<string[]> {
  if (owners.length === 0) return [];
  const mine = await db.selectFrom("roles").select("key").where("organization_id", "in", subtree).execute();
  if (mine.length === 0) return [];
  const theirs = await db
    .selectFrom("roles")
    .select("key")
    .where("organization_id", "in", owners)
    .where(
      "key",
      "in",
      mine.map((r) => r.key),
    )
    .execute();
  return [...new Set(theirs.map((r) => r.key))];
}
