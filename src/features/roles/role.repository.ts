// The rows roles are shown and guarded with beyond the policy store: pending invitations, organization slugs.
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.js";

/** Invitations still pending at `now` that would give this role (it cannot be deleted while there are any). */
export async function pendingInvitationsNaming(db: Kysely<Database>, roleId: string, now: number): Promise<number> {
  const { n } = await db
    .selectFrom("organization_invitations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role_id", "=", roleId)
    .where("status", "=", "pending")
    .where("expires_at", ">", now)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The slugs of these organizations, by id (to show where each listed role lives). */
export async function organizationSlugs(
  db: Kysely<Database>,
  organizationIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(organizationIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("organizations").select(["id", "slug"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.slug]));
}
