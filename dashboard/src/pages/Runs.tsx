// Workflow runs: a list filtered by organization and status (a page at a time, all in the URL), and one run with its
// stages, their timers (overdue, escalated) and its history, task by task.
import { type Organization, type Page, type Task, api, qs } from "../api.js";
import { Link, navigate } from "../router.js";
import { Empty, Loaded, useLoad, when } from "../ui.js";

const PAGE = 25;
const STATUSES = ["open", "approved", "rejected", "cancelled"];

interface RunStage {
  name: string;
  position: number;
  status: string;
  approvals_needed: number;
  approvals: number;
  note: string | null;
  started_at: number | null;
  completed_at: number | null;
  overdue_at: number | null;
  escalated_at: number | null;
  tasks: (Task & { decided_by: string | null; decided_at: number | null; form_data: unknown; assigned_via: string })[];
}

interface Run {
  id: string;
  organization_id: string;
  workflow: { id: string; slug: string; name: string };
  event: { type: string; data: unknown };
  requester: string | null;
  status: string;
  subject: string | null;
  blocked: boolean;
  blocked_reason: string | null;
  outcome_reason: string | null;
  current_stage: string | null;
  stages: RunStage[];
  created_at?: number;
}

export function Runs({ query }: { query: URLSearchParams }) {
  const org = query.get("org") ?? "";
  const status = query.get("status") ?? "";
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const request = qs({ organization_id: org, status, limit: PAGE, offset: (page - 1) * PAGE });
  const [load] = useLoad(`runs:${request}`, async () =>
    org ? api<{ data: Run[]; total_count: number }>("GET", `/runs${request}`) : null,
  );
  const [tree] = useLoad("tree", () => api<Page<Organization>>("GET", "/organization_tree"));
  const go = (change: Record<string, string | number | undefined>) =>
    navigate(`/runs${qs({ org, status, page: undefined, ...change })}`);
  return (
    <>
      <p className="crumbs">
        <Link to="/approvals">Approvals</Link> / Runs
      </p>
      <h1>Workflow runs</h1>
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Organization
          <select value={org} onChange={(e) => go({ org: e.target.value })}>
            <option value="">(choose)</option>
            {(tree.state === "done" ? tree.value.data : []).map((o) => (
              <option key={o.id} value={o.slug}>
                {"\u00a0\u00a0".repeat(o.depth ?? 0)}
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => go({ status: e.target.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      <Loaded load={load} what="runs">
        {(answer) =>
          answer === null ? (
            <Empty>Choose an organization to see its runs.</Empty>
          ) : answer.data.length === 0 ? (
            <Empty>No run matches.</Empty>
          ) : (
            <>
              <table>
                <caption className="visually-hidden">Runs</caption>
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Workflow</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Status</th>
                    <th scope="col">Stage now</th>
                  </tr>
                </thead>
                <tbody>
                  {answer.data.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/runs/${r.id}`}>{r.id}</Link>
                      </td>
                      <td>
                        <Link to={`/workflows/${r.workflow.id}`}>{r.workflow.name}</Link>
                      </td>
                      <td>{r.subject ?? ""}</td>
                      <td className={`status-${r.status}`}>{r.status}</td>
                      <td>{r.current_stage ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="pager" aria-label="Run pages">
                <button type="button" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
                  Previous
                </button>
                <span>
                  Page {page} of {Math.max(1, Math.ceil(answer.total_count / PAGE))} ({answer.total_count} runs)
                </span>
                <button
                  type="button"
                  disabled={page * PAGE >= answer.total_count}
                  onClick={() => go({ page: page + 1 })}
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

/** What happened in a run, oldest first: stages starting and completing, tasks opened and decided. */
function history(run: Run): { at: number; what: string }[] {
  const out: { at: number; what: string }[] = [];
  for (const s of run.stages) {
    if (s.started_at) out.push({ at: s.started_at, what: `Stage ${s.name} started` });
    if (s.escalated_at) out.push({ at: s.escalated_at, what: `Stage ${s.name} escalated` });
    for (const t of s.tasks) {
      out.push({ at: t.created_at, what: `Task for ${t.assignee ?? "the stage's role"} (${t.assigned_via})` });
      if (t.decided_at)
        out.push({
          at: t.decided_at,
          what: `${t.decided_by ?? "someone"} ${t.status}${t.comment ? `: "${t.comment}"` : ""}${t.reason ? `: "${t.reason}"` : ""}`,
        });
    }
    if (s.completed_at) out.push({ at: s.completed_at, what: `Stage ${s.name} ${s.status}` });
  }
  return out.sort((a, b) => a.at - b.at);
}

export function RunPage({ id }: { id: string }) {
  const [load] = useLoad(`run:${id}`, () => api<Run>("GET", `/runs/${encodeURIComponent(id)}`));
  return (
    <Loaded load={load} what="the run">
      {(r) => (
        <>
          <p className="crumbs">
            <Link to="/runs">Runs</Link> / {r.id}
          </p>
          <h1>
            {r.workflow.name}: <span className={`status-${r.status}`}>{r.status}</span>
          </h1>
          <p>
            {r.subject ? `About ${r.subject}. ` : ""}
            {r.requester ? `Requested by ${r.requester}. ` : ""}Event <code>{r.event.type}</code>.
            {r.blocked ? ` Blocked: ${r.blocked_reason ?? ""}.` : ""}
            {r.outcome_reason ? ` Outcome: ${r.outcome_reason}.` : ""}{" "}
            <Link to={`/workflows/${r.workflow.id}`}>The workflow</Link>
          </p>
          <h2>Stages</h2>
          <table>
            <caption className="visually-hidden">Stages</caption>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Status</th>
                <th scope="col">Approvals</th>
                <th scope="col">Started</th>
                <th scope="col">Timers</th>
                <th scope="col">Tasks</th>
              </tr>
            </thead>
            <tbody>
              {r.stages.map((s) => (
                <tr key={s.position}>
                  <td>{s.name}</td>
                  <td className={`status-${s.status}`}>
                    {s.status}
                    {s.note ? ` (${s.note})` : ""}
                  </td>
                  <td>
                    {s.approvals} of {s.approvals_needed}
                  </td>
                  <td>{s.started_at ? when(s.started_at) : "not yet"}</td>
                  <td>
                    {s.overdue_at
                      ? `${s.status === "active" && s.overdue_at < Date.now() ? "overdue since" : "due by"} ${when(s.overdue_at)}`
                      : s.status === "active"
                        ? "no timeout"
                        : ""}
                    {s.escalated_at ? `; escalated ${when(s.escalated_at)}` : ""}
                  </td>
                  <td>
                    {s.tasks.map((t) => (
                      <div key={t.id}>
                        {t.assignee ?? "unassigned"}: {t.status}
                        {t.overdue ? " (overdue)" : ""}
                        {t.form_data ? <pre>{JSON.stringify(t.form_data, null, 2)}</pre> : null}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>History</h2>
          <ol className="timeline">
            {history(r).map((h, i) => (
              <li key={i}>
                <time dateTime={new Date(h.at).toISOString()}>{when(h.at)}</time>: {h.what}
              </li>
            ))}
          </ol>
          <h2>Event data</h2>
          <pre>{JSON.stringify(r.event.data, null, 2)}</pre>
        </>
      )}
    </Loaded>
  );
}
