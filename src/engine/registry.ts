// Interned permission ids and the usage counters indexed by them, shared along a policy lineage.

/**
 * Every permission key a policy (and the policies derived from it by withRoleChanged) has seen,
 * numbered densely so the check path indexes arrays instead of hashing strings. Append-only, so
 * a derived policy can add keys without disturbing the one it came from.
 */
export interface PermissionRegistry {
  readonly ids: Map<string, number>;
  readonly keys: string[];
  readonly features: string[];
  readonly actions: string[];
  /** Whether the action is `read`, the only one ancestor members get. */
  readonly isRead: boolean[];
  /** Allowed checks per id since the last drain; an array so counting is one increment. */
  readonly counts: number[];
  /** Allowed checks of keys that were never interned (an unknown action allowed through admin). */
  readonly extra: Map<string, number>;
}

/** A registry with no keys. */
export function createRegistry(): PermissionRegistry {
  return { ids: new Map(), keys: [], features: [], actions: [], isRead: [], counts: [], extra: new Map() };
}

/** The id of a canonical key, interning it when new. */
export function intern(registry: PermissionRegistry, key: string): number {
  const known = registry.ids.get(key);
  if (known !== undefined) return known;
  const id = registry.keys.length;
  const last = key.lastIndexOf(":");
  const action = key.slice(last + 1);
  registry.ids.set(key, id);
  registry.keys.push(key);
  registry.features.push(key.slice("org:".length, last));
  registry.actions.push(action);
  registry.isRead.push(action === "read");
  registry.counts.push(0);
  return id;
}

/** The allowed-check counts since the last drain, by key; resets them. */
export function drainCounts(registry: PermissionRegistry): Map<string, number> {
  const out = new Map<string, number>();
  const counts = registry.counts;
  for (let id = 0; id < counts.length; id++) {
    const n = counts[id] as number;
    if (n === 0) continue;
    out.set(registry.keys[id] as string, n);
    counts[id] = 0;
  }
  for (const [key, n] of registry.extra) out.set(key, (out.get(key) ?? 0) + n);
  registry.extra.clear();
  return out;
}
