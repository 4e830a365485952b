// An organization's settings: name and description, member limit, moving it under another parent, creating a child,
// its domains (added, proven by DNS or marked verified, each with its status) and its SSO connections.
import { type FormEvent, useState } from "react";
import { type Organization, type Page, api } from "../api.js";
import { Link, navigate } from "../router.js";
import { Empty, Loaded, Outcome, useAction, useLoad, when } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

interface OrgInfo extends Organization {
  description: string | null;
  max_allowed_memberships: number;
  members_count: number;
  parent: { id: string; slug: string; name: string } | null;
  children: { id: string; slug: string; name: string }[];
}

export function OrgSettings({ slug }: { slug: string }) {
  const [load, reload] = useLoad(`settings:${slug}`, async () => {
    const [info, tree] = await Promise.all([
      api<OrgInfo>("GET", `/organizations/${encodeURIComponent(slug)}/info`),
      api<Page<Organization>>("GET", "/organization_tree"),
    ]);
    return { info, tree: tree.data };
  });
  return (
    <Loaded load={load} what="the settings">
      {({ info, tree }) => (
        <>
          <OrgNav slug={info.slug} name={info.name} here="Settings" />
          <h1>Settings of {info.name}</h1>
          <General info={info} onSaved={reload} />
          <Move info={info} tree={tree} />
          <Child info={info} />
          <Domains org={info} />
          <Connections org={info} />
        </>
      )}
    </Loaded>
  );
}

function General({ info, onSaved }: { info: OrgInfo; onSaved: () => void }) {
  const [name, setName] = useState(info.name);
  const [description, setDescription] = useState(info.description ?? "");
  const [limit, setLimit] = useState(String(info.max_allowed_memberships));
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api("PATCH", `/organizations/${info.id}`, {
        name,
        description: description || null,
        max_allowed_memberships: Number(limit),
      });
      onSaved();
      return "Saved.";
    });
  };
  return (
    <section aria-labelledby="general-heading">
      <h2 id="general-heading">General</h2>
      <form className="stack" onSubmit={submit} aria-label="General settings">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Description <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          Member limit (0: none)
          <input type="number" min={0} value={limit} onChange={(e) => setLimit(e.target.value)} />
        </label>
        <p className="muted">
          {info.members_count} members · slug <code>{info.slug}</code>
        </p>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            Save
          </button>
        </div>
        <Outcome error={action.error} done={action.done} />
      </form>
    </section>
  );
}

