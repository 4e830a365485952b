// SAML sign-in end to end against a real IdP (samlify on loopback): the browser-less flow from /sso/…/start to
// the cookie, just-in-time membership with the mapped role, a token @clerk/backend accepts, certificate
// rotation, and every attack refused with nothing left behind but an audit event naming the reason.
import { createPublicKey } from "node:crypto";
import { verifyToken } from "@clerk/backend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOrg } from "../src/features/orgs/index.js";
import { decodeOrgClaims } from "../src/sdk/claims.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { type SamlLogin, type TestSamlIdp, startSamlIdp, testCert } from "./helpers/saml-idp.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

type Json = Record<string, unknown>;

for (const dialect of DIALECTS) {
  describe(`${dialect}: SAML sign-in`, () => {
    let t: TestStore;
    let api: TestApi;
    let idp: TestSamlIdp;
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
      // Tokens are checked by @clerk/backend against the real time, and the IdP stamps its assertions with it.
      t.clock.set(Date.now());
      api = await startApi(t);
      process.env.CLERK_PUBLIC_URL = api.url;
      process.env.CLERK_SIGN_IN_REDIRECT_ORIGINS = "https://app.acme.test";
      idp = await startSamlIdp();
      orgId = (await createOrg(t.ctx, { name: "Acme" })).id;
      const created = await call("POST", "/v1/enterprise_connections", {
        name: "Acme Okta",
        provider: "saml_okta",
        organization_id: orgId,
        domains: ["acme.com"],
        saml: {
          idp_entity_id: idp.entityId,
          idp_sso_url: idp.ssoUrl,
          idp_certificates: [testCert("idp").cert, testCert("rotated").cert],
        },
        role_mapping: { "eng-leads": "org:admin" },
      });
      expect(created.status).toBe(201);
      connectionId = created.body.id as string;
    });

    afterEach(async () => {
      await api.app.close();
      await idp.close();
      await t.close();
      delete process.env.CLERK_PUBLIC_URL;
      delete process.env.CLERK_SIGN_IN_REDIRECT_ORIGINS;
    });

    /** The browser: start at clerk, follow to the IdP, which answers the form to post back. */
    async function throughIdp(who: SamlLogin, redirectUrl = app) {
      const start = await fetch(
        `${api.url}/sso/saml/${connectionId}/start?redirect_url=${encodeURIComponent(redirectUrl)}`,
        { redirect: "manual" },
      );
      expect(start.status).toBe(302);
      const metadata = await (await fetch(`${api.url}/sso/saml/${connectionId}/metadata`)).text();
      return idp.login(start.headers.get("location") as string, metadata, who);
    }

    async function post(form: { action: string; SAMLResponse: string; RelayState?: string | undefined }) {
      return fetch(form.action, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState ?? "" }).toString(),
      });
    }

    const counts = async () => {
      const n = async (table: "users" | "sessions" | "memberships" | "membership_roles" | "sso_replays") =>
        Number(
          (
            await t.store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        users: await n("users"),
        sessions: await n("sessions"),
        memberships: await n("memberships"),
        membership_roles: await n("membership_roles"),
        replays: await n("sso_replays"),
      };
    };

    const auditOf = async (action: string) =>
      (
        await t.store.db.selectFrom("audit_events").select(["action", "after"]).where("action", "=", action).execute()
      ).map((e) => JSON.parse(e.after ?? "null") as Json);

    const jwtKey = async () => {
      const jwks = (await call("GET", "/v1/jwks")).body.keys as Json[];
      return createPublicKey({ key: jwks[0] as never, format: "jwk" })
        .export({ type: "spki", format: "pem" })
        .toString();
    };

    it("signs a new user in: created, a member with the mapped role, a cookie, a token @clerk/backend verifies", async () => {
      const form = await throughIdp({ email: "ada@acme.com", groups: ["eng-leads", "everyone"] });
      const res = await post(form);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(app);
      const cookie = res.headers.get("set-cookie") as string;
      expect(cookie).toMatch(/^__session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      const jwt = /^__session=([^;]+)/.exec(cookie)?.[1] as string;
      const verified = await verifyToken(jwt, { jwtKey: await jwtKey() });
      const org = decodeOrgClaims(verified as Json);
      expect(org.orgId).toBe(orgId);
      expect(org.orgRole).toBe("org:admin");
      const members = await call("GET", `/v1/organizations/${orgId}/memberships`);
      expect(JSON.stringify(members.body)).toContain("ada@acme.com");
      expect(await auditOf("sso.jit_member_created")).toEqual([
        { email: "ada@acme.com", roles: ["org:admin"], groups: ["eng-leads", "everyone"] },
      ]);
      expect((await auditOf("sso.signin"))[0]).toMatchObject({ provider: "saml_okta", user_id: verified.sub });
      // The request was answered once; it is gone.
      expect(await t.store.db.selectFrom("sso_requests").selectAll().execute()).toEqual([]);
    });

    it("gives the default role when no group is mapped, and accepts the IdP's next certificate (rotation)", async () => {
      const res = await post(await throughIdp({ email: "bo@acme.com", groups: ["sales"], signWith: "rotated" }));
      expect(res.status).toBe(303);
      expect(await auditOf("sso.jit_member_created")).toEqual([
        { email: "bo@acme.com", roles: ["org:member"], groups: ["sales"] },
      ]);
    });

    it("signs a returning user in again without a second membership", async () => {
      expect((await post(await throughIdp({ email: "ada@acme.com" }))).status).toBe(303);
      expect((await post(await throughIdp({ email: "ada@acme.com" }))).status).toBe(303);
      expect(await counts()).toMatchObject({ users: 1, memberships: 1, sessions: 2 });
      expect(await auditOf("sso.signin")).toHaveLength(2);
    });

    const ATTACKS: { name: string; who: SamlLogin; reason: string; message: RegExp }[] = [
      {
        name: "an unsigned response and assertion",
        who: { email: "eve@acme.com", unsigned: true },
        reason: "invalid_signature",
        message: /signature/i,
      },
      {
        name: "a signature by an unknown certificate",
        who: { email: "eve@acme.com", signWith: "rogue" },
        reason: "invalid_signature",
        message: /signature/i,
      },
      {
        name: "another service provider's Audience",
        who: { email: "eve@acme.com", audience: "https://other.example/sp" },
        reason: "wrong_audience",
        message: /audience/i,
      },
      {
        name: "an expired assertion",
        who: { email: "eve@acme.com", validForMinutes: -5 },
        reason: "expired",
        message: /expired|subject confirmation/i,
      },
      {
        name: "an InResponseTo no request of ours has",
        who: { email: "eve@acme.com", inResponseTo: "_forged" },
        reason: "unknown_request",
        message: /InResponseTo/,
      },
      {
        name: "a response no request of ours asked for (IdP-initiated, not allowed)",
        who: { email: "eve@acme.com", inResponseTo: null },
        reason: "unknown_request",
        message: /InResponseTo/,
      },
      {
        name: "another ACS as Recipient",
        who: { email: "eve@acme.com", recipient: "https://other.example/acs" },
        reason: "recipient_mismatch",
        message: /other\.example/,
      },
      {
        name: "an e-mail outside the connection's domains",
        who: { email: "eve@evil.com" },
        reason: "email_outside_domains",
        message: /outside/,
      },
      {
        // Comments are outside the signature (exclusive c14n), so a genuine assertion for ada@acme.com.evil.com
        // can become ada@acme.com<!---->.evil.com; an SP reading the first text node would sign in ada@acme.com.
        name: "a comment injected into a genuine e-mail (ada@acme.com<!---->.evil.com)",
        who: {
          email: "ada@acme.com.evil.com",
          tamper: (xml) => xml.replaceAll(">ada@acme.com.evil.com<", ">ada@acme.com<!---->.evil.com<"),
        },
        reason: "email_outside_domains",
        message: /ada@acme\.com\.evil\.com/,
      },
      {
        // XML signature wrapping: an unsigned assertion for someone else put before the genuine signed one.
        name: "a wrapped assertion (XSW: an unsigned copy for ada@acme.com before the signed one)",
        who: {
          email: "eve@acme.com",
          tamper: (xml) => {
            const start = xml.indexOf("<saml:Assertion");
            const end = xml.indexOf("</saml:Assertion>") + "</saml:Assertion>".length;
            const forged = xml
              .slice(start, end)
              .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "")
              .replace(/ID="[^"]+"/, 'ID="_forged"')
              .replaceAll("eve@acme.com", "ada@acme.com");
            return xml.slice(0, start) + forged + xml.slice(start);
          },
        },
        reason: "invalid_signature",
        message: /signature|assertion/i,
      },
    ];
    for (const attack of ATTACKS) {
      it(`refuses ${attack.name}: 401, nothing created, the audit log names ${attack.reason}`, async () => {
        const form = await throughIdp(attack.who);
        const before = await counts();
        const res = await post(form);
        expect(res.status).toBe(401);
        expect(res.headers.get("set-cookie")).toBeNull();
        expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe("sso_sign_in_refused");
        expect(await counts()).toEqual(before);
        const failures = await auditOf("sso.signin_failed");
        expect(failures.map((a) => a.reason)).toEqual([attack.reason]);
        expect(failures[0]?.message).toMatch(attack.message);
      });
    }

    it("remembers assertion ids: with IdP-initiated sign-in allowed, the same assertion twice is a replay", async () => {
      expect(
        (await call("PATCH", `/v1/enterprise_connections/${connectionId}`, { saml: { allow_idp_initiated: true } }))
          .status,
      ).toBe(200);
      const form = await throughIdp({ email: "ada@acme.com", inResponseTo: null });
      const first = await post(form);
      expect(first.status).toBe(303);
      // Nothing asked for it, so it goes to the server's own page, never to a RelayState the IdP names.
      expect(first.headers.get("location")).toBe(`${api.url}/`);
      const before = await counts();
      expect((await post(form)).status).toBe(401);
      expect(await counts()).toEqual(before);
      expect((await auditOf("sso.signin_failed")).map((a) => a.reason)).toEqual(["replayed"]);
    });

    it("refuses a replayed assertion: the second post of the same response signs nobody in", async () => {
      const form = await throughIdp({ email: "ada@acme.com" });
      expect((await post(form)).status).toBe(303);
      const before = await counts();
      expect((await post(form)).status).toBe(401);
      expect(await counts()).toEqual(before);
      expect((await auditOf("sso.signin_failed")).map((a) => a.reason)).toEqual(["unknown_request"]);
    });

    it("refuses an open redirect before the IdP is ever involved", async () => {
      for (const target of ["https://evil.example/", "javascript:alert(1)", "//evil.example/x"]) {
        const res = await fetch(
          `${api.url}/sso/saml/${connectionId}/start?redirect_url=${encodeURIComponent(target)}`,
          { redirect: "manual" },
        );
        expect(res.status).toBe(422);
        expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe("form_param_value_invalid");
      }
      expect(await t.store.db.selectFrom("sso_requests").selectAll().execute()).toEqual([]);
    });
  });
}
