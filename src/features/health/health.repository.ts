// The few rows the health checks read beyond the compiled policy: who owns each role, when each grant was made.
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.js";

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

/** When each grant was made, by grant id. */
export async function grantCreationTimes(
  db: Kysely<Database>,
  grantIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < grantIds.length; i += 500) {
    const rows = await db
      .selectFrom("grants")
      .select(["id", "created_at"])
      .where("id", "in", grantIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.created_at);
  }
  return out;
}
