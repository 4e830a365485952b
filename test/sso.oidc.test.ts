// OIDC sign-in end to end against a real provider (oidc-provider on loopback): authorization code with PKCE,
// state and nonce; a new user lands in the organization with the mapped role and a token @clerk/backend
// accepts; a wrong state, a wrong nonce or a missing PKCE verifier signs nobody in and the audit log says why.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyToken } from "@clerk/backend";
import { SignJWT, UnsecuredJWT, decodeJwt } from "jose";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { addDomain } from "../src/features/domains/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { decodeOrgClaims } from "../src/sdk/claims.js";
import { MASTER_KEY_ENV } from "../src/secrets.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { type TestOidcIdp, startOidcIdp } from "./helpers/oidc-idp.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const CONFIG_DIR = mkdtempSync(join(tmpdir(), "clerk-oidc-"));
process.env.CLERK_CONFIG_DIR = CONFIG_DIR;
delete process.env[MASTER_KEY_ENV];
afterAll(() => rmSync(CONFIG_DIR, { recursive: true, force: true }));

type Json = Record<string, unknown>;

for (const dialect of DIALECTS) {
  describe(`${dialect}: OIDC sign-in`, () => {
    let t: TestStore;
    let api: TestApi;
    let idp: TestOidcIdp;
    let connectionId: string;
    let orgId: string;
    const app = "https://app.acme.test/after";

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      t.clock.set(Date.now());
      api = await startApi(t);
      process.env.CLERK_PUBLIC_URL = api.url;
      process.env.CLERK_SIGN_IN_REDIRECT_ORIGINS = "https://app.acme.test";
      orgId = (await createOrg(t.ctx, { name: "Acme" })).id;
      await addDomain(t.ctx, { organization: orgId, name: "acme.com" });
      idp = await startOidcIdp();
      connectionId = (
        await call("POST", "/v1/enterprise_connections", {
          name: "Acme OIDC",
          provider: "oidc_custom",
          organization_id: orgId,
          domains: ["acme.com"],
          oidc: { discovery_url: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret },
          role_mapping: { "eng-leads": "org:admin" },
        })
      ).body.id as string;
      // The client's redirect URI names the connection, which exists only once the IdP's issuer is known.
      idp.register(`${api.url}/sso/oidc/${connectionId}/callback`);
    });

    afterEach(async () => {
      await api.app.close();
      await idp.close();
      await t.close();
      delete process.env.CLERK_PUBLIC_URL;
      delete process.env.CLERK_SIGN_IN_REDIRECT_ORIGINS;
    });

    /** The browser: start at clerk, follow the IdP's redirects with its cookies, stop at our callback. */
    async function toCallback(): Promise<string> {
      const jar = new Map<string, string>();
      let url = `${api.url}/sso/oidc/${connectionId}/start?redirect_url=${encodeURIComponent(app)}`;
      for (let hop = 0; hop < 10; hop++) {
        if (url.startsWith(`${api.url}/sso/oidc/${connectionId}/callback`)) return url;
        const res = await fetch(url, {
          redirect: "manual",
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
        });
        for (const cookie of res.headers.getSetCookie()) {
          const [pair] = cookie.split(";");
          const at = (pair ?? "").indexOf("=");
          jar.set((pair ?? "").slice(0, at), (pair ?? "").slice(at + 1));
        }
        const next = res.headers.get("location");
        if (!next) throw new Error(`stopped at ${url}: ${res.status} ${await res.text()}`);
        url = new URL(next, url).href;
      }
      throw new Error("too many redirects");
    }

    const count = async (table: "users" | "sessions" | "memberships") =>
      Number(
        (
          await t.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const failures = async () =>
      (
        await t.store.db.selectFrom("audit_events").select("after").where("action", "=", "sso.signin_failed").execute()
      ).map((e) => JSON.parse(e.after ?? "null") as Json);

    it("signs a new user in with the mapped role; the token verifies with @clerk/backend", async () => {
      idp.user = { email: "ada@acme.com", groups: ["eng-leads"] };
      const res = await fetch(await toCallback(), { redirect: "manual" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(app);
      const cookie = res.headers.get("set-cookie") as string;
      expect(cookie).toMatch(/; HttpOnly; SameSite=Lax$/);
      const jwt = /^__session=([^;]+)/.exec(cookie)?.[1] as string;
      const jwks = (await call("GET", "/v1/jwks")).body.keys as Json[];
      const jwtKey = createPublicKey({ key: jwks[0] as never, format: "jwk" }).export({ type: "spki", format: "pem" });
      const org = decodeOrgClaims((await verifyToken(jwt, { jwtKey: jwtKey.toString() })) as Json);
      expect(org).toMatchObject({ orgId, orgRole: "org:admin" });
      const jit = await t.store.db
        .selectFrom("audit_events")
        .select("after")
        .where("action", "=", "sso.jit_member_created")
        .execute();
      expect(jit.map((e) => JSON.parse(e.after ?? "null"))).toEqual([
        { email: "ada@acme.com", roles: ["org:admin"], groups: ["eng-leads"] },
      ]);
    });

    /** An attacker's ID token: the genuine one's claims, changed, then signed (or not) as the attack needs. */
    const forge =
      (change: Json, sign: "idp" | "unknown" | "none" = "idp") =>
      async (genuine: string): Promise<string> => {
        const claims = { ...decodeJwt(genuine), ...change };
        if (sign === "none") return new UnsecuredJWT(claims).encode();
        const key =
          sign === "idp"
            ? createPrivateKey({ key: idp.signingKey as never, format: "jwk" })
            : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
        // The unknown key claims the provider's key id, as an attacker would.
        return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: idp.signingKey.kid }).sign(key);
      };

    const ATTACKS: { name: string; tamper: (callback: string) => Promise<string>; reason: string; message: RegExp }[] =
      [
        {
          name: "a callback whose state is not ours",
          tamper: async (callback) => {
            const url = new URL(callback);
            url.searchParams.set("state", "forged-state");
            return url.href;
          },
          reason: "unknown_request",
          message: /state/,
        },
        {
          name: "an ID token whose nonce is not the request's",
          tamper: async (callback) => {
            await t.store.db.updateTable("sso_requests").set({ nonce: "another-nonce" }).execute();
            return callback;
          },
          reason: "wrong_nonce",
          message: /nonce/,
        },
        {
          name: "a code exchanged without its PKCE verifier",
          tamper: async (callback) => {
            await t.store.db.updateTable("sso_requests").set({ code_verifier: null }).execute();
            return callback;
          },
          reason: "oidc_rejected",
          message: /invalid_grant|verifier|PKCE/i,
        },
        {
          name: "an ID token from another issuer",
          tamper: async (callback) => {
            idp.forgeIdToken = forge({ iss: "https://evil.example" });
            return callback;
          },
          reason: "wrong_issuer",
          message: /iss/,
        },
        {
          name: "an ID token for another client (audience)",
          tamper: async (callback) => {
            idp.forgeIdToken = forge({ aud: "another-client" });
            return callback;
          },
          reason: "wrong_audience",
          message: /aud/,
        },
        {
          name: 'an unsigned ID token (alg: "none")',
          tamper: async (callback) => {
            idp.forgeIdToken = forge({}, "none");
            return callback;
          },
          reason: "invalid_signature",
          message: /alg/,
        },
        {
          name: "an ID token signed by a key the provider does not publish",
          tamper: async (callback) => {
            idp.forgeIdToken = forge({}, "unknown");
            return callback;
          },
          reason: "invalid_signature",
          message: /signature/i,
        },
      ];
    for (const attack of ATTACKS) {
      it(`refuses ${attack.name}: nobody signed in, the audit log names ${attack.reason}`, async () => {
        idp.user = { email: "eve@acme.com" };
        const callback = await attack.tamper(await toCallback());
        const res = await fetch(callback, { redirect: "manual" });
        expect(res.status).toBe(401);
        expect(res.headers.get("set-cookie")).toBeNull();
        expect({
          users: await count("users"),
          sessions: await count("sessions"),
          members: await count("memberships"),
        }).toEqual({
          users: 0,
          sessions: 0,
          members: 0,
        });
        const refused = await failures();
        expect(refused.map((f) => f.reason)).toEqual([attack.reason]);
        expect(refused[0]?.message).toMatch(attack.message);
      });
    }
  });
}
