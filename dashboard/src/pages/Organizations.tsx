// The organization tree: every organization the signed-in user may see, nested, each a link to its page.
import { type FormEvent, useState } from "react";
import { type Organization, type Page, api } from "../api.js";
import { Link, navigate } from "../router.js";
import { Empty, ErrorMessage, Loaded, useLoad } from "../ui.js";

export function Organizations({ admin }: { admin: boolean }) {
  const [load] = useLoad("tree", () => api<Page<Organization> | Organization[]>("GET", "/organization_tree"));
  return (
    <>
      <h1>Organizations</h1>
      {admin ? <CreateOrganization /> : null}
      <Loaded load={load} what="organizations">
        {(answer) => {
          const orgs = Array.isArray(answer) ? answer : answer.data;
          if (orgs.length === 0) return <Empty>No organizations yet.</Empty>;
          return <Tree orgs={orgs} parent={null} />;
        }}
      </Loaded>
    </>
  );
}

function Tree({ orgs, parent }: { orgs: Organization[]; parent: string | null }) {
  const ids = new Set(orgs.map((o) => o.id));
  // An organization whose parent the user cannot see sits at the top.
  const here = orgs.filter((o) =>
    parent === null ? o.parent_id === null || !ids.has(o.parent_id) : o.parent_id === parent,
  );
  if (here.length === 0) return null;
  return (
    <ul className={parent === null ? "tree" : undefined}>
      {here.map((o) => (
        <li key={o.id}>
          <Link to={`/orgs/${encodeURIComponent(o.slug)}`}>{o.name}</Link> <span className="muted">{o.slug}</span>
          <Tree orgs={orgs} parent={o.id} />
        </li>
      ))}
    </ul>
  );
}

function CreateOrganization() {
  const [name, setName] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const org = await api<Organization>("POST", "/organizations", { name });
      navigate(`/orgs/${encodeURIComponent(org.slug)}`);
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form className="inline" onSubmit={submit}>
      <label>
        New organization <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <button type="submit">Create</button>
      {error ? <ErrorMessage error={error} /> : null}
    </form>
  );
}
