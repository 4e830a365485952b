// An audit event's before and after as a diff: each changed field (dotted path), what it was and what it became.
import { diff } from "../diff.js";

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
