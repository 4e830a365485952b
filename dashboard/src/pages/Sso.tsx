// One SSO connection: its settings as the API answers them (secrets never included), and what to give the IdP.
import { api } from "../api.js";
import { Link } from "../router.js";
import { Loaded, useLoad, when } from "../ui.js";

type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

function Show({ value, name = "" }: { value: Value; name?: string }) {
  if (value === null) return <span className="muted">none</span>;
  if (Array.isArray(value))
    return <>{value.length ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "none"}</>;
  if (typeof value === "number" && name.endsWith("_at")) return <>{when(value)}</>;
  if (typeof value === "object")
    return (
      <dl className="props">
        {Object.entries(value).map(([k, v]) => (
          <div key={k}>
            <dt>{k.replace(/_/g, " ")}</dt>
            <dd>
              <Show value={v} name={k} />
            </dd>
          </div>
        ))}
      </dl>
    );
  return <>{String(value)}</>;
}

export function SsoPage({ id }: { id: string }) {
  const [load] = useLoad(`sso:${id}`, () =>
    api<{ name: string; organization_id: string | null } & Record<string, Value>>(
      "GET",
      `/enterprise_connections/${encodeURIComponent(id)}`,
    ),
  );
  return (
    <Loaded load={load} what="the connection">
      {(c) => (
        <>
          <p className="crumbs">
            <Link to="/">Organizations</Link>
            {c.organization_id ? (
              <>
                {" "}
                / <Link to={`/orgs/${c.organization_id}/settings`}>settings</Link>
              </>
            ) : null}{" "}
            / {c.name}
          </p>
          <h1>SSO connection {c.name}</h1>
          <Show value={c} />
        </>
      )}
    </Loaded>
  );
}
