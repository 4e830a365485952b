// Reads one organization's policy (usable roles, grants, members, ancestors' members) into the engine's shape.
import type { OrgPolicy, PolicyGrant, PolicyMember, PolicyRole, Scope } from "../../engine/index.js";
import { findInheritanceCycle, parseScope } from "../../engine/index.js";
import { sql } from "kysely";
import type { ServiceContext } from "../../context.js";

interface GrantRow {
  id: string;
  holder_id: string;
  permission: string;
  scopes: string;
  expires_at: number | null;
}

function toPolicyGrant(row: GrantRow): PolicyGrant {
  const scopes: Scope[] = (JSON.parse(row.scopes) as string[]).map((s) => parseScope(s));
  return { id: row.id, permission: row.permission, scopes, expiresAt: row.expires_at };
}

async function grantsByHolder(ctx: ServiceContext, holderIds: readonly string[]): Promise<Map<string, PolicyGrant[]>> {
  const out = new Map<string, PolicyGrant[]>();
  // Chunked so an organization with thousands of roles or members stays under bind-parameter limits.
  for (let i = 0; i < holderIds.length; i += 500) {
    const rows = await ctx.db
      .selectFrom("grants")
      .innerJoin("permissions", "permissions.id", "grants.permission_id")
      .select(["grants.id", "grants.holder_id", "permissions.key as permission", "grants.scopes", "grants.expires_at"])
      .where("grants.holder_id", "in", holderIds.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.holder_id, [...(out.get(row.holder_id) ?? []), toPolicyGrant(row)]);
  }
  return out;
}

async function membersOf(ctx: ServiceContext, organizationId: string, userId?: string): Promise<PolicyMember[]> {
  let memberships = ctx.db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["memberships.id", "memberships.user_id", "users.email"])
    .where("memberships.organization_id", "=", organizationId)
    // A suspended membership is no membership to the engine: no check passes, no token is minted for it.
    .where("memberships.suspended_at", "is", null)
    .orderBy("users.email");
  let roleRows = ctx.db
    .selectFrom("membership_roles")
    .innerJoin("memberships", "memberships.id", "membership_roles.membership_id")
    .select(["membership_roles.membership_id", "membership_roles.role_id"])
    .where("memberships.organization_id", "=", organizationId)
    .orderBy("membership_roles.position");
  if (userId !== undefined) {
    memberships = memberships.where("memberships.user_id", "=", userId);
    roleRows = roleRows.where("memberships.user_id", "=", userId);
  }
  const [members, roles] = [await memberships.execute(), await roleRows.execute()];
  const rolesByMembership = new Map<string, string[]>();
  for (const r of roles)
    rolesByMembership.set(r.membership_id, [...(rolesByMembership.get(r.membership_id) ?? []), r.role_id]);
  const direct = await grantsByHolder(
    ctx,
    members.map((m) => m.id),
  );
  return members.map((m) => ({
    userId: m.user_id,
    label: m.email,
    roleIds: rolesByMembership.get(m.id) ?? [],
    grants: direct.get(m.id) ?? [],
  }));
}

/**
 * The versions a compiled policy of `organizationId` depends on (itself, its ancestors, the instance),
 * read in one statement because it runs on every check; undefined when the organization does not exist.
 */
export async function policyStamp(ctx: ServiceContext, organizationId: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string; v: string }>`
    with recursive chain(id, parent_id, v, depth) as (
      select id, parent_id, cast(policy_version as text), 0 from organizations where id = ${organizationId}
      union all
      select o.id, o.parent_id, cast(o.policy_version as text), c.depth + 1 from organizations o join chain c on o.id = c.parent_id where c.depth < 64
    )
    select id, v from chain
    union all
    select '*' as id, value as v from settings where key = 'policy_version'`.execute(ctx.db);
  if (!rows.some((r) => r.id === organizationId)) return undefined;
  return rows.map((r) => `${r.id}@${r.v}`).join("|");
}

/**
 * Drops the links that close an inheritance cycle, each cycle's last link, so a cycle that reached the store
 * anyway (the role service refuses them, under a lock) leaves that role without the looping parent instead
 * of failing every check, listing and health report of the organization with a compile error.
 */
function withoutCycles(parents: Map<string, string[]>): void {
  for (;;) {
    const cycle = findInheritanceCycle([...parents].map(([id, parentIds]) => ({ id, parentIds })));
    if (cycle === null) return;
    const child = cycle.at(-2) as string;
    const parent = cycle.at(-1) as string;
    parents.set(
      child,
      (parents.get(child) ?? []).filter((id) => id !== parent),
    );
  }
}

/**
 * Loads the policy of one organization as the engine compiles it; with `only.userId`, with that user's
 * memberships alone (here and in the ancestors): enough to answer what that member holds without reading
 * every membership of a large organization.
 */
export async function loadPolicy(
  ctx: ServiceContext,
  organizationId: string,
  only?: { userId: string },
): Promise<OrgPolicy> {
  const org = await ctx.db
    .selectFrom("organizations")
    .selectAll()
    .where("id", "=", organizationId)
    .executeTakeFirstOrThrow();
  const ancestors: { id: string; slug: string }[] = [];
  for (let parentId = org.parent_id; parentId !== null && ancestors.length < 64;) {
    const parent = await ctx.db
      .selectFrom("organizations")
      .select(["id", "slug", "parent_id"])
      .where("id", "=", parentId)
      .executeTakeFirst();
    if (!parent) break;
    ancestors.push(parent);
    parentId = parent.parent_id;
  }
  const owners = [org.id, ...ancestors.map((a) => a.id)];
  const roleRows = await ctx.db
    .selectFrom("roles")
    .select(["id", "key", "name"])
    .where((eb) => eb.or([eb("organization_id", "is", null), eb("organization_id", "in", owners)]))
    .execute();
  const roleIds = roleRows.map((r) => r.id);
  const parentRows = roleIds.length
    ? await ctx.db
        .selectFrom("role_parents")
        .select(["role_id", "parent_id"])
        .where("role_id", "in", roleIds)
        .orderBy("role_id")
        .orderBy("position")
        .execute()
    : [];
  const parents = new Map<string, string[]>();
  for (const p of parentRows) parents.set(p.role_id, [...(parents.get(p.role_id) ?? []), p.parent_id]);
  withoutCycles(parents);
  const roleGrants = await grantsByHolder(ctx, roleIds);
  const roles: PolicyRole[] = roleRows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    parentIds: parents.get(r.id) ?? [],
    grants: roleGrants.get(r.id) ?? [],
  }));
  const inherit = org.inherit_ancestor_read === 1;
  return {
    organizationId: org.id,
    label: org.slug,
    version: org.policy_version,
    roles,
    members: await membersOf(ctx, org.id, only?.userId),
    ancestors: inherit
      ? await Promise.all(
          ancestors.map(async (a) => ({
            organizationId: a.id,
            label: a.slug,
            members: await membersOf(ctx, a.id, only?.userId),
          })),
        )
      : [],
    inheritAncestorRead: inherit,
  };
}
