// Users: people and agents, identified by a case-insensitive unique e-mail address.
import { type ServiceContext, inTransaction } from "../../context.js";
import { newId } from "../../ids.js";
import { isId } from "../../ids.js";
import { assertAllowedNow, isInstanceAdmin } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { emailTaken, invalidEmail, userNotFound } from "./user.errors.js";
import {
  type UserFilter,
  type UserRow,
  allEmails,
  countUserRows,
  deleteUserRow,
  findUserByEmail,
  findUserById,
  insertUser,
  listUserRows,
  updateUserRow,
} from "./user.repository.js";
import { type CreateUserInput, createUserSchema, emailSchema } from "./user.schema.js";

/** A user as services return it. */
export interface User {
  id: string;
  email: string;
  name: string | null;
  kind: "human" | "agent";
  createdAt: number;
  updatedAt: number;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    kind: row.kind,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Parses an e-mail address or throws `user.invalid_email`. */
export function parseEmail(value: string): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw invalidEmail(value);
  return parsed.data;
}

/** Creates a user; the e-mail must be new (case-insensitive). */
export async function createUser(ctx: ServiceContext, input: CreateUserInput): Promise<User> {
  const parsed = createUserSchema.safeParse(input);
  if (!parsed.success) throw invalidEmail(String(input.email));
  const { email, name, kind } = parsed.data;
  return inTransaction(ctx, async (tx) => {
    if (await findUserByEmail(tx.db, email)) throw emailTaken(email);
    const now = tx.clock.now();
    const row = {
      id: newId("user", now),
      email,
      email_normalized: email.toLowerCase(),
      name: name ?? null,
      kind,
      created_at: now,
      updated_at: now,
    };
    await insertUser(tx.db, row);
    const user = toUser({ ...row, public_metadata: "{}", private_metadata: "{}" });
    await recordAudit(tx, {
      organizationId: null,
      action: "user.created",
      target: { type: "user", id: user.id, label: email },
      after: user,
    });
    return user;
  });
}

/** The user with this e-mail, created (and audited) when there is none yet. */
export async function ensureUser(ctx: ServiceContext, email: string, kind?: "human" | "agent"): Promise<User> {
  const address = parseEmail(email);
  const existing = await findUserByEmail(ctx.db, address);
  if (existing) return toUser(existing);
  return createUser(ctx, { email: address, kind: kind ?? "human" });
}

/** Finds a user by id or e-mail, or throws `user.not_found` with near matches. */
export async function resolveUser(ctx: ServiceContext, ref: string): Promise<User> {
  const value = ref.trim();
  const row = isId(value, "user") ? await findUserById(ctx.db, value) : await findUserByEmail(ctx.db, value);
  if (row) return toUser(row);
  // Near matches name other users: only an instance admin, who may list them anyway, is shown them.
  throw userNotFound(value, isInstanceAdmin(ctx) ? await allEmails(ctx.db) : []);
}

/** A page of users, newest first, optionally filtered. */
export async function listUsers(
  ctx: ServiceContext,
  page: { limit: number; offset: number } & UserFilter,
): Promise<{ data: User[]; totalCount: number }> {
  const { rows, total } = await listUserRows(ctx.db, page.limit, page.offset, page);
  return { data: rows.map(toUser), totalCount: total };
}

/** How many users match the filter. */
export async function countUsers(ctx: ServiceContext, filter: UserFilter): Promise<number> {
  return countUserRows(ctx.db, filter);
}

/** Renames a user (Clerk's first_name and last_name make the name); instance admins only. */
export async function updateUser(
  ctx: ServiceContext,
  ref: string,
  input: { firstName?: string | null | undefined; lastName?: string | null | undefined },
): Promise<User> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "update users", why: "users are instance-wide" });
  return inTransaction(ctx, async (tx) => {
    const before = await resolveUser(tx, ref);
    const [first, ...rest] = (before.name ?? "").split(" ");
    const pick = (given: string | null | undefined, current: string) =>
      given === undefined ? current : (given ?? "").trim();
    const name = [pick(input.firstName, first ?? ""), pick(input.lastName, rest.join(" "))].filter((x) => x).join(" ");
    await updateUserRow(tx.db, before.id, { name: name || null, updated_at: tx.clock.now() });
    const after = toUser((await findUserById(tx.db, before.id)) as UserRow);
    await recordAudit(tx, {
      organizationId: null,
      action: "user.updated",
      target: { type: "user", id: after.id, label: after.email },
      before: { name: before.name },
      after: { name: after.name },
    });
    return after;
  });
}

/**
 * Deletes a user's own row and audits it; the caller (members' deleteUser) has removed their memberships and keys
 * in the same transaction first.
 */
export async function deleteUserRecord(ctx: ServiceContext, user: User): Promise<void> {
  await deleteUserRow(ctx.db, user.id);
  await recordAudit(ctx, {
    organizationId: null,
    action: "user.deleted",
    target: { type: "user", id: user.id, label: user.email },
    before: user,
  });
}
