// Reads and writes the organizations table.
import type { Insertable, Kysely, Selectable, Updateable } from "kysely";
import type { Database } from "../../store/database.js";
import type { DialectCapabilities } from "../../store/dialect.js";
import type { OrganizationsTable } from "./org.table.js";

export type OrgRow = Selectable<OrganizationsTable>;

export async function findOrgById(db: Kysely<Database>, id: string): Promise<OrgRow | undefined> {
  return db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findOrgBySlug(db: Kysely<Database>, slug: string): Promise<OrgRow | undefined> {
  return db.selectFrom("organizations").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export async function findOrgsByName(db: Kysely<Database>, name: string): Promise<OrgRow[]> {
  return db
    .selectFrom("organizations")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
    .execute();
}

export async function allOrgs(db: Kysely<Database>): Promise<OrgRow[]> {
  return db.selectFrom("organizations").selectAll().orderBy("name").orderBy("id").execute();
}

export async function childrenOf(db: Kysely<Database>, id: string): Promise<OrgRow[]> {
  return db.selectFrom("organizations").selectAll().where("parent_id", "=", id).orderBy("name").execute();
}

export async function insertOrg(db: Kysely<Database>, row: Insertable<OrganizationsTable>): Promise<void> {
  await db.insertInto("organizations").values(row).execute();
}

export async function updateOrgRow(
  db: Kysely<Database>,
  id: string,
  patch: Updateable<OrganizationsTable>,
): Promise<void> {
  await db.updateTable("organizations").set(patch).where("id", "=", id).execute();
}

/**
 * Locks an organization's row for the rest of the transaction (PostgreSQL); invariants that span rows,
 * such as "keep one member who can manage members", hold because writers to one organization take turns.
 * SQLite needs nothing: BEGIN IMMEDIATE already serialises writers.
 */
export async function lockOrgRow(db: Kysely<Database>, dialect: DialectCapabilities, id: string): Promise<void> {
  if (!dialect.supportsForUpdate) return;
  await db.selectFrom("organizations").select("id").where("id", "=", id).forUpdate().execute();
}

/** Ancestors of an organization, nearest first (walks parent links; a cycle is impossible by the move guard). */
export async function ancestorsOf(db: Kysely<Database>, org: OrgRow): Promise<OrgRow[]> {
  const out: OrgRow[] = [];
  let parentId = org.parent_id;
  while (parentId !== null && out.length < 64) {
    const parent = await findOrgById(db, parentId);
    if (!parent) break;
    out.push(parent);
    parentId = parent.parent_id;
  }
  return out;
}

export async function bumpOrgPolicyVersion(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("organizations")
    .set((eb) => ({ policy_version: eb("policy_version", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

/** Deletes an organization and everything that belongs only to it (its memberships, roles and their grants). */
export async function deleteOrgCascade(db: Kysely<Database>, id: string): Promise<void> {
  const roleIds = db.selectFrom("roles").select("id").where("organization_id", "=", id);
  const membershipIds = db.selectFrom("memberships").select("id").where("organization_id", "=", id);
  await db.deleteFrom("grants").where("membership_id", "in", membershipIds).execute();
  await db.deleteFrom("membership_roles").where("membership_id", "in", membershipIds).execute();
  await db.deleteFrom("memberships").where("organization_id", "=", id).execute();
  await db.deleteFrom("grants").where("role_id", "in", roleIds).execute();
  await db
    .deleteFrom("role_parents")
    .where((eb) => eb.or([eb("role_id", "in", roleIds), eb("parent_id", "in", roleIds)]))
    .execute();
  await db.deleteFrom("roles").where("organization_id", "=", id).execute();
  await db.deleteFrom("organizations").where("id", "=", id).execute();
}

/** Counts shown by `org info`. */
export async function orgCounts(db: Kysely<Database>, id: string): Promise<{ members: number; roles: number }> {
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

/** Every organization below `id` (not itself). */
export async function descendantIds(db: Kysely<Database>, id: string): Promise<string[]> {
  const all = await db.selectFrom("organizations").select(["id", "parent_id"]).execute();
  const out: string[] = [];
  const stack = [id];
  while (stack.length) {
    const parent = stack.pop() as string;
    for (const o of all) {
      if (o.parent_id === parent && !out.includes(o.id)) {
        out.push(o.id);
        stack.push(o.id);
      }
    }
  }
  return out;
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
