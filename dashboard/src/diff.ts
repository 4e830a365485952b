// The before and after of an audit event compared field by field (dotted paths), for the audit page's diff.

type Flat = Map<string, string>;

/** Flattens a value into "a.b.c" → JSON text (arrays whole: a reordered list reads better as one value). */
function flatten(value: unknown, prefix = "", out: Flat = new Map()): Flat {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, "{}");
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && !(value === null && !prefix)) out.set(prefix || "(value)", JSON.stringify(value));
  return out;
}

export interface DiffRow {
  path: string;
  before: string | null;
  after: string | null;
}

/** The fields that differ between before and after, in path order. */
export function diff(before: unknown, after: unknown): DiffRow[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) => ({ path: p, before: a.get(p) ?? null, after: b.get(p) ?? null }));
}
