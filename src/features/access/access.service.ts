// Access decisions for the rest of clerk: compiled policies cached per organization, checks, and guards.
import {
  type CompiledPolicy,
  type Decision,
  type EffectivePermission,
  EngineInputError,
  type Explanation,
  check,
  compilePolicy,
  drainUsage,
  effectivePermissions,
  explain,
  formatScope,
  membersWithRole,
  parseResource,
  scopeMatches,
  whoCan,
} from "../../engine/index.js";
import type { PolicyChange, Runtime, ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { escalationRefused, invalidResource, lastManager, notCaughtUp } from "./access.errors.js";
import { loadPolicy, memberUserIds, organizationIdsOfUser, organizationsBelow, policyStamp } from "../policy/index.js";

interface CacheEntry {
  stamp: string;
  policy: CompiledPolicy;
  /** The store's change token when the stamp was last confirmed; while it holds, the stamp does too. */
  token?: string | undefined;
  /**
   * The change feed's epoch when the stamp was last confirmed with nothing announced meanwhile, or -1: while
   * the feed stays healthy in that epoch and announces nothing this policy depends on, the stamp holds.
   */
  heard: number;
}

const CACHE_KEY = "access.policies";

function cacheOf(ctx: ServiceContext): Map<string, CacheEntry> {
  let cache = ctx.runtime.caches.get(CACHE_KEY) as Map<string, CacheEntry> | undefined;
  if (!cache) {
    cache = new Map();
    ctx.runtime.caches.set(CACHE_KEY, cache);
  }
  return cache;
}

/**
 * Follows the runtime's change feed: an announced change to an organization (or `*`, the instance) makes every
 * cached policy built from it confirm its versions against the store before its next use. Only those: the
 * policies of unrelated organizations keep answering with no query at all.
 */
export function followPolicyChanges(runtime: Runtime): void {
  const feed = runtime.changeFeed;
  if (!feed) return;
  feed.subscribe((key) => {
    const cache = runtime.caches.get(CACHE_KEY) as Map<string, CacheEntry> | undefined;
    if (!cache) return;
    if (key === "*") {
      for (const entry of cache.values()) entry.heard = -1;
      return;
    }
    const needle = `|${key}@`;
    for (const entry of cache.values()) if (`|${entry.stamp}`.includes(needle)) entry.heard = -1;
  });
}

/** A policy asked for an organization id that names none. */
const noSuchOrganization = (id: string) =>
  new ClerkError("org.not_found", `No organization "${id}".`, { param: "organization" });

/** How a compiled policy is asked for. */
export interface PolicyRead {
  /** Confirm the versions against the store even when the change feed says nothing changed (read-your-writes). */
  readonly confirm?: boolean;
}

/**
 * The compiled policy of an organization. Inside a transaction the policy is read fresh (the caller may
 * have just changed it); outside, the cached one is reused while the versions it was built from still hold:
 * as long as the change feed is healthy and announced no change to them (no query at all), else as long as
 * the store's change token holds (SQLite), else after one query of the versions.
 */
export async function compiledPolicy(
  ctx: ServiceContext,
  organizationId: string,
  read?: PolicyRead,
): Promise<CompiledPolicy> {
  const cache = cacheOf(ctx);
  if (ctx.db.isTransaction) {
    // A policy compiled from committed data still answers while the transaction sees the same versions; one
    // compiled here is never cached, since the transaction may yet roll back what it read.
    const hit = cache.get(organizationId);
    if (hit && hit.stamp === (await policyStamp(ctx, organizationId))) return hit.policy;
    return compilePolicy(await loadPolicy(ctx, organizationId));
  }
  const feed = ctx.runtime.changeFeed;
  const hit = cache.get(organizationId);
  if (hit && feed !== undefined && feed.healthy && hit.heard === feed.epoch && read?.confirm !== true)
    return hit.policy;
  const token = ctx.changeToken?.();
  if (hit && token !== undefined && hit.token === token && read?.confirm !== true) return hit.policy;
  // What the feed had said before the versions are read: anything announced meanwhile leaves the entry unconfirmed.
  const epoch = feed !== undefined && feed.healthy ? feed.epoch : -1;
  const seq = feed?.seq;
  ctx.runtime.metrics?.versionsRead();
  const stamp = await policyStamp(ctx, organizationId);
  if (stamp === undefined) throw noSuchOrganization(organizationId);
  const heard = () => (feed !== undefined && feed.seq === seq && feed.epoch === epoch ? epoch : -1);
  if (hit && hit.stamp === stamp) {
    hit.token = token;
    hit.heard = heard();
    return hit.policy;
  }
  if (hit) await persistUsage(ctx, organizationId, hit.policy);
  const policy = compilePolicy(await loadPolicy(ctx, organizationId));
  ctx.runtime.metrics?.policyCompiled();
  // Persisting usage above may have written; take the token after it, so our own write is not mistaken for news.
  cache.set(organizationId, { stamp, policy, token: ctx.changeToken?.(), heard: heard() });
  return policy;
}

/** How long a check with `at_least` waits for this server to reach the versions asked for. */
export const CATCH_UP_MS = 2_000;

/** The policy versions a compiled policy was confirmed at, by organization id (`*`: the instance). */
function versionsOf(stamp: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of stamp?.split("|") ?? []) {
    const at = part.lastIndexOf("@");
    out.set(part.slice(0, at), Number(part.slice(at + 1)));
  }
  return out;
}

