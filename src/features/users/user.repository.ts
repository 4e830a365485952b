// Reads and writes the users table.
import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database } from "../../store/database.js";
import type { UsersTable } from "./user.table.js";
import { likeContains } from "../../store/like.js";

export type UserRow = Selectable<UsersTable>;

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where("email_normalized", "=", email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function insertUser(db: Kysely<Database>, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

/** Filters of the user list: part of the e-mail or name, or exact e-mail addresses. */
export interface UserFilter {
  query?: string | undefined;
  emails?: readonly string[] | undefined;
}

function filtered(db: Kysely<Database>, f: UserFilter) {
  let q = db.selectFrom("users");
  if (f.query) {
    const text = f.query.toLowerCase();
    q = q.where((eb) =>
      eb.or([
        likeContains("email_normalized", text),
        likeContains(eb.fn("lower", ["name"]), text),
        eb("id", "=", f.query as string),
      ]),
    );
  }
  if (f.emails)
    q = q.where("email_normalized", "in", f.emails.length ? f.emails.map((e) => e.trim().toLowerCase()) : [""]);
  return q;
}

export async function listUserRows(
  db: Kysely<Database>,
  limit: number,
  offset: number,
  f: UserFilter = {},
): Promise<{ rows: UserRow[]; total: number }> {
  const rows = await filtered(db, f)
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  return { rows, total: await countUserRows(db, f) };
}

export async function countUserRows(db: Kysely<Database>, f: UserFilter = {}): Promise<number> {
  const { n } = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function allEmails(db: Kysely<Database>, limit = 5000): Promise<string[]> {
  return (await db.selectFrom("users").select("email").limit(limit).execute()).map((r) => r.email);
}

/** Changes a user's row. */
export async function updateUserRow(
  db: Kysely<Database>,
  id: string,
  changes: {
    name?: string | null;
    email?: string;
    email_normalized?: string;
    public_metadata?: string;
    private_metadata?: string;
    unsafe_metadata?: string;
    updated_at: number;
  },
): Promise<void> {
  await db.updateTable("users").set(changes).where("id", "=", id).execute();
}

/** Deletes a user's row (its memberships and keys must be gone; sessions cascade, tasks and invitations keep null). */
export async function deleteUserRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("users").where("id", "=", id).execute();
}
