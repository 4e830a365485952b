// Reads of memberships: who is in which organization, holding which roles.
import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database } from "../../store/database.js";
import { likeContains } from "../../store/like.js";

type MembersJoin = Pick<Database, "memberships" | "users">;

/** A membership row with its user and its roles in order. */
export interface MembershipRecord {
  id: string;
  organizationId: string;
  user: {
    id: string;
    email: string;
    name: string | null;
    kind: "human" | "agent";
    createdAt: number;
    updatedAt: number;
  };
  roles: { id: string; key: string; name: string }[];
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  /** When the membership was suspended (it then grants nothing), with why; null while it is live. */
  suspendedAt: number | null;
  suspendedReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One page of an organization's memberships: ordered by creation or e-mail (ties by id), `limit` from `offset`. */
export interface MembershipPage {
  readonly limit: number;
  readonly offset: number;
  readonly orderBy: "created_at" | "email";
  readonly descending: boolean;
  /** Only members whose e-mail or name contains this (any case). */
  readonly query?: string | undefined;
}

/** Members whose e-mail or name contains `query`, any case. */
const matching = (query: string) => (eb: ExpressionBuilder<MembersJoin, "memberships" | "users">) =>
  eb.or([
    likeContains(eb.fn("lower", ["users.email"]), query.toLowerCase()),
    likeContains(eb.fn("lower", ["users.name"]), query.toLowerCase()),
  ]);

/**
 * The memberships of an organization (or of one user in it), by e-mail; with `page`, only that page, ordered and
 * cut by the store (an organization of 10 000 members is not read whole to show 20).
 */
export async function membershipRecords(
  db: Kysely<Database>,
  organizationId: string,
  userId?: string,
  page?: MembershipPage,
): Promise<MembershipRecord[]> {
  let q = db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select([
      "memberships.id",
      "memberships.created_at",
      "memberships.updated_at",
      "memberships.public_metadata",
      "memberships.private_metadata",
      "memberships.suspended_at",
      "memberships.suspended_reason",
      "users.id as user_id",
      "users.email",
      "users.name",
      "users.kind",
      "users.created_at as user_created_at",
      "users.updated_at as user_updated_at",
    ])
    .where("memberships.organization_id", "=", organizationId);
  if (page) {
    const direction = page.descending ? "desc" : "asc";
    q = q
      .orderBy(page.orderBy === "email" ? "users.email" : "memberships.created_at", direction)
      .orderBy("memberships.id", direction)
      .limit(page.limit)
      .offset(page.offset);
    if (page.query) q = q.where(matching(page.query));
  } else q = q.orderBy("users.email");
  if (userId) q = q.where("memberships.user_id", "=", userId);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const roleRows = await db
    .selectFrom("membership_roles")
    .innerJoin("roles", "roles.id", "membership_roles.role_id")
    .select(["membership_roles.membership_id", "roles.id", "roles.key", "roles.name"])
    .where(
      "membership_roles.membership_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("membership_roles.position")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizationId,
    user: {
      id: r.user_id,
      email: r.email,
      name: r.name,
      kind: r.kind,
      createdAt: r.user_created_at,
      updatedAt: r.user_updated_at,
    },
    roles: roleRows.filter((x) => x.membership_id === r.id).map((x) => ({ id: x.id, key: x.key, name: x.name })),
    publicMetadata: JSON.parse(r.public_metadata) as Record<string, unknown>,
    privateMetadata: JSON.parse(r.private_metadata) as Record<string, unknown>,
    suspendedAt: r.suspended_at,
    suspendedReason: r.suspended_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** How many members an organization has (whose e-mail or name contains `query`, when given). */
export async function countMemberships(db: Kysely<Database>, organizationId: string, query?: string): Promise<number> {
  let q = db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("memberships.organization_id", "=", organizationId);
  if (query) q = q.where(matching(query));
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The users who are members of an organization (suspended memberships left out). */
export async function memberUserIds(db: Kysely<Database>, organizationId: string): Promise<string[]> {
  return (
    await db
      .selectFrom("memberships")
      .select("user_id")
      .where("organization_id", "=", organizationId)
      .where("suspended_at", "is", null)
      .execute()
  ).map((r) => r.user_id);
}

/** Every organization that has at least one member. */
export async function organizationIdsWithMembers(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom("memberships").select("organization_id").distinct().execute()).map(
    (r) => r.organization_id,
  );
}

/**
 * The organizations a user is a member of (not counting ancestors or descendants); suspended memberships only
 * with `includeSuspended` (what must still see every row, e.g. deleting the user).
 */
export async function organizationIdsOfUser(
  db: Kysely<Database>,
  userId: string,
  options: { includeSuspended?: boolean } = {},
): Promise<string[]> {
  let q = db.selectFrom("memberships").select("organization_id").where("user_id", "=", userId);
  if (options.includeSuspended !== true) q = q.where("suspended_at", "is", null);
  return (await q.execute()).map((r) => r.organization_id);
}
