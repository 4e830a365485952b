// An organization's workflows with their stages (conditions, assignment, escalation), and one workflow's page: its
// definition, its figures over a period as charts, and its notification rules.
import { type FormEvent, useState } from "react";
import { type Page, type Workflow, api, qs } from "../api.js";
import { BarChart, duration } from "../charts.js";
import { Link, navigate } from "../router.js";
import { Empty, Loaded, Outcome, fieldError, useAction, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

export function Workflows({ slug }: { slug: string }) {
  const [load] = useLoad(`workflows:${slug}`, () =>
    api<Page<Workflow>>("GET", `/organizations/${encodeURIComponent(slug)}/workflows`),
  );
  return (
    <>
      <OrgNav slug={slug} name={slug} here="Workflows" />
      <h1>Workflows</h1>
      <p className="muted">
        <Link to={`/runs${qs({ org: slug })}`}>Runs of this organization</Link>
      </p>
      <Loaded load={load} what="workflows">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No workflow (create one with clerk workflow create).</Empty>
          ) : (
            <ul className="cards">
              {data.map((w) => (
                <li key={w.id} className="card">
                  <h2>
                    <Link to={`/workflows/${w.id}`}>{w.name}</Link>{" "}
                    <span className="muted">
                      {w.status} · on <code>{w.trigger}</code>
                    </span>
                  </h2>
                  <Stages workflow={w} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

function Stages({ workflow }: { workflow: Workflow }) {
  if (workflow.stages.length === 0) return <Empty>No stage yet.</Empty>;
  return (
    <table>
      <caption className="visually-hidden">Stages of {workflow.name}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Stage</th>
          <th scope="col">Needs</th>
          <th scope="col">When</th>
          <th scope="col">Assignment</th>
          <th scope="col">Timeout and escalation</th>
          <th scope="col">Form</th>
        </tr>
      </thead>
      <tbody>
        {workflow.stages.map((s) => (
          <tr key={s.id}>
            <td>{s.position}</td>
            <td>{s.name}</td>
            <td>
              {s.approvals} × {s.requires_role}
              {s.role_exists ? "" : " (no such role!)"}
            </td>
            <td>{s.condition ? <code>{s.condition}</code> : "always"}</td>
            <td>{s.strategy}</td>
            <td>
              {s.timeout ? `overdue after ${s.timeout}` : "none"}
              {s.escalation
                ? `; to ${s.escalation.escalate_to} after ${s.escalation.after}${s.escalation.notify ? `, telling ${s.escalation.notify}` : ""}`
                : ""}
            </td>
            <td>{s.form ?? "none"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Stats {
  period: string;
  runs: number;
  approved: number;
  rejected: number;
  open: number;
  cancelled: number;
  approval_rate: number | null;
  completion_ms: { average: number | null; p50: number | null; p90: number | null };
  stages: { name: string; completed: number; average_ms: number | null }[];
  overdue: number;
  escalations: number;
  top_rejection_reasons: { reason: string; count: number }[];
}

interface Rule {
  id: string;
  on: string;
  message: string;
  channel: string;
}

const PERIODS = ["7d", "30d", "90d", "365d"];

export function WorkflowPage({ id, query }: { id: string; query: URLSearchParams }) {
  const period = query.get("period") ?? "30d";
  const [load] = useLoad(`workflow:${id}`, () => api<Workflow>("GET", `/workflows/${encodeURIComponent(id)}`));
  const [stats] = useLoad(`stats:${id}:${period}`, () =>
    api<Stats>("GET", `/workflows/${encodeURIComponent(id)}/stats${qs({ period })}`),
  );
  const [rules, reloadRules] = useLoad(`rules:${id}`, () =>
    api<Page<Rule>>("GET", `/workflows/${encodeURIComponent(id)}/notification_rules`),
  );
  return (
    <Loaded load={load} what="the workflow">
      {(w) => (
        <>
          <OrgNav slug={w.organization_slug} name={w.organization_slug} here={w.name} />
          <h1>{w.name}</h1>
          <p>
            {w.description ? `${w.description} ` : ""}Starts on <code>{w.trigger}</code>
            {w.condition ? (
              <>
                {" "}
                when <code>{w.condition}</code>
              </>
            ) : null}
            ; {w.status}. <Link to={`/runs${qs({ org: w.organization_slug })}`}>Its runs</Link>
          </p>
          {w.warnings.map((m) => (
            <p key={m} className="error">
              {m}
            </p>
          ))}
          <h2>Stages</h2>
          <Stages workflow={w} />
          <section aria-labelledby="stats-heading">
            <h2 id="stats-heading">Figures</h2>
            <label>
              Period{" "}
              <select
                value={period}
                onChange={(e) => navigate(`/workflows/${id}${qs({ period: e.target.value })}`, true)}
              >
                {PERIODS.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <Loaded load={stats} what="the figures">
              {(s) => <StatsCharts stats={s} />}
            </Loaded>
          </section>
          <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">Notification rules</h2>
            <Loaded load={rules} what="the rules">
              {({ data }) => <Rules workflow={id} rules={data} onChange={reloadRules} />}
            </Loaded>
          </section>
        </>
      )}
    </Loaded>
  );
}

function StatsCharts({ stats: s }: { stats: Stats }) {
  if (s.runs === 0) return <Empty>No run in the last {s.period}.</Empty>;
  return (
    <>
      <div className="figures">
        <div>
          <strong>{s.approval_rate === null ? "none" : `${Math.round(s.approval_rate * 100)} %`}</strong>approval rate
        </div>
        <div>
          <strong>{s.runs}</strong>runs
        </div>
        <div>
          <strong>{s.overdue}</strong>overdue
        </div>
        <div>
          <strong>{s.escalations}</strong>escalations
        </div>
      </div>
      <BarChart
        title={`Outcomes, last ${s.period}`}
        bars={[
          { label: "approved", value: s.approved, tone: "ok" },
          { label: "rejected", value: s.rejected, tone: "danger" },
          { label: "open", value: s.open },
          { label: "cancelled", value: s.cancelled, tone: "muted" },
        ]}
      />
      <BarChart
        title="Time to complete"
        bars={[
          { label: "median (p50)", value: s.completion_ms.p50 ?? 0, text: duration(s.completion_ms.p50) },
          { label: "p90", value: s.completion_ms.p90 ?? 0, text: duration(s.completion_ms.p90) },
          { label: "average", value: s.completion_ms.average ?? 0, text: duration(s.completion_ms.average) },
          ...s.stages.map((st) => ({
            label: `stage ${st.name}`,
            value: st.average_ms ?? 0,
            text: duration(st.average_ms),
            tone: "muted" as const,
          })),
        ]}
      />
      {s.top_rejection_reasons.length ? (
        <BarChart
          title="Rejection reasons"
          bars={s.top_rejection_reasons.map((r) => ({ label: r.reason, value: r.count, tone: "danger" as const }))}
        />
      ) : (
        <p className="muted">No rejection in the period.</p>
      )}
    </>
  );
}

const SIGNALS = ["stage:assigned", "stage:overdue", "stage:escalated", "run:approved", "run:rejected"];

/** A workflow's notification rules: listed, added (placeholders and channel checked by the API), removed. */
function Rules({ workflow, rules, onChange }: { workflow: string; rules: Rule[]; onChange: () => void }) {
  const [draft, setDraft] = useState({ on: "stage:assigned", channel: "", message: "" });
  const action = useAction();
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api("POST", `/workflows/${encodeURIComponent(workflow)}/notification_rules`, draft);
      setDraft({ ...draft, message: "" });
      onChange();
      return "Rule added.";
    });
  };
  const remove = (r: Rule) =>
    void action.run(async () => {
      await api("DELETE", `/notification_rules/${r.id}`);
      onChange();
      return "Rule removed.";
    });
  const channelError = fieldError(action.error, "channel");
  return (
    <>
      {rules.length === 0 ? (
        <Empty>No rule.</Empty>
      ) : (
        <ul>
          {rules.map((r) => (
            <li key={r.id}>
              On <code>{r.on}</code> to {r.channel}: {r.message}{" "}
              <button
                type="button"
                className="link"
                onClick={() => remove(r)}
                aria-label={`Remove the rule on ${r.on} to ${r.channel}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline" onSubmit={add} aria-label="Add a notification rule">
        <label>
          On
          <select value={draft.on} onChange={(e) => setDraft({ ...draft, on: e.target.value })}>
            {SIGNALS.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        <label>
          Channel
          <input
            value={draft.channel}
            onChange={(e) => setDraft({ ...draft, channel: e.target.value })}
            required
            placeholder="slack:#code-reviews"
            aria-invalid={channelError ? true : undefined}
          />
        </label>
        <label>
          Message
          <input
            value={draft.message}
            onChange={(e) => setDraft({ ...draft, message: e.target.value })}
            required
            placeholder="{workflow.name} waits on {assignee.email}"
          />
        </label>
        <button type="submit" disabled={action.busy}>
          Add rule
        </button>
      </form>
      <Outcome error={action.error} done={action.done} />
    </>
  );
}
