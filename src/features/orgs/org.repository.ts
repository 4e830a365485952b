// Reads and writes the organizations table.
import type { Insertable, Kysely, Selectable, Updateable } from "kysely";
import type { Database } from "../../store/database.js";
import type { DialectCapabilities } from "../../store/dialect.js";
import { organizationsBelow } from "../policy/index.js";
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

/** Every organization, or only these (a member's visible ones), by name. */
export async function allOrgs(db: Kysely<Database>, ids?: Iterable<string>): Promise<OrgRow[]> {
  let q = db.selectFrom("organizations").selectAll();
  if (ids !== undefined) {
    const list = [...ids];
    if (list.length === 0) return [];
    q = q.where("id", "in", list);
  }
  return q.orderBy("name").orderBy("id").execute();
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

/** Deletes an organization's row (its policy is deleted first, by the policy store). */
export async function deleteOrgRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("organizations").where("id", "=", id).execute();
}

/** Every organization below `id` (not itself). */
export async function descendantIds(db: Kysely<Database>, id: string): Promise<string[]> {
  return [...(await organizationsBelow(db, [id]))];
}
