// Organizations as the other features find them: by id, slug or name, as a page, as a tree, with an overview;
// each read holds a user actor to the organizations their memberships let them see.
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId } from "../../ids.js";
import { orgNotFound } from "./org.errors.js";
import {
  type OrgRow,
  allOrgs,
  ancestorsOf,
  childrenOf,
  findOrgById,
  findOrgBySlug,
  findOrgsByName,
} from "./org.repository.js";
import { actingUserId, assertActorMay, isInstanceAdmin, organizationsWhereActorMay } from "../access/index.js";
import { likeContains } from "../../store/like.js";
import { membersCountColumn, organizationIdsOfUser, organizationsBelow, policyCountsOf } from "../policy/index.js";

/** An organization as services return it. */
export interface Organization {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  parentId: string | null;
  inheritAncestorRead: boolean;
  maxAllowedMemberships: number;
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  createdBy: string | null;
  policyVersion: number;
  createdAt: number;
  updatedAt: number;
}

/** A stored row as services return it (metadata parsed, flags as booleans). */
export function toOrganization(row: OrgRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    parentId: row.parent_id,
    inheritAncestorRead: row.inherit_ancestor_read === 1,
    maxAllowedMemberships: row.max_allowed_memberships,
    publicMetadata: JSON.parse(row.public_metadata) as Record<string, unknown>,
    privateMetadata: JSON.parse(row.private_metadata) as Record<string, unknown>,
    createdBy: row.created_by,
    policyVersion: row.policy_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Finds an organization by id, slug or name (case-insensitive), or throws `org.not_found` with near
 * matches. A user actor (agent key, `--as`) only finds organizations they or an ancestor's membership
 * can see: anything else is "not found", with no suggestions, so other tenants stay invisible.
 */
export async function resolveOrg(ctx: ServiceContext, ref: string): Promise<Organization> {
  const value = ref.trim();
  const row =
    (isId(value, "org") ? await findOrgById(ctx.db, value) : undefined) ??
    (await findOrgBySlug(ctx.db, value.toLowerCase())) ??
    (await uniqueByName(ctx, value));
  if (row && (await visibleToActor(ctx, row))) return toOrganization(row);
  if (!isInstanceAdmin(ctx)) throw orgNotFound(value);
  const known = (await allOrgs(ctx.db)).map((o) => [o.slug, o.name]);
  throw orgNotFound(value, known);
}

/**
 * The organizations the actor may see, or null for "all" (instance admins): where a user is a member,
 * and those organizations' descendants (where ancestor members get read access).
 */
export async function visibleOrgIds(ctx: ServiceContext): Promise<Set<string> | null> {
  const userId = actingUserId(ctx);
  if (userId === null || isInstanceAdmin(ctx)) return null;
  const mine = await organizationIdsOfUser(ctx.db, userId);
  // Walked down from the member's own organizations, so the cost follows them, not every tenant's.
  return new Set([...mine, ...(await organizationsBelow(ctx.db, mine))]);
}

/**
 * The organization of a record the actor found by the record's own id. When the actor may not see that
 * organization, the record's own not-found error is thrown instead, so the 404 names nothing of another tenant.
 */
export async function organizationOf(
  ctx: ServiceContext,
  organizationId: string,
  notFound: () => ClerkError,
): Promise<Organization> {
  const row = await findOrgById(ctx.db, organizationId);
  if (!row || !(await visibleToActor(ctx, row))) throw notFound();
  return toOrganization(row);
}

async function visibleToActor(ctx: ServiceContext, row: OrgRow): Promise<boolean> {
  const visible = await visibleOrgIds(ctx);
  return visible === null || visible.has(row.id);
}

async function uniqueByName(ctx: ServiceContext, name: string): Promise<OrgRow | undefined> {
  const visible = await visibleOrgIds(ctx);
  // Another tenant's organization of the same name is neither a match nor worth mentioning.
  const rows = (await findOrgsByName(ctx.db, name)).filter((r) => visible === null || visible.has(r.id));
  if (rows.length > 1) {
    throw new ClerkError(
      "input.invalid",
      `Several organizations are named "${name}" (${rows.map((r) => r.slug).join(", ")}); use the slug.`,
      {
        param: "organization",
      },
    );
  }
  return rows[0];
}

/** Ancestors nearest first. */
export async function ancestorsOfOrg(ctx: ServiceContext, org: Organization): Promise<Organization[]> {
  const row = await findOrgById(ctx.db, org.id);
  return row ? (await ancestorsOf(ctx.db, row)).map(toOrganization) : [];
}

/** An organization with its place in the tree, for `org list`. */
export interface OrgTreeEntry {
  organization: Organization;
  depth: number;
}

/** Every organization in tree order (parents before children, siblings by name). */
export async function listOrgTree(ctx: ServiceContext): Promise<OrgTreeEntry[]> {
  const visible = await visibleOrgIds(ctx);
  const rows = await allOrgs(ctx.db, visible ?? undefined);
  const visibleIds = new Set(rows.map((r) => r.id));
  // A visible child whose parent is hidden is shown at the top level.
  const orgs = rows
    .map(toOrganization)
    .map((o) => (o.parentId && !visibleIds.has(o.parentId) ? { ...o, parentId: null } : o));
  const byParent = new Map<string | null, Organization[]>();
  for (const o of orgs) byParent.set(o.parentId, [...(byParent.get(o.parentId) ?? []), o]);
  const out: OrgTreeEntry[] = [];
  const walk = (parentId: string | null, depth: number) => {
    for (const o of byParent.get(parentId) ?? []) {
      out.push({ organization: o, depth });
      walk(o.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** What `org info` shows: the organization, its parent and children, and counts. */
export interface OrgInfo {
  organization: Organization;
  parent: Organization | null;
  children: Organization[];
  membersCount: number;
  rolesCount: number;
}

export async function orgInfo(ctx: ServiceContext, ref: string): Promise<OrgInfo> {
  const org = await resolveOrg(ctx, ref);
  const parentRow = org.parentId ? await findOrgById(ctx.db, org.parentId) : undefined;
  const counts = await policyCountsOf(ctx.db, org.id);
  return {
    organization: org,
    parent: parentRow ? toOrganization(parentRow) : null,
    children: (await childrenOf(ctx.db, org.id)).map(toOrganization),
    membersCount: counts.members,
    rolesCount: counts.roles,
  };
}

/** Query of the organization list (Clerk's GET /organizations). */
export interface OrgListQuery {
  limit: number;
  offset: number;
  /** Exact id, or part of the name or slug. */
  query?: string | undefined;
  orderBy?: string | undefined;
}

/** A page of organizations with the total count, filtered and ordered in the store. */
export async function listOrganizations(
  ctx: ServiceContext,
  q: OrgListQuery,
): Promise<{ data: Organization[]; totalCount: number }> {
  const [, sign, field] = /^([+-]?)(name|created_at|members_count)?$/.exec(q.orderBy ?? "-created_at") ?? [];
  if (!field) {
    throw new ClerkError(
      "input.invalid",
      `order_by "${q.orderBy}" is not supported; use name, created_at or members_count with an optional + or - prefix.`,
      {
        param: "order_by",
      },
    );
  }
  const direction = sign === "-" ? "desc" : "asc";
  let base = ctx.db.selectFrom("organizations");
  const visible = await visibleOrgIds(ctx);
  if (visible !== null) base = base.where("id", "in", visible.size ? [...visible] : [""]);
  if (q.query) {
    const text = q.query.toLowerCase();
    base = base.where((eb) =>
      eb.or([
        eb("id", "=", q.query as string),
        likeContains(eb.fn("lower", ["name"]), text),
        likeContains("slug", text),
      ]),
    );
  }
  const total = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const counted = base.selectAll("organizations").select(membersCountColumn);
  const rows = await counted
    .orderBy(field as "name" | "created_at" | "members_count", direction)
    .orderBy("id", direction)
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { data: rows.map((r) => toOrganization(r)), totalCount: Number(total.n) };
}

/** Number of members of an organization. */
export async function membersCount(ctx: ServiceContext, organizationId: string): Promise<number> {
  return (await policyCountsOf(ctx.db, organizationId)).members;
}

/**
 * The organizations a list reads from: the one named (the actor must hold `permission` there), or with
 * none named every organization where the actor holds it (undefined, meaning all, for instance admins).
 */
export async function organizationsToRead(
  ctx: ServiceContext,
  ref: string | undefined,
  permission: string,
): Promise<string[] | undefined> {
  if (ref === undefined) return organizationsWhereActorMay(ctx, permission);
  const org = await resolveOrg(ctx, ref);
  await assertActorMay(ctx, org.id, org.slug, permission);
  return [org.id];
}
