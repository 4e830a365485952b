// An organization's page: its members (search, pages that survive a reload, invite, remove) and its roles.
import { type FormEvent, useState } from "react";
import { type Membership, type Organization, type Page, type Role, api, qs } from "../api.js";
import { Link, navigate } from "../router.js";
import { Empty, ErrorMessage, Loaded, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

const PAGE = 20;

export function OrganizationPage({ slug, query }: { slug: string; query: URLSearchParams }) {
  const [org] = useLoad(`org:${slug}`, () => api<Organization>("GET", `/organizations/${encodeURIComponent(slug)}`));
  return (
    <Loaded load={org} what="the organization">
      {(o) => (
        <>
          <OrgNav slug={o.slug} name={o.name} />
          <h1>{o.name}</h1>
          <Members org={o} query={query} />
          <Roles org={o} />
        </>
      )}
    </Loaded>
  );
}

function Members({ org, query }: { org: Organization; query: URLSearchParams }) {
  const search = query.get("q") ?? "";
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const base = `/orgs/${encodeURIComponent(org.slug)}`;
  // The API searches (Clerk's `query`: id, e-mail or name) and pages, so a large organization loads one page.
  const [load, reload] = useLoad(`members:${org.id}:${search}:${page}`, () =>
    api<Page<Membership>>(
      "GET",
      `/organizations/${org.id}/memberships${qs({ query: search || undefined, limit: PAGE, offset: (page - 1) * PAGE })}`,
    ),
  );
  const [notice, setNotice] = useState<Error | null>(null);
  const [invited, setInvited] = useState(0);
  const go = (values: { q?: string; page?: number }) =>
    navigate(`${base}${qs({ q: values.q ?? search, page: (values.page ?? 1) > 1 ? values.page : undefined })}`, true);

  const remove = async (m: Membership) => {
    setNotice(null);
    if (!window.confirm(`Remove ${m.public_user_data.identifier} from ${org.name}?`)) return;
    try {
      await api("DELETE", `/organizations/${org.id}/memberships/${m.public_user_data.user_id}`);
      reload();
    } catch (err) {
      setNotice(err as Error);
    }
  };

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <Invite org={org} onInvited={() => setInvited((n) => n + 1)} />
      <Pending org={org} tick={invited} />
      <form className="inline" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search members <input type="search" defaultValue={search} onChange={(e) => go({ q: e.target.value })} />
        </label>
      </form>
      {notice ? <ErrorMessage error={notice} /> : null}
      <Loaded load={load} what="members">
        {({ data: rows, total_count: total }) => {
          if (total === 0) return <Empty>{search ? `No member matches "${search}".` : "No members yet."}</Empty>;
          const pages = Math.max(1, Math.ceil(total / PAGE));
          return (
            <>
              <table>
                <caption className="visually-hidden">Members of {org.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Roles</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((m) => (
                    <tr key={m.id}>
                      <td>
                        <Link to={`${base}/members/${encodeURIComponent(m.public_user_data.identifier)}`}>
                          {m.public_user_data.identifier}
                        </Link>
                      </td>
                      <td>
                        {(m.roles ?? [m.role]).map((key, i) => (
                          <span key={key}>
                            {i > 0 ? ", " : ""}
                            <Link to={`${base}/roles/${encodeURIComponent(key)}`}>{m.role_names?.[i] ?? key}</Link>
                          </span>
                        ))}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="danger"
                          onClick={() => void remove(m)}
                          aria-label={`Remove ${m.public_user_data.identifier}`}
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="pager" aria-label="Member pages">
                <button type="button" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
                  Previous
                </button>
                <span>
                  Page {page} of {pages} ({total} members)
                </span>
                <button type="button" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
                  Next
                </button>
              </nav>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function Invite({ org, onInvited }: { org: Organization; onInvited: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState<{ ok: string } | { error: Error } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    try {
      await api("POST", `/organizations/${org.id}/invitations`, {
        email_address: email,
        ...(role ? { role } : {}),
      });
      setStatus({ ok: `Invited ${email}.` });
      setEmail("");
      onInvited();
    } catch (err) {
      setStatus({ error: err as Error });
    }
  };
  return (
    <form className="inline" onSubmit={submit} aria-label="Invite a member">
      <label>
        Invite by e-mail <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        Role <input value={role} onChange={(e) => setRole(e.target.value)} placeholder="default role" />
      </label>
      <button type="submit">Invite</button>
      {status && "ok" in status ? (
        <p role="status" className="ok">
          {status.ok}
        </p>
      ) : null}
      {status && "error" in status ? <ErrorMessage error={status.error} /> : null}
    </form>
  );
}

interface Invitation {
  id: string;
  email_address: string;
  role: string;
}

/** The invitations not yet accepted, so an invite shows at once. */
function Pending({ org, tick }: { org: Organization; tick: number }) {
  const [load] = useLoad(`invitations:${org.id}:${tick}`, () =>
    api<Page<Invitation>>("GET", `/organizations/${org.id}/invitations${qs({ status: "pending", limit: 50 })}`),
  );
  // Only those who may manage members may list invitations; for anyone else the line is simply absent.
  if (load.state !== "done") return null;
  const { data, total_count } = load.value;
  if (data.length === 0) return null;
  return (
    <p aria-label="Pending invitations">
      Invited, not yet joined ({total_count}): {data.map((i) => `${i.email_address} (${i.role})`).join(", ")}
    </p>
  );
}

function Roles({ org }: { org: Organization }) {
  const [load] = useLoad(`roles:${org.id}`, () => api<Page<Role> | Role[]>("GET", `/organizations/${org.id}/roles`));
  return (
    <section aria-labelledby="roles-heading">
      <h2 id="roles-heading">Roles</h2>
      <p>
        <Link to={`/orgs/${encodeURIComponent(org.slug)}/roles/new`}>New role</Link>
      </p>
      <Loaded load={load} what="roles">
        {(answer) => {
          const roles = Array.isArray(answer) ? answer : answer.data;
          if (roles.length === 0) return <Empty>No roles.</Empty>;
          return (
            <ul>
              {roles.map((r) => (
                <li key={r.id}>
                  <Link to={`/orgs/${encodeURIComponent(org.slug)}/roles/${encodeURIComponent(r.key)}`}>{r.name}</Link>{" "}
                  <span className="muted">{r.key}</span>
                  {r.extends_names.length ? (
                    <span className="muted"> · extends {r.extends_names.join(", ")}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}
