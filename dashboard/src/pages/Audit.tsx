// The audit log: filters (organization, actor, action, target, time range) and cursor pages, all in the URL.
import { type FormEvent, useState } from "react";
import { type AuditEvent, api, qs } from "../api.js";
import { navigate } from "../router.js";
import { Empty, Loaded, useLoad } from "../ui.js";

const FIELDS = ["org", "action", "actor", "target", "from", "to"] as const;
type Field = (typeof FIELDS)[number];

export function Audit({ query }: { query: URLSearchParams }) {
  const value = (f: Field) => query.get(f) ?? "";
  const cursor = query.get("cursor") ?? "";
  const filter = (["action", "actor", "target"] as const)
    .filter((f) => value(f))
    .map((f) => `${f}:${value(f)}`)
    .join(",");
  const request = qs({
    organization_id: value("org"),
    filter,
    from: value("from"),
    to: value("to"),
    cursor,
    limit: 50,
  });
  const [load] = useLoad(`audit:${request}`, () =>
    api<{ data: AuditEvent[]; next_cursor: string | null }>("GET", `/audit_events${request}`),
  );
  const [draft, setDraft] = useState<Record<Field, string>>(
    () => Object.fromEntries(FIELDS.map((f) => [f, value(f)])) as Record<Field, string>,
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/audit${qs(draft)}`);
  };
  const labels: Record<Field, string> = {
    org: "Organization",
    action: "Action",
    actor: "Actor",
    target: "Target",
    from: "From (date)",
    to: "To (date)",
  };
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        {FIELDS.map((f) => (
          <label key={f}>
            {labels[f]}
            <input
              type={f === "from" || f === "to" ? "date" : "text"}
              value={draft[f]}
              onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
              placeholder={f === "org" ? "instance log" : ""}
            />
          </label>
        ))}
        <button type="submit">Apply</button>
      </form>
      <Loaded load={load} what="audit events">
        {({ data, next_cursor }) =>
          data.length === 0 ? (
            <Empty>No event matches.</Empty>
          ) : (
            <>
              <table>
                <caption className="visually-hidden">Audit events</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time>
                      </td>
                      <td>{e.actor.label}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>{e.target.label || e.target.id}</td>
                      <td>
                        <details>
                          <summary>Before and after</summary>
                          <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="pager" aria-label="Audit pages">
                <button type="button" disabled={!cursor} onClick={() => window.history.back()}>
                  Previous
                </button>
                <button
                  type="button"
                  disabled={next_cursor === null}
                  onClick={() => navigate(`/audit${qs({ ...Object.fromEntries(query), cursor: next_cursor })}`)}
                >
                  Next
                </button>
              </nav>
            </>
          )
        }
      </Loaded>
    </>
  );
}
