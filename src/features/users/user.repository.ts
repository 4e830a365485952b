// Reads and writes the users table.
import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database } from "../../store/database.js";
import type { UsersTable } from "./user.table.js";

export type UserRow = Selectable<UsersTable>;

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("email_normalized", "=", email.trim().toLowerCase()).executeTakeFirst();
}

export async function findUsersByIds(db: Kysely<Database>, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("users").selectAll().where("id", "in", ids).execute();
}

export async function insertUser(db: Kysely<Database>, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export async function listUserRows(db: Kysely<Database>, limit: number, offset: number): Promise<{ rows: UserRow[]; total: number }> {
  const rows = await db.selectFrom("users").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).offset(offset).execute();
  const { n } = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

export async function allEmails(db: Kysely<Database>, limit = 5000): Promise<string[]> {
  return (await db.selectFrom("users").select("email").limit(limit).execute()).map((r) => r.email);
}
