// Reads and writes the organization_domains table.
import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database } from "../../store/database.js";
import type { OrganizationDomainsTable, VerificationStrategy } from "./domain.table.js";
import { likeContains } from "../../store/like.js";

export type DomainRow = Selectable<OrganizationDomainsTable>;

/** A row with its organization's name and slug (Clerk's public_organization_data). */
export interface DomainRecord extends DomainRow {
  organization_name: string;
  organization_slug: string;
  /** The latest DNS or e-mail proof (domain_verifications), null when none was started. */
  verification_strategy: VerificationStrategy | null;
  verification_attempts: number | null;
  verification_expire_at: number | null;
  verification_verified_at: number | null;
}

/** Which domains a list returns. */
export interface DomainFilter {
  /** Only these organizations; undefined for all. */
  organizationIds?: readonly string[] | undefined;
  verified?: boolean | undefined;
  includeModes?: readonly string[] | undefined;
  excludeModes?: readonly string[] | undefined;
  query?: string | undefined;
  names?: readonly string[] | undefined;
}

function filtered(db: Kysely<Database>, f: DomainFilter) {
  let q = db.selectFrom("organization_domains as d");
  if (f.organizationIds !== undefined)
    q = q.where("d.organization_id", "in", f.organizationIds.length ? [...f.organizationIds] : [""]);
  if (f.verified !== undefined) q = q.where("d.verified", "=", f.verified ? 1 : 0);
  if (f.includeModes?.length)
    q = q.where("d.enrollment_mode", "in", f.includeModes as OrganizationDomainsTable["enrollment_mode"][]);
  if (f.excludeModes?.length)
    q = q.where("d.enrollment_mode", "not in", f.excludeModes as OrganizationDomainsTable["enrollment_mode"][]);
  if (f.query) q = q.where(likeContains("d.name", f.query.toLowerCase()));
  if (f.names?.length) q = q.where("d.name", "in", [...f.names]);
  return q;
}

function withOrganization(q: ReturnType<typeof filtered>) {
  return q
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .leftJoin("domain_verifications as v", "v.domain_id", "d.id")
    .selectAll("d")
    .select([
      "o.name as organization_name",
      "o.slug as organization_slug",
      "v.strategy as verification_strategy",
      "v.attempts as verification_attempts",
      "v.expire_at as verification_expire_at",
      "v.verified_at as verification_verified_at",
    ]);
}

/** A page of domains and the total that match, ordered by name or created_at (id breaks ties). */
export async function listDomainRecords(
  db: Kysely<Database>,
  f: DomainFilter,
  order: { field: "name" | "created_at"; direction: "asc" | "desc" },
  page: { limit: number; offset: number },
): Promise<{ rows: DomainRecord[]; total: number }> {
  const { n } = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const rows = await withOrganization(filtered(db, f))
    .orderBy(`d.${order.field}`, order.direction)
    .orderBy("d.id", order.direction)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { rows, total: Number(n) };
}

export async function findDomainRecord(db: Kysely<Database>, id: string): Promise<DomainRecord | undefined> {
  return withOrganization(filtered(db, {})).where("d.id", "=", id).executeTakeFirst();
}

export async function findDomainRecordByName(
  db: Kysely<Database>,
  organizationId: string,
  name: string,
): Promise<DomainRecord | undefined> {
  return withOrganization(filtered(db, { organizationIds: [organizationId], names: [name] })).executeTakeFirst();
}

/** The verified domain of this name in another organization than `organizationId`, if any. */
export async function findVerifiedElsewhere(
  db: Kysely<Database>,
  name: string,
  organizationId: string,
): Promise<DomainRow | undefined> {
  return db
    .selectFrom("organization_domains")
    .selectAll()
    .where("name", "=", name)
    .where("verified", "=", 1)
    .where("organization_id", "!=", organizationId)
    .executeTakeFirst();
}

export async function countDomains(db: Kysely<Database>, organizationId: string): Promise<number> {
  const { n } = await db
    .selectFrom("organization_domains")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", organizationId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function insertDomain(db: Kysely<Database>, row: DomainRow): Promise<void> {
  await db.insertInto("organization_domains").values(row).execute();
}

export async function updateDomainRow(
  db: Kysely<Database>,
  id: string,
  patch: Updateable<OrganizationDomainsTable>,
): Promise<void> {
  await db.updateTable("organization_domains").set(patch).where("id", "=", id).execute();
}

export async function deleteDomainRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("organization_domains").where("id", "=", id).execute();
}

/** The names of an organization's verified domains. */
export async function verifiedDomainNames(db: Kysely<Database>, organizationId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("organization_domains")
    .select("name")
    .where("organization_id", "=", organizationId)
    .where("verified", "=", 1)
    .execute();
  return new Set(rows.map((r) => r.name));
}
