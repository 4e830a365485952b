// Users: people and agents, identified by a case-insensitive unique e-mail address.
import { type ServiceContext, inTransaction } from "../../context.js";
import { newId } from "../../ids.js";
import { isId } from "../../ids.js";
import { ClerkError } from "../../errors.js";
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

type Metadata = Record<string, unknown>;

/** A user as services return it. */
export interface User {
  id: string;
  email: string;
  name: string | null;
  kind: "human" | "agent";
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  unsafeMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
}

/** A user as a membership names it: who, without their metadata. */
export type UserSummary = Omit<User, "publicMetadata" | "privateMetadata" | "unsafeMetadata">;

/** The three metadata objects of a user, as Clerk names them; what is left out stays as it is. */
export interface UserMetadataInput {
  publicMetadata?: Metadata | undefined;
  privateMetadata?: Metadata | undefined;
  unsafeMetadata?: Metadata | undefined;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    kind: row.kind,
    publicMetadata: JSON.parse(row.public_metadata) as Metadata,
    privateMetadata: JSON.parse(row.private_metadata) as Metadata,
    unsafeMetadata: JSON.parse(row.unsafe_metadata) as Metadata,
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
  assertKindUntouched(parsed.data.privateMetadata);
  return inTransaction(ctx, async (tx) => {
    if (await findUserByEmail(tx.db, email)) throw emailTaken(email);
    const now = tx.clock.now();
    const row = {
      id: newId("user", now),
      email,
      email_normalized: email.toLowerCase(),
      name: name ?? null,
      kind,
      public_metadata: JSON.stringify(parsed.data.publicMetadata ?? {}),
      private_metadata: JSON.stringify(parsed.data.privateMetadata ?? {}),
      unsafe_metadata: JSON.stringify(parsed.data.unsafeMetadata ?? {}),
      created_at: now,
      updated_at: now,
    };
    await insertUser(tx.db, row);
    const user = toUser(row);
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

/**
 * `private_metadata.kind` is how the API shows clerk's own `kind` column (Clerk's User has no field for it); it is
 * set when the user is created, never through metadata, so a write naming it is refused rather than ignored.
 */
function assertKindUntouched(privateMetadata: Metadata | undefined): void {
  if (privateMetadata !== undefined && Object.hasOwn(privateMetadata, "kind"))
    throw new ClerkError(
      "input.invalid",
      "private_metadata.kind is clerk's: whether a user is a person or an agent is set when the user is created (kind).",
      { param: "private_metadata" },
    );
}

/** Merges `patch` into `target` (Clerk's metadata PATCH): objects merge deeply, null deletes a key. */
function deepMerge(target: Metadata, patch: Metadata): Metadata {
  const out: Metadata = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === "object" && !Array.isArray(value) && typeof out[key] === "object" && out[key] !== null)
      out[key] = deepMerge(out[key] as Metadata, value as Metadata);
    else out[key] = value;
  }
  return out;
}

/** The metadata columns a write changes: merged into (null deletes a key) or replacing what each named object held. */
function metadataColumns(before: User, input: UserMetadataInput, mode: "merge" | "replace") {
  assertKindUntouched(input.privateMetadata);
  const apply = (current: Metadata, next: Metadata | undefined) =>
    next === undefined ? undefined : JSON.stringify(mode === "merge" ? deepMerge(current, next) : next);
  const columns = {
    public_metadata: apply(before.publicMetadata, input.publicMetadata),
    private_metadata: apply(before.privateMetadata, input.privateMetadata),
    unsafe_metadata: apply(before.unsafeMetadata, input.unsafeMetadata),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)) as Partial<typeof columns>;
}

const metadataOf = (u: User) => ({
  publicMetadata: u.publicMetadata,
  privateMetadata: u.privateMetadata,
  unsafeMetadata: u.unsafeMetadata,
});

/** Merges (Clerk's PATCH …/metadata) or replaces (PUT) a user's metadata objects; instance admins only. */
export async function updateUserMetadata(
  ctx: ServiceContext,
  ref: string,
  input: UserMetadataInput,
  mode: "merge" | "replace",
): Promise<User> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "write users' metadata", why: "users are instance-wide" });
  return inTransaction(ctx, async (tx) => {
    const before = await resolveUser(tx, ref);
    await updateUserRow(tx.db, before.id, { ...metadataColumns(before, input, mode), updated_at: tx.clock.now() });
    const after = toUser((await findUserById(tx.db, before.id)) as UserRow);
    await recordAudit(tx, {
      organizationId: null,
      action: "user.metadata_updated",
      target: { type: "user", id: after.id, label: after.email },
      before: metadataOf(before),
      after: metadataOf(after),
    });
    return after;
  });
}

/**
 * Renames a user (Clerk's first_name and last_name make the name) and replaces the metadata objects it names, as
 * Clerk's PATCH /users/{id} does; instance admins only.
 */
export async function updateUser(
  ctx: ServiceContext,
  ref: string,
  input: { firstName?: string | null | undefined; lastName?: string | null | undefined } & UserMetadataInput,
): Promise<User> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "update users", why: "users are instance-wide" });
  return inTransaction(ctx, async (tx) => {
    const before = await resolveUser(tx, ref);
    const [first, ...rest] = (before.name ?? "").split(" ");
    const pick = (given: string | null | undefined, current: string) =>
      given === undefined ? current : (given ?? "").trim();
    const name = [pick(input.firstName, first ?? ""), pick(input.lastName, rest.join(" "))].filter((x) => x).join(" ");
    const metadata = metadataColumns(before, input, "replace");
    await updateUserRow(tx.db, before.id, { name: name || null, ...metadata, updated_at: tx.clock.now() });
    const after = toUser((await findUserById(tx.db, before.id)) as UserRow);
    const changed = Object.keys(metadata).length > 0;
    await recordAudit(tx, {
      organizationId: null,
      action: "user.updated",
      target: { type: "user", id: after.id, label: after.email },
      before: { name: before.name, ...(changed ? metadataOf(before) : {}) },
      after: { name: after.name, ...(changed ? metadataOf(after) : {}) },
    });
    return after;
  });
}

/**
 * Brings a user's name and e-mail to what their identity provider says (SCIM), audited as `user.updated` naming
 * the source. The caller has authorized the change; an address that is another user's is refused with `user.email_taken`.
 * Fields left undefined stay as they are; nothing is written when nothing differs.
 */
export async function syncUserProfile(
  ctx: ServiceContext,
  userId: string,
  profile: { name?: string | undefined; email?: string | undefined },
  source: string,
): Promise<void> {
  const row = await findUserById(ctx.db, userId);
  if (!row) throw userNotFound(userId);
  const before = toUser(row);
  const name = profile.name?.trim() || undefined;
  const email = profile.email === undefined ? undefined : parseEmail(profile.email);
  const changes: { name?: string; email?: string; email_normalized?: string } = {};
  if (name !== undefined && name !== before.name) changes.name = name;
  if (email !== undefined && email.toLowerCase() !== before.email.toLowerCase()) {
    const holder = await findUserByEmail(ctx.db, email);
    if (holder && holder.id !== before.id) throw emailTaken(email);
    changes.email = email;
    changes.email_normalized = email.toLowerCase();
  }
  if (Object.keys(changes).length === 0) return;
  await updateUserRow(ctx.db, before.id, { ...changes, updated_at: ctx.clock.now() });
  await recordAudit(ctx, {
    organizationId: null,
    action: "user.updated",
    target: { type: "user", id: before.id, label: changes.email ?? before.email },
    before: { name: before.name, email: before.email },
    after: { name: changes.name ?? before.name, email: changes.email ?? before.email, source },
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
