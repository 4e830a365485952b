// Reads and writes the organization_invitations table; a pending row past its expiry reads as expired.
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../store/database.js";
import { roleNames } from "../policy/index.js";
import type { InvitationStatus, OrganizationInvitationsTable } from "./invitation.table.js";
import { likeContains } from "../../store/like.js";

export type InvitationRow = Selectable<OrganizationInvitationsTable>;

/** A row with what its object shows beside it: the role's name, the inviter, the organization. */
export interface InvitationRecord extends InvitationRow {
  role_name: string | null;
  inviter_email: string | null;
  inviter_name: string | null;
  organization_name: string;
  organization_slug: string;
}

/** Which invitations a list returns; `now` decides which pending rows have expired. */
export interface InvitationFilter {
  now: number;
  /** Only these organizations; undefined for all. */
  organizationIds?: readonly string[] | undefined;
  statuses?: readonly InvitationStatus[] | undefined;
  email?: string | undefined;
  query?: string | undefined;
}

function filtered(db: Kysely<Database>, f: InvitationFilter) {
  let q = db.selectFrom("organization_invitations as i");
  if (f.organizationIds !== undefined)
    q = q.where("i.organization_id", "in", f.organizationIds.length ? [...f.organizationIds] : [""]);
  if (f.email !== undefined) q = q.where("i.email_address", "=", f.email.toLowerCase());
  if (f.query) q = q.where(likeContains("i.email_address", f.query.toLowerCase()));
  const statuses = f.statuses;
  if (statuses?.length) {
    q = q.where((eb) =>
      eb.or(
        statuses.map((s) => {
          if (s === "pending") return eb.and([eb("i.status", "=", "pending"), eb("i.expires_at", ">", f.now)]);
          if (s === "expired")
            return eb.or([
              eb("i.status", "=", "expired"),
              eb.and([eb("i.status", "=", "pending"), eb("i.expires_at", "<=", f.now)]),
            ]);
          return eb("i.status", "=", s);
        }),
      ),
    );
  }
  return q;
}

/** Adds each row's role name (the policy store owns roles). */
async function withRoleNames<R extends InvitationRow>(
  db: Kysely<Database>,
  rows: readonly R[],
): Promise<(R & { role_name: string | null })[]> {
  const names = await roleNames(
    db,
    rows.map((r) => r.role_id).filter((id): id is string => id !== null),
  );
  return rows.map((r) => ({ ...r, role_name: r.role_id === null ? null : (names.get(r.role_id) ?? null) }));
}

function withDetails(q: ReturnType<typeof filtered>) {
  return q
    .innerJoin("organizations as o", "o.id", "i.organization_id")
    .leftJoin("users as u", "u.id", "i.inviter_user_id")
    .selectAll("i")
    .select([
      "u.email as inviter_email",
      "u.name as inviter_name",
      "o.name as organization_name",
      "o.slug as organization_slug",
    ]);
}

/** A page of invitations and the total that match, ordered by created_at or email_address (id breaks ties). */
export async function listInvitationRecords(
  db: Kysely<Database>,
  f: InvitationFilter,
  order: { field: "created_at" | "email_address"; direction: "asc" | "desc" },
  page: { limit: number; offset: number },
): Promise<{ rows: InvitationRecord[]; total: number }> {
  const { n } = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const rows = await withDetails(filtered(db, f))
    .orderBy(`i.${order.field}`, order.direction)
    .orderBy("i.id", order.direction)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { rows: await withRoleNames(db, rows), total: Number(n) };
}

export async function findInvitationRecord(db: Kysely<Database>, id: string): Promise<InvitationRecord | undefined> {
  const row = await withDetails(filtered(db, { now: 0 }))
    .where("i.id", "=", id)
    .executeTakeFirst();
  return row && (await withRoleNames(db, [row]))[0];
}

/** The invitation of this address to this organization that is still pending at `now`, if any. */
export async function findPendingInvitation(
  db: Kysely<Database>,
  organizationId: string,
  email: string,
  now: number,
): Promise<InvitationRecord | undefined> {
  const row = await withDetails(
    filtered(db, { now, organizationIds: [organizationId], email, statuses: ["pending"] }),
  ).executeTakeFirst();
  return row && (await withRoleNames(db, [row]))[0];
}

export async function insertInvitation(db: Kysely<Database>, row: InvitationRow): Promise<void> {
  await db.insertInto("organization_invitations").values(row).execute();
}

/**
 * Settles a pending invitation (accepted or revoked) in one statement that requires it to be pending and unexpired,
 * so of a revocation and an acceptance at once only one can win. Returns whether this call settled it.
 */
export async function settlePendingInvitation(
  db: Kysely<Database>,
  id: string,
  status: Exclude<InvitationStatus, "pending">,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("organization_invitations")
    .set({ status, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
