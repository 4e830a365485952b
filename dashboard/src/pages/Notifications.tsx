// Notifications: the providers (secrets never shown), messages that could not be delivered (retried by a button),
// and every workflow's rules live on the workflow's page.
import { type FormEvent, useState } from "react";
import { type Page, api } from "../api.js";
import { Empty, Loaded, Outcome, useAction, useLoad, when } from "../ui.js";

interface Provider {
  id: string;
  provider: string;
  name: string;
  config: Record<string, unknown>;
  created_at: number;
}

interface Failure {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  attempts: number;
  last_error?: string | null;
  created_at?: number;
}

export function Notifications() {
  const [providers, reloadProviders] = useLoad("providers", () =>
    api<Page<Provider>>("GET", "/notification_providers"),
  );
  const [failures, reloadFailures] = useLoad("failures", () => api<Page<Failure>>("GET", "/notifications/failures"));
  const [kind, setKind] = useState("webhook");
  const [target, setTarget] = useState("");
  const [name, setName] = useState("");
  const action = useAction();
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api(
        "POST",
        "/notification_providers",
        kind === "slack"
          ? { provider: kind, webhook: target, channel: name }
          : { provider: kind, url: target, ...(name ? { name } : {}) },
      );
      setTarget("");
      reloadProviders();
      return `Added the ${kind} provider.`;
    });
  };
  const retry = (f: Failure) =>
    void action.run(async () => {
      await api("POST", `/notifications/${f.id}/retry`, {});
      reloadFailures();
      return `Queued ${f.subject} again.`;
    });
  return (
    <>
      <h1>Notifications</h1>
      <Outcome error={action.error} done={action.done} />
      <section aria-labelledby="providers-heading">
        <h2 id="providers-heading">Providers</h2>
        <Loaded load={providers} what="providers">
          {({ data }) =>
            data.length === 0 ? (
              <Empty>No provider.</Empty>
            ) : (
              <ul>
                {data.map((p) => (
                  <li key={p.id}>
                    <strong>{p.provider}</strong> {p.name}{" "}
                    <span className="muted">
                      {Object.entries(p.config)
                        .map(([k, v]) => `${k}: ${String(v)}`)
                        .join(", ")}
                    </span>
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
        <form className="inline" onSubmit={add} aria-label="Add a provider">
          <label>
            Kind of provider
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="webhook">webhook</option>
              <option value="slack">slack</option>
            </select>
          </label>
          <label>
            {kind === "slack" ? "Slack webhook URL" : "Webhook URL"}
            <input type="url" value={target} onChange={(e) => setTarget(e.target.value)} required />
          </label>
          <label>
            {kind === "slack" ? "Slack channel" : "Name (rules say webhook:<name>)"}
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required={kind === "slack"}
              placeholder={kind === "slack" ? "#code-reviews" : "default"}
            />
          </label>
          <button type="submit" disabled={action.busy}>
            Add provider
          </button>
        </form>
        <p className="muted">E-mail (SMTP) providers: clerk notify provider add --provider email.</p>
      </section>
      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">Undelivered messages</h2>
        <Loaded load={failures} what="undelivered messages">
          {({ data }) =>
            data.length === 0 ? (
              <Empty>Every message was delivered.</Empty>
            ) : (
              <table>
                <caption className="visually-hidden">Undelivered messages</caption>
                <thead>
                  <tr>
                    <th scope="col">Message</th>
                    <th scope="col">To</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((f) => (
                    <tr key={f.id}>
                      <td>
                        {f.subject}
                        {f.created_at ? <span className="muted"> · {when(f.created_at)}</span> : null}
                      </td>
                      <td>
                        {f.kind}: {f.recipient}
                      </td>
                      <td>{f.attempts}</td>
                      <td>{f.last_error ?? ""}</td>
                      <td>
                        <button type="button" onClick={() => retry(f)} aria-label={`Retry ${f.subject}`}>
                          Retry
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
    </>
  );
}
