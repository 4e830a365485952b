// The audit log: filters (organization, actor, action, target, time range) and cursor pages, all in the URL; each
// event's before and after as a diff; the hash chains' verification; the matching events exported in each format.
import { type FormEvent, useState } from "react";
import { type AuditEvent, api, qs } from "../api.js";
import { navigate } from "../router.js";
import { Empty, Loaded, Outcome, useAction, useLoad, when } from "../ui.js";
import { AuditDiff } from "./AuditDiff.js";

/** Stands for the first page (which has no cursor) in the list of earlier pages. */
const FIRST = "first";
const FIELDS = ["org", "action", "actor", "target", "from", "to"] as const;
type Field = (typeof FIELDS)[number];

export function Audit({ query }: { query: URLSearchParams }) {
  const value = (f: Field) => query.get(f) ?? "";
  const cursor = query.get("cursor") ?? "";
  // The cursors of the pages before this one, so Previous works after a reload or from a shared link.
  const prev = (query.get("prev") ?? "").split(",").filter(Boolean);
  const limit = Math.min(200, Math.max(1, Number(query.get("limit") ?? "50") || 50));
  const page = (to: { cursor: string | null; prev: string[] }) =>
    navigate(`/audit${qs({ ...Object.fromEntries(query), cursor: to.cursor, prev: to.prev.join(",") })}`);
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
    limit,
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
      <p className="export">
        Export these events (oldest first):{" "}
        {(["csv", "json", "jsonl"] as const).map((format, i) => (
          <span key={format}>
            {i ? " · " : ""}
            <a
              href={`/v1/audit_events/export${qs({ organization_id: value("org"), filter, from: value("from"), to: value("to"), format })}`}
              download={`audit.${format}`}
            >
              {format.toUpperCase()}
            </a>
          </span>
        ))}
      </p>
      <Verify org={value("org")} />
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
                          <summary>What changed</summary>
                          <AuditDiff before={e.before} after={e.after} />
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="pager" aria-label="Audit pages">
                <button
                  type="button"
                  disabled={!cursor}
                  onClick={() => {
                    const back = prev.at(-1);
                    page({ cursor: back === undefined || back === FIRST ? null : back, prev: prev.slice(0, -1) });
                  }}
                >
                  Previous
                </button>
                <button
                  type="button"
                  disabled={next_cursor === null}
                  onClick={() => page({ cursor: next_cursor, prev: [...prev, cursor || FIRST] })}
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

interface Verification {
  ok: boolean;
  chains: {
    chain: string;
    organization_slug: string | null;
    ok: boolean;
    events_checked: number;
    last_seq: number;
    checkpoint: { seq: number; created_at: number } | null;
    problem: { kind: string; seq: number; message: string } | null;
  }[];
  checkpoints: { ok: boolean; checkpoints_checked: number; problem: { message: string } | null };
}

/** Walks the hash chains on demand (it reads every event) and shows each chain's status. */
function Verify({ org }: { org: string }) {
  const [result, setResult] = useState<Verification | null>(null);
  const action = useAction();
  const verify = () =>
    void action.run(async () => {
      setResult(await api<Verification>("GET", `/audit_events/verify${qs({ organization_id: org })}`));
    });
  return (
    <section aria-labelledby="verify-heading" className="verify">
      <h2 id="verify-heading">Integrity</h2>
      <button type="button" className="secondary" onClick={verify} disabled={action.busy}>
        {action.busy ? "Verifying…" : `Verify the chain${org ? ` of ${org}` : "s"}`}
      </button>
      <Outcome error={action.error} done={null} />
      {result ? (
        <>
          <p role="status" className={result.ok ? "ok" : "error"}>
            {result.ok ? "Every chain verifies." : "A chain does not verify."}
          </p>
          <table>
            <caption className="visually-hidden">Chains</caption>
            <thead>
              <tr>
                <th scope="col">Chain</th>
                <th scope="col">Status</th>
                <th scope="col">Events checked</th>
                <th scope="col">Last checkpoint</th>
              </tr>
            </thead>
            <tbody>
              {result.chains.map((c) => (
                <tr key={c.chain}>
                  <td>{c.organization_slug ?? c.chain}</td>
                  <td className={c.ok ? "ok" : "status-rejected"}>
                    {c.ok
                      ? "intact"
                      : `${c.problem?.kind ?? "broken"} at ${c.problem?.seq ?? "?"}: ${c.problem?.message ?? ""}`}
                  </td>
                  <td>{c.events_checked}</td>
                  <td>{c.checkpoint ? `#${c.checkpoint.seq}, ${when(c.checkpoint.created_at)}` : "none yet"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.checkpoints.problem ? <p className="error">{result.checkpoints.problem.message}</p> : null}
        </>
      ) : null}
    </section>
  );
}
