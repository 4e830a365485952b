// Instance settings: session tokens (lifetime, claims, algorithm, issuer), the creator and default roles, and what
// the store holds.
import { type FormEvent, useState } from "react";
import { api } from "../api.js";
import { Loaded, Outcome, useAction, useLoad } from "../ui.js";

interface TokenSettings {
  claims_version: 1 | 2;
  token_lifetime_seconds: number;
  size_budget: number;
  signing_algorithm: "RS256" | "ES256" | "EdDSA";
  issuer: string;
  session_lifetime_seconds: number;
}

interface RoleDefaults {
  creator_role: string;
  default_role: string;
}

export function Settings() {
  const [load] = useLoad("settings", async () => {
    const [tokens, roles, status] = await Promise.all([
      api<TokenSettings>("GET", "/tokens/settings"),
      api<RoleDefaults>("GET", "/instance/role_defaults"),
      api<Record<string, unknown>>("GET", "/instance/status").catch(() => null),
    ]);
    return { tokens, roles, status };
  });
  return (
    <>
      <h1>Settings</h1>
      <Loaded load={load} what="the settings">
        {({ tokens, roles, status }) => (
          <>
            <Tokens initial={tokens} />
            <Roles initial={roles} />
            {status ? (
              <section aria-labelledby="status-heading">
                <h2 id="status-heading">Store</h2>
                <pre>{JSON.stringify(status, null, 2)}</pre>
              </section>
            ) : null}
          </>
        )}
      </Loaded>
    </>
  );
}

function Tokens({ initial }: { initial: TokenSettings }) {
  const [s, setS] = useState(initial);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const { claims_version, token_lifetime_seconds, size_budget, signing_algorithm, issuer } = s;
      setS(
        await api<TokenSettings>("PATCH", "/tokens/settings", {
          claims_version,
          token_lifetime_seconds,
          size_budget,
          signing_algorithm,
          issuer,
          session_lifetime_seconds: s.session_lifetime_seconds,
        }),
      );
      return "Token settings saved.";
    });
  };
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Session tokens</h2>
      <form className="stack" onSubmit={submit} aria-label="Session token settings">
        <label>
          Token lifetime (seconds)
          <input
            type="number"
            min={1}
            max={86400}
            value={s.token_lifetime_seconds}
            onChange={(e) => setS({ ...s, token_lifetime_seconds: Number(e.target.value) })}
          />
        </label>
        <label>
          Session lifetime (seconds)
          <input
            type="number"
            min={60}
            value={s.session_lifetime_seconds}
            onChange={(e) => setS({ ...s, session_lifetime_seconds: Number(e.target.value) })}
          />
        </label>
        <label>
          Claims version
          <select
            value={s.claims_version}
            onChange={(e) => setS({ ...s, claims_version: Number(e.target.value) as 1 | 2 })}
          >
            <option value={2}>2</option>
            <option value={1}>1</option>
          </select>
        </label>
        <label>
          Signing algorithm
          <select
            value={s.signing_algorithm}
            onChange={(e) => setS({ ...s, signing_algorithm: e.target.value as TokenSettings["signing_algorithm"] })}
          >
            <option>RS256</option>
            <option>ES256</option>
            <option>EdDSA</option>
          </select>
        </label>
        <label>
          Issuer
          <input value={s.issuer} onChange={(e) => setS({ ...s, issuer: e.target.value })} />
        </label>
        <label>
          Size budget (bytes)
          <input
            type="number"
            min={512}
            value={s.size_budget}
            onChange={(e) => setS({ ...s, size_budget: Number(e.target.value) })}
          />
        </label>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            Save token settings
          </button>
        </div>
        <Outcome error={action.error} done={action.done} />
      </form>
    </section>
  );
}

function Roles({ initial }: { initial: RoleDefaults }) {
  const [r, setR] = useState(initial);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setR(
        await api<RoleDefaults>("PATCH", "/instance/role_defaults", {
          creator_role: r.creator_role,
          default_role: r.default_role,
        }),
      );
      return "Role defaults saved.";
    });
  };
  return (
    <section aria-labelledby="defaults-heading">
      <h2 id="defaults-heading">Role defaults</h2>
      <form className="inline" onSubmit={submit} aria-label="Role defaults">
        <label>
          Creator role <input value={r.creator_role} onChange={(e) => setR({ ...r, creator_role: e.target.value })} />
        </label>
        <label>
          Default role for new members{" "}
          <input value={r.default_role} onChange={(e) => setR({ ...r, default_role: e.target.value })} />
        </label>
        <button type="submit" disabled={action.busy}>
          Save defaults
        </button>
      </form>
      <Outcome error={action.error} done={action.done} />
    </section>
  );
}
