// API keys (created with their secret shown this once, revoked) and the signing keys that sign session tokens
// (published in the JWKS; rotated after confirmation).
import { type FormEvent, useState } from "react";
import { type Page, api } from "../api.js";
import { Empty, Loaded, Outcome, useAction, useLoad, when } from "../ui.js";

interface ApiKey {
  id: string;
  name: string;
  kind: "instance" | "agent";
  user_id: string | null;
  key: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function Keys() {
  const [load, reload] = useLoad("api-keys", () => api<Page<ApiKey>>("GET", "/api_keys?limit=100"));
  const [name, setName] = useState("");
  const [user, setUser] = useState("");
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const action = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const k = await api<ApiKey & { secret: string }>("POST", "/api_keys", {
        name,
        ...(user ? { user_id: user } : {}),
      });
      setSecret({ name: k.name, secret: k.secret });
      setName("");
      setUser("");
      reload();
    });
  };
  const revoke = (k: ApiKey) => {
    if (!window.confirm(`Revoke ${k.name} (${k.key})? It stops working at once.`)) return;
    void action.run(async () => {
      await api("POST", `/api_keys/${k.id}/revoke`, {});
      reload();
      return `Revoked ${k.name}.`;
    });
  };
  return (
    <>
      <h1>Keys</h1>
      <section aria-labelledby="api-keys-heading">
        <h2 id="api-keys-heading">API keys</h2>
        <form className="inline" onSubmit={create} aria-label="Create an API key">
          <label>
            Key name <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            For member (agent key; empty: instance key)
            <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="alice@acme.com" />
          </label>
          <button type="submit" disabled={action.busy}>
            Create key
          </button>
        </form>
        {secret ? (
          <div className="card secret" role="status">
            <p>
              <strong>The secret of {secret.name}, shown this once:</strong> copy it now.
            </p>
            <code aria-label="Secret">{secret.secret}</code>
          </div>
        ) : null}
        <Outcome error={action.error} done={action.done} />
        <Loaded load={load} what="API keys">
          {({ data }) =>
            data.length === 0 ? (
              <Empty>No API key.</Empty>
            ) : (
              <table>
                <caption className="visually-hidden">API keys</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Key</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((k) => (
                    <tr key={k.id}>
                      <td>{k.name}</td>
                      <td>
                        <code>{k.key}</code>
                      </td>
                      <td>
                        {k.kind}
                        {k.user_id ? ` (${k.user_id})` : ""}
                      </td>
                      <td>{k.last_used_at ? when(k.last_used_at) : "never"}</td>
                      <td>
                        {k.revoked_at ? (
                          `revoked ${when(k.revoked_at)}`
                        ) : (
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Revoke ${k.name}`}
                            onClick={() => revoke(k)}
                          >
                            Revoke
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
      <SigningKeys />
    </>
  );
}

function SigningKeys() {
  const [load, reload] = useLoad("jwks", () =>
    api<{ keys: { kid: string; alg: string; kty: string }[] }>("GET", "/jwks"),
  );
  const action = useAction();
  const rotate = () => {
    if (!window.confirm("Publish a new signing key now and sign with it in 10 minutes?")) return;
    void action.run(async () => {
      const r = await api<{ current: { kid: string }; next?: { kid: string } | null }>(
        "POST",
        "/signing_keys/rotate",
        {},
      );
      reload();
      return `Rotation started; tokens are signed by ${r.current.kid} until the new key takes over.`;
    });
  };
  return (
    <section aria-labelledby="signing-heading">
      <h2 id="signing-heading">Signing keys</h2>
      <p className="muted">Published at /.well-known/jwks.json; apps verify session tokens with them.</p>
      <Loaded load={load} what="signing keys">
        {({ keys }) => (
          <ul>
            {keys.map((k) => (
              <li key={k.kid}>
                <code>{k.kid}</code> {k.alg} ({k.kty})
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <button type="button" className="secondary" onClick={rotate} disabled={action.busy}>
        Rotate the signing key
      </button>
      <Outcome error={action.error} done={action.done} />
    </section>
  );
}