/**
 * The compiled policy of an organization as of at least the versions a consistency token names (read-your-writes
 * across servers): confirmed against the store, waiting up to {@link CATCH_UP_MS} for versions it does not show
 * yet. Versions of organizations the policy does not depend on are ignored.
 */
export async function compiledPolicyAtLeast(
  ctx: ServiceContext,
  organizationId: string,
  atLeast: readonly PolicyChange[],
): Promise<CompiledPolicy> {
  const deadline = ctx.clock.now() + CATCH_UP_MS;
  for (;;) {
    const policy = await compiledPolicy(ctx, organizationId, { confirm: true });
    const have = versionsOf(cacheOf(ctx).get(organizationId)?.stamp);
    const behind = atLeast.find((w) => have.has(w.key) && (have.get(w.key) as number) < w.version);
    if (behind === undefined) return policy;
    if (ctx.clock.now() >= deadline)
      throw notCaughtUp(behind.key, have.get(behind.key) as number, behind.version, CATCH_UP_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Validates a `type:id` resource, or throws a specific input error. */
export function validateResource(resource: string | undefined): string | undefined {
  if (resource === undefined) return undefined;
  try {
    parseResource(resource);
    return resource;
  } catch (error) {
    if (error instanceof EngineInputError) throw invalidResource(resource, error.message);
    throw error;
  }
}

/** A check as services ask it: the decision, and the full explanation when asked for. */
export interface AccessQuery {
  organizationId: string;
  userId: string;
  permission: string;
  resource?: string | undefined;
  at?: number | undefined;
  /** Decide on policy versions at least these (a consistency token a write answered). */
  atLeast?: readonly PolicyChange[] | undefined;
}

/** May this user do this here (now, or at `at`)? */
export async function checkAccess(ctx: ServiceContext, q: AccessQuery): Promise<Decision> {
  const policy = q.atLeast
    ? await compiledPolicyAtLeast(ctx, q.organizationId, q.atLeast)
    : await compiledPolicy(ctx, q.organizationId);
  return check(policy, {
    subject: q.userId,
    permission: q.permission,
    resource: validateResource(q.resource),
    at: q.at ?? ctx.clock.now(),
  });
}

/** The same question, answered with the full path or the nearest miss. */
export async function explainAccess(ctx: ServiceContext, q: AccessQuery): Promise<Explanation> {
  const policy = q.atLeast
    ? await compiledPolicyAtLeast(ctx, q.organizationId, q.atLeast)
    : await compiledPolicy(ctx, q.organizationId);
  const query = {
    subject: q.userId,
    permission: q.permission,
    resource: validateResource(q.resource),
    at: q.at ?? ctx.clock.now(),
  };
  const explanation = explain(policy, query);
  // An explained check is still a use of the permission: count it as the plain check does.
  if (explanation.allowed) check(policy, query);
  return explanation;
}

/** Every permission a member holds in an organization, with where each comes from. */
export async function effectivePermissionsOf(
  ctx: ServiceContext,
  organizationId: string,
  userId: string,
  at?: number,
): Promise<EffectivePermission[]> {
  return effectivePermissions(await policyForMember(ctx, organizationId, userId), userId, at ?? ctx.clock.now());
}

/**
 * A compiled policy that answers for one member: the organization's cached one while it is current, else one
 * compiled from that member's memberships alone. A membership answered right after a write (every row of a bulk
 * import) then costs the member's rows, not a recompile of the whole organization; the next check recompiles once.
 */
async function policyForMember(ctx: ServiceContext, organizationId: string, userId: string): Promise<CompiledPolicy> {
  const hit = cacheOf(ctx).get(organizationId);
  const stamp = await policyStamp(ctx, organizationId);
  if (stamp === undefined) throw noSuchOrganization(organizationId);
  if (hit && hit.stamp === stamp) return hit.policy;
  return compilePolicy(await loadPolicy(ctx, organizationId, { userId }));
}

/** Whether the user is a member of the organization itself (not only of an ancestor). */
export async function isMemberOf(ctx: ServiceContext, organizationId: string, userId: string): Promise<boolean> {
  return (await compiledPolicy(ctx, organizationId)).source.members.some((m) => m.userId === userId);
}

/** The organization's members holding a role directly or through a role that extends it, by e-mail. */
export async function membersHoldingRole(
  ctx: ServiceContext,
  organizationId: string,
  roleId: string,
): Promise<{ userId: string; label: string }[]> {
  return membersWithRole(await compiledPolicy(ctx, organizationId), roleId);
}

/** Who may do `permission` (on `resource`) in an organization, with the path for each. */
export async function whoCanIn(
  ctx: ServiceContext,
  organizationId: string,
  permission: string,
  resource?: string,
  at?: number,
) {
  return whoCan(
    await compiledPolicy(ctx, organizationId),
    permission,
    validateResource(resource),
    at ?? ctx.clock.now(),
  );
}

/** A permission being granted: its key, scopes (empty = every resource) and expiry. */
export interface GrantRequest {
  permission: string;
  scopes?: readonly string[];
  expiresAt?: number | null;
}

/** Whether the actor's effective grant `held` covers granting `wanted` on `scope` (undefined = unscoped). */
function covers(held: EffectivePermission, wanted: string, scope: string | undefined): boolean {
  const [, feature] = wanted.split(":");
  if (held.permission !== wanted && held.permission !== `org:${feature}:admin`) return false;
  if (held.scopes.length === 0) return true;
  if (scope === undefined) return false;
  const heldScopes = held.scopes.map(formatScope);
  if (heldScopes.includes(scope)) return true;
  // A concrete scope (no wildcard, no prefix) is held when a held pattern matches it as a resource;
  // a pattern is only held literally, else holding repository:* would let one grant repository:**.
  const concrete = !scope.includes("*") && !scope.endsWith("/");
  return concrete && held.scopes.some((h) => scopeMatches(h, scope));
}

/**
 * The escalation guard (DESIGN §3): a user actor may grant permissions (to a role, a member or an
 * invitation) only when holding org:sys_memberships:manage and every permission granted, on at least
 * the scopes granted, and for at least as long: a grant never outlives the granter's own access.
 */
export async function assertMayGrant(
  ctx: ServiceContext,
  organizationId: string,
  organizationLabel: string,
  grants: readonly GrantRequest[],
): Promise<void> {
  if (ctx.actor.type !== "user" || ctx.actor.admin === true || ctx.actor.id === null) return;
  const held = await effectivePermissionsOf(ctx, organizationId, ctx.actor.id);
  const at = ctx.clock.now();
  const live = held.filter((h) => h.expiresAt === null || h.expiresAt > at);
  const missing: string[] = [];
  if (!live.some((h) => covers(h, "org:sys_memberships:manage", undefined))) missing.push("org:sys_memberships:manage");
  for (const g of grants) {
    const scopes = g.scopes?.length ? [...g.scopes] : [undefined];
    for (const scope of scopes) {
      const options = live.filter((h) => covers(h, g.permission, scope));
      const wantedUntil = g.expiresAt ?? null;
      const longEnough = options.some(
        (h) => h.expiresAt === null || (wantedUntil !== null && wantedUntil <= h.expiresAt),
      );
      if (!longEnough) {
        const what = `${g.permission}${scope ? ` on ${scope}` : ""}`;
        missing.push(
          options.length
            ? `${what} beyond ${new Date(Math.max(...options.map((o) => o.expiresAt ?? 0))).toISOString()}`
            : what,
        );
      }
    }
  }
  if (missing.length > 0) throw escalationRefused(ctx.actor.label, [...new Set(missing)], organizationLabel);
}

async function persistUsage(ctx: ServiceContext, organizationId: string, policy: CompiledPolicy): Promise<void> {
  const usage = drainUsage(policy);
  if (usage.size === 0) return;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    for (const [permissionKey, count] of usage) {
      await trx
        .insertInto("permission_usage")
        .values({ organization_id: organizationId, permission_key: permissionKey, count, last_used_at: now })
        .onConflict((oc) =>
          oc
            .columns(["organization_id", "permission_key"])
            .doUpdateSet((eb) => ({ count: eb("permission_usage.count", "+", count), last_used_at: now })),
        )
        .execute();
    }
  });
}

/** Writes the in-memory usage counters of every cached policy to the store (batched; called on a timer and at shutdown). */
export async function flushUsage(ctx: ServiceContext): Promise<void> {
  for (const [organizationId, entry] of cacheOf(ctx)) await persistUsage(ctx, organizationId, entry.policy);
}

/** Usage recorded for an organization: permission key → { count, lastUsedAt }. */
export async function usageOf(
  ctx: ServiceContext,
  organizationId: string,
): Promise<Map<string, { count: number; lastUsedAt: number }>> {
  const rows = await ctx.db
    .selectFrom("permission_usage")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .execute();
  return new Map(rows.map((r) => [r.permission_key, { count: r.count, lastUsedAt: r.last_used_at }]));
}

/**
 * The permissions an organization must never lose its last holder of: managing members (else nobody can
 * add or promote anyone) and managing the organization's profile (else nobody can rename or reconfigure it).
 */
const KEPT_PERMISSIONS = ["org:sys_memberships:manage", "org:sys_profile:manage"] as const;

/** How many members hold each kept permission, unscoped and unexpired, in the organization. */
async function holderCounts(ctx: ServiceContext, organizationId: string): Promise<number[]> {
  const policy = compilePolicy(await loadPolicy(ctx, organizationId));
  const members = new Set(await memberUserIds(ctx.db, organizationId));
  const now = ctx.clock.now();
  return KEPT_PERMISSIONS.map(
    (permission) => whoCan(policy, permission, undefined, now).filter((w) => members.has(w.userId)).length,
  );
}

/**
 * Runs a change inside the caller's transaction and refuses it (organization_minimum_permissions_needed)
 * when it leaves any of these organizations, which had a member holding org:sys_memberships:manage or
 * org:sys_profile:manage, with nobody holding it. The organizations' rows are locked first (PostgreSQL),
 * so concurrent changes cannot both pass.
 */
export async function keepingManagers<T>(
  ctx: ServiceContext,
  organizationIds: readonly string[],
  change: () => Promise<T>,
): Promise<T> {
  if (!ctx.db.isTransaction) throw new TypeError("keepingManagers must run inside a transaction");
  const ids = [...new Set(organizationIds)].sort();
  if (ctx.dialect.supportsForUpdate && ids.length) {
    await ctx.db.selectFrom("organizations").select("id").where("id", "in", ids).orderBy("id").forUpdate().execute();
  }
  const before = new Map<string, number[]>();
  for (const id of ids) before.set(id, await holderCounts(ctx, id));
  const result = await change();
  for (const id of ids) {
    const had = before.get(id) ?? [];
    const has = await holderCounts(ctx, id);
    const lost = KEPT_PERMISSIONS.find((_, i) => (had[i] ?? 0) > 0 && has[i] === 0);
    if (lost) {
      const org = await ctx.db.selectFrom("organizations").select("slug").where("id", "=", id).executeTakeFirst();
      throw lastManager(org?.slug ?? id, lost);
    }
  }
  return result;
}

/**
 * The organizations where a user actor holds `permission` (for instance-wide lists such as
 * /v1/organization_invitations); undefined, meaning all, for instance admins.
 */
export async function organizationsWhereActorMay(
  ctx: ServiceContext,
  permission: string,
): Promise<string[] | undefined> {
  if (ctx.actor.type !== "user" || ctx.actor.admin === true || ctx.actor.id === null) return undefined;
  const mine = await organizationIdsOfUser(ctx.db, ctx.actor.id);
  // Ancestors' members may read in descendants, so descendants of the actor's organizations are candidates too.
  const candidates = new Set([...mine, ...(await organizationsBelow(ctx.db, mine))]);
  const out: string[] = [];
  for (const id of candidates)
    if ((await checkAccess(ctx, { organizationId: id, userId: ctx.actor.id, permission })).allowed) out.push(id);
  return out.sort();
}
