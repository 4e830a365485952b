// An audit event's before and after as a diff: each changed field (dotted path), what it was and what it became.

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

export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const rows = diff(before, after);
  if (rows.length === 0) return <p className="muted">No field changed.</p>;
  return (
    <table className="diff">
      <caption className="visually-hidden">Changed fields</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path}>
            <th scope="row">
              <code>{r.path}</code>
            </th>
            <td className="removed">
              {r.before === null ? <span className="muted">(absent)</span> : <del>{r.before}</del>}
            </td>
            <td className="added">
              {r.after === null ? <span className="muted">(absent)</span> : <ins>{r.after}</ins>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
