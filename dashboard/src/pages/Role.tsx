// A role's page: its parents, its own permissions and those it inherits, each marked with the role it comes from.
import { type Role, api } from "../api.js";
import { Link } from "../router.js";
import { Empty, Loaded, expiry, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

export function RolePage({ slug, role }: { slug: string; role: string }) {
  const [load] = useLoad(`role:${slug}:${role}`, () =>
    api<Role>("GET", `/organizations/${encodeURIComponent(slug)}/roles/${encodeURIComponent(role)}`),
  );
  const orgPath = `/orgs/${encodeURIComponent(slug)}`;
  return (
    <Loaded load={load} what="the role">
      {(r) => (
        <>
          <OrgNav slug={slug} name={slug} here={r.name} />
          <h1>
            {r.name} <span className="muted">{r.key}</span>
          </h1>
          <p>
            <Link to={`${orgPath}/roles/${encodeURIComponent(r.key)}/edit`}>Edit this role</Link>
          </p>
          {r.description ? <p>{r.description}</p> : null}
          <p>
            {r.extends.length === 0
              ? "Extends no other role."
              : r.extends.map((key, i) => (
                  <span key={key}>
                    {i === 0 ? "Extends " : ", "}
                    <Link to={`${orgPath}/roles/${encodeURIComponent(key)}`}>{r.extends_names[i] ?? key}</Link>
                  </span>
                ))}
          </p>
          <h2>Permissions</h2>
          {r.effective_grants.length === 0 ? (
            <Empty>This role grants nothing yet.</Empty>
          ) : (
            <table>
              <caption className="visually-hidden">Permissions of {r.name}, own and inherited</caption>
              <thead>
                <tr>
                  <th scope="col">Permission</th>
                  <th scope="col">Source</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {r.effective_grants.map((g) => (
                  <tr key={`${g.permission}:${g.from_role}`} className={g.inherited ? "inherited" : undefined}>
                    <td>
                      <code>{g.permission}</code>
                    </td>
                    <td>
                      {g.inherited ? (
                        <>
                          inherited from{" "}
                          <Link to={`${orgPath}/roles/${encodeURIComponent(g.from_role)}`}>{g.from_role_name}</Link>
                        </>
                      ) : (
                        "own"
                      )}
                    </td>
                    <td>{g.scopes.length ? g.scopes.join(", ") : "everywhere"}</td>
                    <td>{expiry(g.expires_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Loaded>
  );
}
