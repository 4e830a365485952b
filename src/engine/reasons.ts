// The words of decisions: allowed reasons built once per path and then reused, and constant denials.
import type { CompiledAncestor, CompiledPolicy } from "./compile.js";
import { isEntry } from "./compile.js";
import type { Entry, HeldSlot, Slot } from "./grant-entries.js";
import type { Decision } from "./types.js";

/** The denials a policy answers with; constant so the denied path allocates nothing. */
export interface Denials {
  readonly notMember: Decision;
  readonly noGrant: Decision;
  readonly unknownPermission: Decision;
  readonly invalidPermission: Decision;
  readonly ancestorReadOnly: Decision;
  readonly ancestorNoGrant: Decision;
}

/** The denials for the organization with slug `label`. */
export function denialsFor(label: string): Denials {
  const deny = (reason: string): Decision => Object.freeze({ allowed: false, reason });
  return {
    notMember: deny(`denied: not a member of ${label}`),
    noGrant: deny(`denied: no role or direct grant of the member in ${label} allows this`),
    unknownPermission: deny(`denied: no grant in ${label} covers this permission`),
    invalidPermission: deny("denied: not a permission key; expected org:<feature>:<action>"),
    ancestorReadOnly: deny(`denied: not a member of ${label}; members of its ancestors get read access only`),
    ancestorNoGrant: deny(`denied: not a member of ${label}, and no ancestor membership grants this read`),
  };
}

/**
 * The reason entry `e` allows a check through scoped slot `held`, or its unscoped slot when null,
 * reached through `ancestor` when not null. Built on first use and cached, since it depends only
 * on the path, not on the user or the query.
 */
export function allowedReason(
  p: CompiledPolicy,
  e: Entry,
  held: HeldSlot | null,
  ancestor: CompiledAncestor | null,
): string {
  const slot = held === null ? e.unscoped! : held.slot!;
  if (ancestor === null) {
    if (held !== null) return (held.reason ??= allowText(p, e.holder, slot, null));
    return (e.unscopedReason ??= allowText(p, e.holder, slot, null));
  }
  // An entry is its own first pattern's held slot, so unscoped reasons need a map of their own.
  const cache: Map<Entry | HeldSlot, string> = held === null ? ancestor.directReasons : ancestor.scopedReasons;
  const key = held ?? e;
  let reason = cache.get(key);
  if (reason === undefined) cache.set(key, (reason = allowText(p, e.holder, slot, ancestor.label)));
  return reason;
}

/**
 * The reason the unscoped grant of role `holder`'s arena entry `i` allows a check, through
 * `ancestor` when not null; built on first use and kept (in the arena for the organization's own).
 */
export function unscopedReason(
  p: CompiledPolicy,
  i: number,
  holder: number,
  ancestor: CompiledAncestor | null,
): string {
  const item = p.arena.items[i]!;
  const slot = isEntry(item) ? item.unscoped! : item;
  if (ancestor !== null) {
    let reason = ancestor.roleReasons.get(i);
    if (reason === undefined) ancestor.roleReasons.set(i, (reason = allowText(p, holder, slot, ancestor.label)));
    return reason;
  }
  const reason = allowText(p, holder, slot, null);
  p.arena.reasons[i] = reason;
  return reason;
}

/** The text of an allowed path, e.g. "role Senior Reviewer <- Code Reviewer grants org:code:read on repository:*-app". */
export function pathText(p: CompiledPolicy, holder: number, s: Slot): string {
  const via = holder < 0 ? "direct grant of" : `${sourceText(p, holder, s.grant.owner)} grants`;
  return `${via} ${slotText(s)}`;
}

/** Where a holder's grant comes from: "role Senior Reviewer <- Code Reviewer", or "direct grant". */
export function sourceText(p: CompiledPolicy, holder: number, owner: number): string {
  if (holder < 0) return "direct grant";
  return `role ${rolePath(p, holder, owner)
    .map((ri) => p.roles[ri]?.name)
    .join(" <- ")}`;
}

/** A grant as it applies through one slot: key, the scope, the implication of admin, the expiry. */
export function slotText(s: Slot): string {
  const g = s.grant;
  const scope = s.scope === null ? "" : ` on ${s.scope.text}`;
  const admin = g.isAdmin ? ` (admin covers every org:${g.feature} action)` : "";
  const until = g.until === Infinity ? "" : ` until ${isoTime(g.until)}`;
  return `${g.key}${scope}${admin}${until}`;
}

/**
 * The shortest chain of roles from `holder` up to `owner` through parents, both included:
 * the roles a reason names between the member's role and the grant.
 */
export function rolePath(p: CompiledPolicy, holder: number, owner: number): number[] {
  if (holder === owner) return [holder];
  const previous = new Map<number, number>([[holder, -1]]);
  const queue = [holder];
  for (let k = 0; k < queue.length; k++) {
    const ri = queue[k] as number;
    for (const parent of p.parents[ri] ?? []) {
      if (previous.has(parent)) continue;
      previous.set(parent, ri);
      if (parent === owner) {
        const path = [owner];
        for (let at = ri; at !== -1; at = previous.get(at) as number) path.unshift(at);
        return path;
      }
      queue.push(parent);
    }
  }
  return [holder, owner];
}

/** Unix ms as ISO 8601, or the number itself when it is outside the range a Date can show. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function allowText(p: CompiledPolicy, holder: number, s: Slot, ancestor: string | null): string {
  const text = pathText(p, holder, s);
  return ancestor === null ? `allowed: ${text}` : `allowed: ancestor ${ancestor} (read-only) via ${text}`;
}