function Move({ info, tree }: { info: OrgInfo; tree: Organization[] }) {
  const [parent, setParent] = useState(info.parent_id ?? "");
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api("PATCH", `/organizations/${info.id}`, { parent_id: parent || null });
      return parent ? `Moved under ${tree.find((o) => o.id === parent)?.name ?? parent}.` : "Moved to the top level.";
    });
  };
  return (
    <section aria-labelledby="move-heading">
      <h2 id="move-heading">Place in the tree</h2>
      <form className="inline" onSubmit={submit} aria-label="Move the organization">
        <label>
          Parent
          <select value={parent} onChange={(e) => setParent(e.target.value)}>
            <option value="">(none: top level)</option>
            {tree
              .filter((o) => o.id !== info.id)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {"\u00a0\u00a0".repeat(o.depth ?? 0)}
                  {o.name}
                </option>
              ))}
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Move
        </button>
      </form>
      <Outcome error={action.error} done={action.done} />
      {info.children.length ? (
        <p>
          Children:{" "}
          {info.children.map((c, i) => (
            <span key={c.id}>
              {i ? ", " : ""}
              <Link to={`/orgs/${encodeURIComponent(c.slug)}`}>{c.name}</Link>
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}

function Child({ info }: { info: OrgInfo }) {
  const [name, setName] = useState("");
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const child = await api<Organization>("POST", "/organizations", { name, parent_id: info.id });
      navigate(`/orgs/${encodeURIComponent(child.slug)}`);
    });
  };
  return (
    <section aria-labelledby="child-heading">
      <h2 id="child-heading">New child organization</h2>
      <form className="inline" onSubmit={submit} aria-label="Create a child organization">
        <label>
          Name of the child <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" disabled={action.busy}>
          Create child
        </button>
      </form>
      <Outcome error={action.error} done={action.done} />
    </section>
  );
}

interface Domain {
  id: string;
  name: string;
  enrollment_mode: string;
  verification: { status: string; strategy: string; verified_at: number | null } | null;
}

const MODES = ["manual_invitation", "automatic_invitation", "automatic_suggestion", "enterprise_sso"];

function Domains({ org }: { org: OrgInfo }) {
  const base = `/organizations/${org.id}/domains`;
  const [load, reload] = useLoad(`domains:${org.id}`, () => api<Page<Domain>>("GET", `${base}?limit=100`));
  const [name, setName] = useState("");
  const [mode, setMode] = useState("manual_invitation");
  const [record, setRecord] = useState<{ name: string; value: string } | null>(null);
  const action = useAction();
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api("POST", base, { name, enrollment_mode: mode, verified: false });
      setName("");
      reload();
      return `Added ${name}; prove it below.`;
    });
  };
  const prove = (d: Domain) =>
    void action.run(async () => {
      const v = await api<{ dns_record: { name: string; value: string } | null }>(
        "POST",
        `${base}/${d.id}/verification`,
        { strategy: "dns_record" },
      );
      setRecord(v.dns_record);
      return `Publish this TXT record for ${d.name}, then check it.`;
    });
  const attempt = (d: Domain) =>
    void action.run(async () => {
      await api("POST", `${base}/${d.id}/verification/attempt`, {});
      reload();
      return `${d.name} is verified.`;
    });
  const markVerified = (d: Domain) =>
    void action.run(async () => {
      if (!window.confirm(`Mark ${d.name} verified without a proof?`)) return "Nothing changed.";
      await api("POST", `${base}/${d.id}/verify_ownership`, {});
      reload();
      return `${d.name} is marked verified.`;
    });
  return (
    <section aria-labelledby="domains-heading">
      <h2 id="domains-heading">Domains</h2>
      <Loaded load={load} what="domains">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No domain.</Empty>
          ) : (
            <table>
              <caption className="visually-hidden">Domains</caption>
              <thead>
                <tr>
                  <th scope="col">Domain</th>
                  <th scope="col">Enrollment</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((d) => {
                  const verified = d.verification?.status === "verified";
                  return (
                    <tr key={d.id}>
                      <td>{d.name}</td>
                      <td>{d.enrollment_mode.replace(/_/g, " ")}</td>
                      <td>
                        {verified
                          ? `verified (${d.verification?.strategy}) ${when(d.verification?.verified_at ?? null)}`
                          : "unverified"}
                      </td>
                      <td>
                        {verified ? null : (
                          <div className="actions">
                            <button type="button" className="secondary" onClick={() => prove(d)}>
                              Prove by DNS
                            </button>
                            <button type="button" className="secondary" onClick={() => attempt(d)}>
                              Check the record
                            </button>
                            <button type="button" className="secondary" onClick={() => markVerified(d)}>
                              Mark verified
                            </button>
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {record ? (
        <p>
          TXT record <code>{record.name}</code> with the value <code>{record.value}</code>
        </p>
      ) : null}
      <form className="inline" onSubmit={add} aria-label="Add a domain">
        <label>
          Add domain <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="acme.com" />
        </label>
        <label>
          Enrollment
          <select value={mode} onChange={(e) => setMode(e.target.value)}>
            {MODES.map((m) => (
              <option key={m} value={m}>
                {m.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Add
        </button>
      </form>
      <Outcome error={action.error} done={action.done} />
    </section>
  );
}

interface Connection {
  id: string;
  name: string;
  provider: string;
  active: boolean;
  domains: string[];
}

function Connections({ org }: { org: OrgInfo }) {
  const [load] = useLoad(`sso:${org.id}`, () =>
    api<Page<Connection>>("GET", `/enterprise_connections?organization_id=${org.id}&limit=100`),
  );
  return (
    <section aria-labelledby="sso-heading">
      <h2 id="sso-heading">SSO connections</h2>
      <Loaded load={load} what="SSO connections">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No SSO connection (add one with clerk sso add).</Empty>
          ) : (
            <ul>
              {data.map((c) => (
                <li key={c.id}>
                  <Link to={`/sso/${c.id}`}>{c.name}</Link>{" "}
                  <span className="muted">
                    {c.provider} · {c.active ? "active" : "inactive"} · {c.domains.join(", ")}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
