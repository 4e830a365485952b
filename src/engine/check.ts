// The hot path: answer one check from the compiled index; an allowed answer's object is all it allocates.
import type { CompiledAncestor, CompiledPolicy, MemberIndex } from "./compile.js";
import type { Entry } from "./grant-entries.js";
import { matchScoped } from "./grant-entries.js";
import { isCanonicalPermissionKey, splitCanonicalKey } from "./keys.js";
import { resourceKey } from "./pattern.js";
import { allowedReason, unscopedReason } from "./reasons.js";
import { drainCounts } from "./registry.js";
import { popcount, WORD } from "./role-rows.js";
import type { CheckQuery, Decision } from "./types.js";

/**
 * Decides one check. An allowed result is a new object whose reason names the path that allowed
 * it (role, parent roles, grant, scope), a string built once per path; a denial is a shared,
 * frozen constant, and `explain` gives the detail. Each allowed check is counted for
 * {@link drainUsage}.
 * @example
 * check(compiled, { subject: "user_1", permission: "org:code:read", resource: "repository:web-app", at: clock.now() })
 */
export function check(policy: CompiledPolicy, q: CheckQuery): Decision {
  const pid = policy.permIds.get(q.permission);
  if (pid === undefined) return checkUninterned(policy, q);
  const d = decide(policy, q, pid, policy.registry.isRead[pid] === true);
  if (d.allowed) policy.registry.counts[pid] = policy.registry.counts[pid]! + 1;
  return d;
}

/** The allowed-check counts per permission key since the last drain; resets them. */
export function drainUsage(policy: CompiledPolicy): Map<string, number> {
  return drainCounts(policy.registry);
}

// Decides for permission id `pid`: the queried key's own or, for a key nobody is granted, its
// feature's admin key. Members answer from their own roles; only a non-member may reach ancestors.
function decide(p: CompiledPolicy, q: CheckQuery, pid: number, isRead: boolean): Decision {
  const mi = p.members.ids.get(q.subject);
  if (mi !== undefined) {
    const reason = allowedFor(p, p.members, mi, pid, q.resource, q.at, null);
    return reason === null ? p.denials.noGrant : { allowed: true, reason };
  }
  if (!p.inheritAncestorRead) return p.denials.notMember;
  let member = false;
  for (const ancestor of p.ancestors) {
    const ami = ancestor.members.ids.get(q.subject);
    if (ami === undefined) continue;
    member = true;
    if (!isRead) break;
    const reason = allowedFor(p, ancestor.members, ami, pid, q.resource, q.at, ancestor);
    if (reason !== null) return { allowed: true, reason };
  }
  return !member ? p.denials.notMember : isRead ? p.denials.ancestorNoGrant : p.denials.ancestorReadOnly;
}

/**
 * The reason member `mi` of `index` is allowed, or null. Roles are tried in the member's order,
 * then direct grants. Per role, one bit of the small holders array says whether it has anything
 * for `pid`; if so, one cache line of the role's row locates the entry and says whether it holds a
 * permanent unscoped grant; only then is one pointer read, the path's reason, built once. Scoped
 * and expiring grants need the entry itself.
 */
export function allowedFor(
  p: CompiledPolicy,
  index: MemberIndex,
  mi: number,
  pid: number,
  resource: string | undefined,
  at: number,
  ancestor: CompiledAncestor | null,
): string | null {
  const rows = p.rows;
  const stride = p.stride;
  const holders = p.holders;
  const holderAt = pid * p.holderWords;
  const base = p.roleBase;
  const arena = p.arena;
  const word = pid >>> 5;
  const bit = 1 << (pid & 31);
  const below = bit - 1;
  // The resource key is worked out only when a scoped grant is actually in play.
  let key: string | null | undefined;
  const end = index.roleStart[mi + 1]!;
  for (let k = index.roleStart[mi]!; k < end; k++) {
    const ri = index.roleList[k]!;
    if ((holders[holderAt + (ri >>> 5)]! & (1 << (ri & 31))) === 0) continue;
    const o = WORD * (ri * stride + word);
    const bits = rows[o]!;
    if ((bits & bit) === 0) continue;
    const i = base[ri]! + rows[o + 1]! + popcount(bits & below);
    if ((rows[o + 2]! & bit) !== 0)
      return (ancestor === null ? arena.reasons[i] : null) ?? unscopedReason(p, i, ri, ancestor);
    const e = arena.items[i] as Entry;
    if (at < e.until) return (ancestor === null ? arena.reasons[i] : null) ?? unscopedReason(p, i, ri, ancestor);
    if ((rows[o + 3]! & bit) !== 0) {
      if (key === undefined) key = resourceKey(resource);
      if (key !== null) {
        const s = matchScoped(e, key, at);
        if (s !== null) return allowedReason(p, e, s, ancestor);
      }
    }
  }
  const direct = index.direct[mi];
  if (direct === null || direct === undefined) return null;
  const e = direct.get(pid);
  if (e === undefined) return null;
  if (at < e.until) return allowedReason(p, e, null, ancestor);
  if (!e.scoped) return null;
  if (key === undefined) key = resourceKey(resource);
  const s = key === null ? null : matchScoped(e, key, at);
  return s === null ? null : allowedReason(p, e, s, ancestor);
}

/**
 * The permission id that answers for `key`: its own, or its feature's admin when nobody holds the
 * key itself (`org:code:whatever` is still allowed by `org:code:admin`); -1 for a malformed key,
 * -2 when nothing in the policy could allow it.
 */
export function resolvePermission(p: CompiledPolicy, key: string): number {
  const pid = p.permIds.get(key);
  if (pid !== undefined) return pid;
  if (!isCanonicalPermissionKey(key)) return -1;
  return p.permIds.get(`org:${splitCanonicalKey(key).feature}:admin`) ?? -2;
}

// A key no grant names: only its feature's admin can allow it. Rare, so it may allocate.
function checkUninterned(p: CompiledPolicy, q: CheckQuery): Decision {
  const pid = resolvePermission(p, q.permission);
  if (pid === -1) return p.denials.invalidPermission;
  if (pid === -2) return p.denials.unknownPermission;
  const d = decide(p, q, pid, splitCanonicalKey(q.permission).action === "read");
  if (d.allowed) p.registry.extra.set(q.permission, (p.registry.extra.get(q.permission) ?? 0) + 1);
  return d;
}
