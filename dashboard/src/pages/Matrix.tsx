// The permission matrix of an organization: its roles × the permissions they hold, own cells toggled through the
// API (a refusal is shown in its words), inherited cells marked with the role they come from, scopes and expiry
// visible. Below, "who can": the members allowed a permission (on a resource), each with the engine's path, and a
// full explanation for one member.
import { type FormEvent, useState } from "react";
import { type Page, type Role, api, qs } from "../api.js";
import { Link, navigate } from "../router.js";
import { Empty, Loaded, Outcome, expiry, useAction, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

type Cell = Role["effective_grants"][number];

export function Matrix({ slug, query }: { slug: string; query: URLSearchParams }) {
  const org = encodeURIComponent(slug);
  const [load, reload] = useLoad(`matrix:${slug}`, () => api<Page<Role>>("GET", `/organizations/${org}/roles`));
  const [extra, setExtra] = useState("");
  const [columns, setColumns] = useState<string[]>([]);
  const action = useAction();

  const toggle = (role: Role, permission: string, own: boolean) =>
    void action.run(async () => {
      const path = `/organizations/${org}/roles/${encodeURIComponent(role.key)}/grants/${encodeURIComponent(permission)}`;
      if (own) await api("DELETE", path);
      else await api("PUT", path, {});
      reload();
      return own ? `Took ${permission} away from ${role.name}.` : `Granted ${permission} to ${role.name}.`;
    });

  return (
    <>
      <OrgNav slug={slug} name={slug} here="Permission matrix" />
      <h1>Permission matrix</h1>
      <p className="muted">
        A ticked box is the role's own grant (untick to take it away); <span className="tag">inherited</span> cells name
        the role it comes from.
      </p>
      <Loaded load={load} what="the roles">
        {({ data }) => {
          const permissions = [
            ...new Set([...data.flatMap((r) => r.effective_grants.map((g) => g.permission)), ...columns]),
          ].sort();
          if (data.length === 0) return <Empty>No roles.</Empty>;
          return (
            <>
              <div className="scroll">
                <table className="matrix">
                  <caption className="visually-hidden">Roles and the permissions they hold</caption>
                  <thead>
                    <tr>
                      <th scope="col">Role</th>
                      {permissions.map((p) => (
                        <th scope="col" key={p}>
                          <code>{p}</code>
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((r) => (
                      <tr key={r.key}>
                        <th scope="row">
                          <Link to={`/orgs/${org}/roles/${encodeURIComponent(r.key)}`}>{r.name}</Link>
                        </th>
                        {permissions.map((p) => {
                          const cells = r.effective_grants.filter((g) => g.permission === p);
                          const own = cells.find((g) => !g.inherited);
                          const inherited = cells.filter((g) => g.inherited);
                          return (
                            <td key={p} className={own ? "own" : inherited.length ? "inherited" : undefined}>
                              <label className="cell">
                                <input
                                  type="checkbox"
                                  checked={own !== undefined}
                                  disabled={action.busy}
                                  onChange={() => toggle(r, p, own !== undefined)}
                                  aria-label={`${r.name} holds ${p}`}
                                />
                                {own ? <Detail g={own} /> : null}
                              </label>
                              {inherited.map((g) => (
                                <span className="via" key={g.from_role}>
                                  inherited from {g.from_role_name}
                                  <Detail g={g} />
                                </span>
                              ))}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <form
                className="inline"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (extra.trim()) setColumns([...columns, extra.trim()]);
                  setExtra("");
                }}
              >
                <label>
                  Show another permission{" "}
                  <input value={extra} onChange={(e) => setExtra(e.target.value)} placeholder="org:deploy:run" />
                </label>
                <button type="submit" className="secondary">
                  Add column
                </button>
              </form>
              <Outcome error={action.error} done={action.done} />
            </>
          );
        }}
      </Loaded>
      <WhoCan slug={slug} query={query} />
    </>
  );
}

function Detail({ g }: { g: Cell }) {
  return (
    <span className="detail">
      {g.scopes.length ? ` on ${g.scopes.join(", ")}` : ""}
      {g.expires_at !== null ? `, ${expiry(g.expires_at)}` : ""}
    </span>
  );
}

interface Check {
  allowed: boolean;
  reason: string;
  path?: { kind: string; id: string; label: string }[];
  nearest_miss?: string | null;
}

function WhoCan({ slug, query }: { slug: string; query: URLSearchParams }) {
  const org = encodeURIComponent(slug);
  const permission = query.get("permission") ?? "";
  const resource = query.get("resource") ?? "";
  const user = query.get("user") ?? "";
  const [draft, setDraft] = useState({ permission, resource, user });
  const [load] = useLoad(`who:${slug}:${permission}:${resource}:${user}`, async () => {
    if (!permission) return null;
    const who = await api<{ data: { user_id: string; identifier: string; reason: string }[] }>(
      "GET",
      `/organizations/${org}/who_can${qs({ permission, resource })}`,
    );
    const check = user
      ? await api<Check>("POST", "/check", {
          organization_id: slug,
          user_id: user,
          permission,
          ...(resource ? { resource } : {}),
          explain: true,
        })
      : null;
    return { who: who.data, check };
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/orgs/${org}/matrix${qs(draft)}`, true);
  };
  return (
    <section aria-labelledby="who-heading">
      <h2 id="who-heading">Who can</h2>
      <form className="filters" onSubmit={submit} aria-label="Who can">
        <label>
          Permission
          <input
            value={draft.permission}
            onChange={(e) => setDraft({ ...draft, permission: e.target.value })}
            required
            placeholder="org:code:read"
          />
        </label>
        <label>
          Resource (optional)
          <input
            value={draft.resource}
            onChange={(e) => setDraft({ ...draft, resource: e.target.value })}
            placeholder="repository:frontend-app"
          />
        </label>
        <label>
          Explain for (optional)
          <input
            value={draft.user}
            onChange={(e) => setDraft({ ...draft, user: e.target.value })}
            placeholder="alice@acme.com"
          />
        </label>
        <button type="submit">Ask</button>
      </form>
      <Loaded load={load} what="who can">
        {(answer) =>
          answer === null ? null : (
            <>
              {answer.who.length === 0 ? (
                <Empty>Nobody may.</Empty>
              ) : (
                <ul aria-label="Members who may">
                  {answer.who.map((w) => (
                    <li key={w.user_id}>
                      <Link to={`/orgs/${org}/members/${encodeURIComponent(w.identifier)}`}>{w.identifier}</Link>:{" "}
                      <span className="muted">{w.reason}</span>
                    </li>
                  ))}
                </ul>
              )}
              {answer.check ? (
                <div className={answer.check.allowed ? "card ok-card" : "card"} aria-label="Explanation">
                  <p>
                    <strong>{answer.check.reason}</strong>
                  </p>
                  {answer.check.path?.length ? (
                    <ol className="path">
                      {answer.check.path.map((s, i) => (
                        <li key={i}>
                          {s.kind.replace("_", " ")}: {s.label}
                        </li>
                      ))}
                    </ol>
                  ) : null}
                  {answer.check.nearest_miss ? <p>Nearest miss: {answer.check.nearest_miss}</p> : null}
                </div>
              ) : null}
            </>
          )
        }
      </Loaded>
    </section>
  );
}
