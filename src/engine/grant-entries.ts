// Grants compiled into per-(holder, permission) entries: the unit the check path looks up and matches.
import type { CompiledScope } from "./pattern.js";
import { compileScope, matchesCompiled } from "./pattern.js";
import type { PolicyGrant } from "./types.js";

/** A grant with its permission interned and its scopes compiled. */
export interface CompiledGrant {
  readonly source: PolicyGrant;
  readonly pid: number;
  readonly key: string;
  readonly feature: string;
  readonly action: string;
  readonly isAdmin: boolean;
  /** Index of the role that declares it; -1 for a direct grant on a membership. */
  readonly owner: number;
  /** `expiresAt`, or Infinity for a grant that never expires. */
  readonly until: number;
  /** One per scope, or a single unscoped slot. */
  readonly slots: readonly Slot[];
}

/** One way a grant can apply: unscoped, or through one of its scopes. */
export interface Slot {
  readonly grant: CompiledGrant;
  readonly scope: CompiledScope | null;
  readonly until: number;
}

/**
 * A scoped slot as one holder has it: matching data and that holder's reason, read together. An
 * entry is also one, for its first prefix or wildcard scope (null fields when it has none), so the
 * common single-pattern case is decided without leaving the entry.
 */
export interface HeldSlot {
  readonly slot: Slot | null;
  readonly scope: CompiledScope | null;
  readonly scopeUntil: number;
  /** The reason this slot allows a check for this holder, built on first use. */
  reason: string | null;
}

/**
 * Everything one holder (a role with its inherited grants, or a membership's direct grants) has
 * for one permission id, arranged so the common case is a single comparison: `at < until`.
 */
export interface Entry extends HeldSlot {
  readonly pid: number;
  /** Role index, or -1 for a membership's direct grants. */
  readonly holder: number;
  /** The longest-lived unscoped slot's `until`; -Infinity when there is none. */
  readonly until: number;
  readonly unscoped: Slot | null;
  /** The unscoped slot's reason for a membership's direct grants (a role's lives in the arena). */
  unscopedReason: string | null;
  readonly scoped: boolean;
  /** Exact scopes by `type:pattern`, the longest-lived slot for each. */
  readonly exact: ReadonlyMap<string, HeldSlot> | null;
  /** Every prefix and wildcard scope in grant order, when there is more than one (the first is the entry's own). */
  readonly patterns: readonly HeldSlot[] | null;
}

/** Compiles a grant whose key and scopes are already validated; `scopes` shares compiled scopes by text. */
export function compileGrant(
  source: PolicyGrant,
  pid: number,
  owner: number,
  scopes: Map<string, CompiledScope>,
): CompiledGrant {
  const key = source.permission;
  const last = key.lastIndexOf(":");
  const action = key.slice(last + 1);
  const until = source.expiresAt ?? Infinity;
  const slots: Slot[] = [];
  const grant: CompiledGrant = {
    source,
    pid,
    key,
    feature: key.slice("org:".length, last),
    action,
    isAdmin: action === "admin",
    owner,
    until,
    slots,
  };
  if (source.scopes.length === 0) slots.push({ grant, scope: null, until });
  for (const scope of source.scopes) {
    const text = `${scope.type}:${scope.pattern}`;
    let compiled = scopes.get(text);
    if (compiled === undefined) scopes.set(text, (compiled = compileScope(scope)));
    slots.push({ grant, scope: compiled, until });
  }
  return grant;
}

/**
 * Builds a holder's entries, sorted by permission id. An `admin` grant is filed under every known
 * permission of its feature, so the check path never needs a second lookup for it.
 */
export function buildEntries(
  holder: number,
  grants: readonly CompiledGrant[],
  featurePids: ReadonlyMap<string, readonly number[]>,
): Entry[] {
  const byPid = new Map<number, Slot[]>();
  for (const grant of grants) {
    const targets = grant.isAdmin ? (featurePids.get(grant.feature) ?? [grant.pid]) : [grant.pid];
    for (const pid of targets) {
      let list = byPid.get(pid);
      if (list === undefined) byPid.set(pid, (list = []));
      list.push(...grant.slots);
    }
  }
  return [...byPid.keys()].sort((a, b) => a - b).map((pid) => makeEntry(pid, holder, byPid.get(pid) as Slot[]));
}

/** A scoped slot of the entry that applies to resource key `key` at `at`, or null. */
export function matchScoped(e: Entry, key: string, at: number): HeldSlot | null {
  if (e.exact !== null) {
    const s = e.exact.get(key);
    if (s !== undefined && at < s.scopeUntil) return s;
  }
  const scope = e.scope;
  if (scope === null) return null;
  if (at < e.scopeUntil && matchesCompiled(scope, key)) return e;
  const patterns = e.patterns;
  if (patterns !== null) {
    for (let i = 1; i < patterns.length; i++) {
      const s = patterns[i]!;
      if (at < s.scopeUntil && matchesCompiled(s.scope!, key)) return s;
    }
  }
  return null;
}

/** The slot of the entry that allows a check at `at`; `key` is the resource key or null. */
export function matchEntry(e: Entry, key: string | null, at: number): Slot | null {
  if (at < e.until) return e.unscoped;
  return key === null || !e.scoped ? null : (matchScoped(e, key, at)?.slot ?? null);
}

function makeEntry(pid: number, holder: number, slots: readonly Slot[]): Entry {
  let unscoped: Slot | null = null;
  let exact: Map<string, HeldSlot> | null = null;
  let patterns: Slot[] | null = null;
  for (const s of slots) {
    if (s.scope === null) {
      // Only the longest-lived unscoped grant matters: if it has expired, so have the others.
      if (unscoped === null || s.until > unscoped.until) unscoped = s;
    } else if (s.scope.kind === "exact") {
      exact ??= new Map();
      const held = exact.get(s.scope.text);
      if (held === undefined || s.until > held.scopeUntil)
        exact.set(s.scope.text, { slot: s, scope: s.scope, scopeUntil: s.until, reason: null });
    } else {
      (patterns ??= []).push(s);
    }
  }
  const first = patterns?.[0] ?? null;
  // Field order is memory order: what a scoped check reads comes first, to share a cache line.
  return {
    until: unscoped === null ? -Infinity : unscoped.until,
    exact,
    scope: first?.scope ?? null,
    scopeUntil: first?.until ?? -Infinity,
    reason: null,
    slot: first,
    patterns:
      patterns !== null && patterns.length > 1
        ? patterns.map((s) => ({ slot: s, scope: s.scope, scopeUntil: s.until, reason: null }))
        : null,
    pid,
    holder,
    unscoped,
    unscopedReason: null,
    scoped: exact !== null || patterns !== null,
  };
}
