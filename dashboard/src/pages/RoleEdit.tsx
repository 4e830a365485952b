// Creates or edits a role: name, description, the roles it extends, and its own permissions with scopes and expiry.
// A refusal about a field (an inheritance cycle is about `extends`) is shown beside that field.
import { type FormEvent, useState } from "react";
import { type Page, type Role, api } from "../api.js";
import { Link, navigate } from "../router.js";
import { Loaded, Outcome, dateValue, fieldError, splitList, useAction, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

interface Row {
  permission: string;
  scopes: string;
  expires: string;
}

export function RoleEdit({ slug, role }: { slug: string; role: string | null }) {
  const org = encodeURIComponent(slug);
  const [load] = useLoad(`role-edit:${slug}:${role ?? ""}`, async () => {
    const roles = await api<Page<Role>>("GET", `/organizations/${org}/roles`);
    const current =
      role === null ? null : await api<Role>("GET", `/organizations/${org}/roles/${encodeURIComponent(role)}`);
    return { roles: roles.data, current };
  });
  return (
    <Loaded load={load} what="the role">
      {({ roles, current }) => <RoleForm slug={slug} roles={roles} current={current} />}
    </Loaded>
  );
}

function RoleForm({ slug, roles, current }: { slug: string; roles: Role[]; current: Role | null }) {
  const org = encodeURIComponent(slug);
  const [name, setName] = useState(current?.name ?? "");
  const [description, setDescription] = useState(current?.description ?? "");
  const [parents, setParents] = useState<string[]>(current?.extends ?? []);
  const own: Row[] = (current?.grants ?? []).map((g) => ({
    permission: g.permission,
    scopes: g.scopes.join(", "),
    expires: dateValue(g.expires_at),
  }));
  const [rows, setRows] = useState<Row[]>(own.length ? own : [{ permission: "", scopes: "", expires: "" }]);
  const action = useAction();
  const title = current ? `Edit ${current.name}` : "New role";

  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const wanted = rows.filter((r) => r.permission.trim());
      let saved: Role;
      if (current === null) {
        saved = await api<Role>("POST", `/organizations/${org}/roles`, {
          name,
          ...(description ? { description } : {}),
          extends: parents,
          permissions: wanted.map((r) => r.permission.trim()),
        });
      } else {
        const keep = new Set(wanted.map((r) => r.permission.trim()));
        const removed = current.grants.map((g) => g.permission).filter((p) => !keep.has(p));
        saved = await api<Role>("PATCH", `/organizations/${org}/roles/${encodeURIComponent(current.key)}`, {
          name,
          description,
          extends: parents,
          ...(removed.length ? { remove_permissions: removed } : {}),
        });
      }
      // Scopes and expiry go grant by grant; a grant that did not change is left alone.
      for (const r of wanted) {
        const before = own.find((o) => o.permission === r.permission.trim());
        const plain = !r.scopes.trim() && !r.expires;
        if (before ? before.scopes === r.scopes && before.expires === r.expires : plain && current === null) continue;
        await api(
          "PUT",
          `/organizations/${org}/roles/${encodeURIComponent(saved.key)}/grants/${encodeURIComponent(r.permission.trim())}`,
          {
            scopes: splitList(r.scopes),
            expires_at: r.expires || null,
          },
        );
      }
      navigate(`/orgs/${org}/roles/${encodeURIComponent(saved.key)}`);
    });
  };
  const cycle = fieldError(action.error, "extends");
  const nameError = fieldError(action.error, "name");
  const others = roles.filter((r) => r.key !== current?.key);
  return (
    <>
      <OrgNav slug={slug} name={slug} here={title} />
      <h1>{title}</h1>
      <form className="stack" onSubmit={submit} aria-label={title}>
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? "name-error" : undefined}
          />
        </label>
        {nameError ? (
          <p id="name-error" className="field-error">
            {nameError}
          </p>
        ) : null}
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <fieldset aria-describedby={cycle ? "extends-error" : undefined}>
          <legend>Extends (holds these roles' permissions too)</legend>
          {others.length === 0 ? <p className="muted">No other role to extend.</p> : null}
          <div className="checks">
            {others.map((r) => (
              <label key={r.key}>
                <input
                  type="checkbox"
                  checked={parents.includes(r.key)}
                  onChange={(e) =>
                    setParents(e.target.checked ? [...parents, r.key] : parents.filter((k) => k !== r.key))
                  }
                />
                {r.name}
              </label>
            ))}
          </div>
          {cycle ? (
            <p id="extends-error" className="field-error" role="alert">
              {cycle}
            </p>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>Own permissions</legend>
          <table>
            <caption className="visually-hidden">Own permissions with scopes and expiry</caption>
            <thead>
              <tr>
                <th scope="col">Permission</th>
                <th scope="col">Scopes (empty: everywhere)</th>
                <th scope="col">Expires (empty: never)</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    <input
                      aria-label={`Permission ${i + 1}`}
                      value={r.permission}
                      placeholder="org:code:read"
                      onChange={(e) => setRow(i, { permission: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Scopes of permission ${i + 1}`}
                      value={r.scopes}
                      placeholder="repository:*-app"
                      onChange={(e) => setRow(i, { scopes: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="date"
                      aria-label={`Expiry of permission ${i + 1}`}
                      value={r.expires}
                      onChange={(e) => setRow(i, { expires: e.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Remove permission ${i + 1}`}
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="secondary"
            onClick={() => setRows([...rows, { permission: "", scopes: "", expires: "" }])}
          >
            Add a permission
          </button>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            {current ? "Save" : "Create role"}
          </button>
          <Link to={current ? `/orgs/${org}/roles/${encodeURIComponent(current.key)}` : `/orgs/${org}`}>Cancel</Link>
        </div>
        {cycle || nameError ? null : <Outcome error={action.error} done={action.done} />}
      </form>
    </>
  );
}
