// A member of an organization: their roles (changed here), their direct grants with scopes and expiry (granted and
// revoked here), and every permission they end up with, each with where it comes from.
import { type FormEvent, useState } from "react";
import { type Grant, type Membership, type Page, type Role, api } from "../api.js";
import { Link } from "../router.js";
import { Empty, Loaded, Outcome, dateValue, expiry, splitList, useAction, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

interface Effective {
  permission: string;
  scopes: string[];
  expires_at: number | null;
  sources: string[];
}

/** The membership of `user` in the organization: from the user's memberships, else from the organization's list. */
async function membershipOf(slug: string, user: string): Promise<Membership> {
  const org = encodeURIComponent(slug);
  const matches = (m: Membership) => m.public_user_data.user_id === user || m.public_user_data.identifier === user;
  try {
    const mine = await api<Page<Membership & { organization: { id: string; slug: string } }>>(
      "GET",
      `/users/${encodeURIComponent(user)}/organization_memberships?limit=500`,
    );
    const found = mine.data.find((m) => m.organization.slug === slug || m.organization.id === slug);
    if (found) return found;
  } catch {
    // Only the user and instance admins read a user's memberships; a manager reads the organization's list.
  }
  const all = await api<Page<Membership>>("GET", `/organizations/${org}/memberships?limit=500`);
  const found = all.data.find(matches);
  if (!found) throw new Error(`${user} is not a member of ${slug}.`);
  return found;
}

export function MemberPage({ slug, user }: { slug: string; user: string }) {
  const [load, reload] = useLoad(`member:${slug}:${user}`, async () => {
    const org = encodeURIComponent(slug);
    const who = encodeURIComponent(user);
    const [membership, roles, grants, permissions] = await Promise.all([
      membershipOf(slug, user),
      api<Page<Role>>("GET", `/organizations/${org}/roles`),
      api<Page<Grant>>("GET", `/organizations/${org}/memberships/${who}/grants`),
      api<Page<Effective>>("GET", `/organizations/${org}/memberships/${who}/permissions`),
    ]);
    return { membership, roles: roles.data, grants: grants.data, permissions: permissions.data };
  });
  return (
    <Loaded load={load} what="the member">
      {(m) => (
        <>
          <OrgNav slug={slug} name={slug} here={m.membership.public_user_data.identifier} />
          <h1>{m.membership.public_user_data.identifier}</h1>
          <Roles slug={slug} membership={m.membership} roles={m.roles} onSaved={reload} />
          <Grants slug={slug} user={m.membership.public_user_data.user_id} grants={m.grants} onSaved={reload} />
          <section aria-labelledby="effective-heading">
            <h2 id="effective-heading">Everything they may do</h2>
            {m.permissions.length === 0 ? (
              <Empty>No permission.</Empty>
            ) : (
              <table>
                <caption className="visually-hidden">Effective permissions</caption>
                <thead>
                  <tr>
                    <th scope="col">Permission</th>
                    <th scope="col">From</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {m.permissions.map((p) => (
                    <tr key={p.permission}>
                      <td>
                        <code>{p.permission}</code>
                      </td>
                      <td>{p.sources.join("; ")}</td>
                      <td>{p.scopes.length ? p.scopes.join(", ") : "everywhere"}</td>
                      <td>{expiry(p.expires_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </Loaded>
  );
}

function Roles(props: { slug: string; membership: Membership; roles: Role[]; onSaved: () => void }) {
  const held = props.membership.roles ?? [props.membership.role];
  const [chosen, setChosen] = useState<string[]>(held.filter(Boolean));
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api(
        "PATCH",
        `/organizations/${encodeURIComponent(props.slug)}/memberships/${props.membership.public_user_data.user_id}`,
        { role: chosen.join(",") },
      );
      props.onSaved();
      return "Roles saved.";
    });
  };
  return (
    <section aria-labelledby="roles-heading">
      <h2 id="roles-heading">Roles</h2>
      <form onSubmit={submit} aria-label="Change roles">
        <fieldset>
          <legend>Roles held</legend>
          <div className="checks">
            {props.roles.map((r) => (
              <label key={r.key}>
                <input
                  type="checkbox"
                  checked={chosen.includes(r.key)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, r.key] : chosen.filter((k) => k !== r.key))}
                />
                {r.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            Save roles
          </button>
        </div>
        <Outcome error={action.error} done={action.done} />
      </form>
    </section>
  );
}

function Grants(props: { slug: string; user: string; grants: Grant[]; onSaved: () => void }) {
  const [draft, setDraft] = useState({ permission: "", scopes: "", expires: "" });
  const action = useAction();
  const base = `/organizations/${encodeURIComponent(props.slug)}/memberships/${props.user}/grants`;
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api("POST", base, {
        permission: draft.permission,
        scopes: splitList(draft.scopes),
        expires_at: draft.expires || null,
      });
      setDraft({ permission: "", scopes: "", expires: "" });
      props.onSaved();
      return `Granted ${draft.permission}.`;
    });
  };
  const revoke = (permission: string) =>
    void action.run(async () => {
      await api("DELETE", `${base}/${encodeURIComponent(permission)}`);
      props.onSaved();
      return `Revoked ${permission}.`;
    });
  return (
    <section aria-labelledby="grants-heading">
      <h2 id="grants-heading">Direct grants</h2>
      {props.grants.length === 0 ? (
        <Empty>No direct grant: everything comes from roles.</Empty>
      ) : (
        <table>
          <caption className="visually-hidden">Direct grants</caption>
          <thead>
            <tr>
              <th scope="col">Permission</th>
              <th scope="col">Scopes</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.grants.map((g) => (
              <tr key={g.permission}>
                <td>
                  <code>{g.permission}</code>
                </td>
                <td>{g.scopes.length ? g.scopes.join(", ") : "everywhere"}</td>
                <td>{expiry(g.expires_at)}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Revoke ${g.permission}`}
                    onClick={() => revoke(g.permission)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline" onSubmit={add} aria-label="Grant a permission">
        <label>
          Grant permission
          <input
            value={draft.permission}
            onChange={(e) => setDraft({ ...draft, permission: e.target.value })}
            required
            placeholder="org:deploy:run"
          />
        </label>
        <label>
          Scopes
          <input
            value={draft.scopes}
            onChange={(e) => setDraft({ ...draft, scopes: e.target.value })}
            placeholder="everywhere"
          />
        </label>
        <label>
          Until
          <input
            type="date"
            value={draft.expires}
            min={dateValue(Date.now())}
            onChange={(e) => setDraft({ ...draft, expires: e.target.value })}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          Grant
        </button>
      </form>
      <Outcome error={action.error} done={action.done} />
      <p>
        <Link to={`/orgs/${encodeURIComponent(props.slug)}/matrix`}>See the roles' permissions</Link>
      </p>
    </section>
  );
}
