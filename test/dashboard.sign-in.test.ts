// Sign-in tokens (Clerk's /v1/sign_in_tokens) and the session cookie as an API credential: a link signs its user
// in once; the cookie then authenticates the API, with a CSRF defence on state-changing calls; dashboard admins
// are instance admins, plain members only what their permissions allow.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeDashboardAdmin } from "../src/features/dashboard/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { revokeSession } from "../src/features/sessions/index.js";
import { type TestApi, apiFailure, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const ORIGIN = "http://127.0.0.1:3000";

for (const dialect of DIALECTS) {
  describe(`${dialect}: sign-in tokens and the session cookie`, () => {
    let t: TestStore;
    let api: TestApi;
    let annId: string;
    let bobId: string;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
      await createOrganization(t.ctx, { name: "Acme" });
      await createOrganization(t.ctx, { name: "Other" });
      annId = (await makeDashboardAdmin(t.ctx, "ann@acme.com")).user.id;
      bobId = (await addMember(t.ctx, { organization: "acme", email: "bob@acme.com", roles: ["org:member"] })).user.id;
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    /** Visits a sign-in link; the answer's status, its cookie and where it sends the browser. */
    const visit = async (url: string) => {
      const { pathname, search } = new URL(url);
      const res = await api.app.inject({ method: "GET", url: `${pathname}${search}` });
      const cookie = String(res.headers["set-cookie"] ?? "");
      return { status: res.statusCode, cookie, location: res.headers.location, body: res.body };
    };
    const signIn = async (userId: string) => {
      const link = await api.clerk.signInTokens.createSignInToken({ userId, expiresInSeconds: 600 });
      const visited = await visit(link.url);
      return /^__session=([^;]+)/.exec(visited.cookie)?.[1] as string;
    };
    const call = (cookie: string, method: "GET" | "POST" | "DELETE", url: string, headers = {}, payload?: object) =>
      api.app.inject({ method, url, headers: { cookie: `other=1; __session=${cookie}`, ...headers }, payload });

    it("creates a one-time link with Clerk's SDK; visiting it sets an HttpOnly session cookie and lands on /dashboard", async () => {
      const link = await api.clerk.signInTokens.createSignInToken({ userId: annId, expiresInSeconds: 600 });
      expect(link.status).toBe("pending");
      expect(link.url).toBe(`${ORIGIN}/sign-in?__clerk_ticket=${link.token}`);
      const stored = await t.store.db.selectFrom("sign_in_tokens").selectAll().executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain(link.token);
      const visited = await visit(link.url);
      expect(visited.status).toBe(303);
      expect(visited.location).toBe(`${ORIGIN}/dashboard`);
      expect(visited.cookie).toMatch(/^__session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);
      const sessions = await t.store.db.selectFrom("sessions").selectAll().where("user_id", "=", annId).execute();
      expect(sessions).toHaveLength(1);
      const actions = (await t.store.db.selectFrom("audit_events").select("action").execute()).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["sign_in_token.created", "sign_in_token.accepted"]));
    });

    it("refuses a link the second time, when revoked, when expired, and when unknown, signing nobody in", async () => {
      const used = await api.clerk.signInTokens.createSignInToken({ userId: bobId, expiresInSeconds: 600 });
      expect((await visit(used.url)).status).toBe(303);
      const again = await visit(used.url);
      expect([again.status, again.cookie]).toEqual([401, ""]);
      expect(again.body).toContain("already used");

      const revoked = await api.clerk.signInTokens.createSignInToken({ userId: bobId, expiresInSeconds: 600 });
      expect((await api.clerk.signInTokens.revokeSignInToken(revoked.id)).status).toBe("revoked");
      const afterRevoke = await visit(revoked.url);
      expect([afterRevoke.status, afterRevoke.cookie]).toEqual([401, ""]);
      expect(afterRevoke.body).toContain("revoked");

      const expiring = await api.clerk.signInTokens.createSignInToken({ userId: bobId, expiresInSeconds: 60 });
      t.clock.advance(61_000);
      const late = await visit(expiring.url);
      expect([late.status, late.cookie]).toEqual([401, ""]);
      expect(late.body).toContain("expired");

      const unknown = await visit(`${ORIGIN}/sign-in?__clerk_ticket=nope`);
      expect([unknown.status, unknown.body.includes("not valid")]).toEqual([401, true]);
      const sessions = await t.store.db.selectFrom("sessions").selectAll().where("user_id", "=", bobId).execute();
      expect(sessions).toHaveLength(1);
    });

    it("refuses a redirect_url off the allow-list and bad input with specific messages", async () => {
      const link = await api.clerk.signInTokens.createSignInToken({ userId: bobId, expiresInSeconds: 600 });
      const res = await visit(`${link.url}&redirect_url=${encodeURIComponent("https://evil.example/")}`);
      expect(res.status).toBe(422);
      expect(res.cookie).toBe("");
      const missing = await apiFailure(
        api.clerk.signInTokens.createSignInToken({ userId: "nobody@acme.com", expiresInSeconds: 60 }),
      );
      expect(missing.status).toBe(404);
      const tooShort = await api.app.inject({
        method: "POST",
        url: "/v1/sign_in_tokens",
        headers: { authorization: `Bearer ${api.secret}` },
        payload: { user_id: bobId, expires_in_seconds: 0 },
      });
      expect(tooShort.statusCode).toBe(422);
      expect(
        (
          await api.app.inject({
            method: "POST",
            url: "/v1/sign_in_tokens/sit_nope/revoke",
            headers: { authorization: `Bearer ${api.secret}` },
          })
        ).statusCode,
      ).toBe(404);
    });

    it("authenticates API reads with the cookie: an admin sees every organization, a member only theirs", async () => {
      const ann = await signIn(annId);
      const bob = await signIn(bobId);
      const orgs = async (cookie: string) =>
        ((await call(cookie, "GET", "/v1/organizations")).json() as { data: { slug: string }[] }).data.map(
          (o) => o.slug,
        );
      expect((await orgs(ann)).sort()).toEqual(["acme", "other"]);
      expect(await orgs(bob)).toEqual(["acme"]);
      const users = await call(bob, "GET", "/v1/users");
      expect(users.statusCode).toBe(403);
      expect(users.json().errors[0].message).toContain("bob@acme.com may not list users");
      expect((await call(ann, "GET", "/v1/users")).statusCode).toBe(200);
    });

    it("refuses a state-changing cookie call without the dashboard header or from another origin (CSRF), nothing written", async () => {
      const ann = await signIn(annId);
      const body = { name: "Evil" };
      const count = async () => (await t.store.db.selectFrom("organizations").selectAll().execute()).length;
      const before = await count();
      const noHeader = await call(ann, "POST", "/v1/organizations", { origin: ORIGIN }, body);
      expect(noHeader.statusCode).toBe(403);
      expect(noHeader.json().errors[0].message).toContain("x-clerk-dashboard");
      const crossSite = await call(
        ann,
        "POST",
        "/v1/organizations",
        { origin: "https://evil.example", "x-clerk-dashboard": "1" },
        body,
      );
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.json().errors[0].message).toContain("https://evil.example");
      expect(await count()).toBe(before);
      const ok = await call(
        ann,
        "POST",
        "/v1/organizations",
        { origin: ORIGIN, "x-clerk-dashboard": "1" },
        { name: "Fine" },
      );
      expect(ok.statusCode).toBe(200);
      const events = await t.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "org.created")
        .execute();
      const byAnn = events.filter((e) => e.actor_id === annId);
      expect(byAnn.map((e) => [e.actor_type, e.actor_label])).toEqual([["user", "ann@acme.com"]]);
    });

    it("keeps a browser signed in while it is used, renewing the cookie's hour-long token, and not past the session", async () => {
      let cookie = await signIn(bobId);
      // Used every 40 minutes for a day: each answer past half the token's hour brings a renewed cookie.
      for (let i = 0; i < 36; i++) {
        t.clock.advance(40 * 60_000);
        const res = await call(cookie, "GET", "/v1/organizations");
        expect(res.statusCode).toBe(200);
        const renewed = /^__session=([^;]+)/.exec(String(res.headers["set-cookie"] ?? ""))?.[1];
        expect(renewed).toBeDefined();
        cookie = renewed as string;
      }
      // Left alone for longer than a token's hour, the browser signs in again.
      t.clock.advance(61 * 60_000);
      expect((await call(cookie, "GET", "/v1/organizations")).statusCode).toBe(401);
      // Past the session's week, nothing of it signs in.
      const ann = await signIn(annId);
      t.clock.advance(7 * 24 * 3600_000);
      expect((await call(ann, "GET", "/v1/organizations")).statusCode).toBe(401);
    });

    it("signs out: the session is revoked (a copied cookie is worthless) and the cookie cleared; only from our pages", async () => {
      const bob = await signIn(bobId);
      const signOut = (headers: Record<string, string>) =>
        api.app.inject({ method: "POST", url: "/sign-out", headers: { cookie: `__session=${bob}`, ...headers } });
      expect((await signOut({})).statusCode).toBe(403);
      expect((await call(bob, "GET", "/v1/organizations")).statusCode).toBe(200);
      const out = await signOut({ "x-clerk-dashboard": "1" });
      expect(out.statusCode).toBe(204);
      expect(out.headers["set-cookie"]).toBe("__session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
      expect((await call(bob, "GET", "/v1/organizations")).statusCode).toBe(401);
    });

    it("stops honouring the cookie once its session is revoked, and refuses a forged one", async () => {
      const bob = await signIn(bobId);
      expect((await call(bob, "GET", "/v1/organizations")).statusCode).toBe(200);
      const session = await t.store.db
        .selectFrom("sessions")
        .select("id")
        .where("user_id", "=", bobId)
        .executeTakeFirstOrThrow();
      await revokeSession(t.ctx, session.id);
      const after = await call(bob, "GET", "/v1/organizations");
      expect(after.statusCode).toBe(401);
      expect(after.json().errors[0].message).toContain("session revoked");
      const [h, p] = bob.split(".");
      const forged = `${h}.${Buffer.from(JSON.stringify({ sub: annId, sid: session.id, exp: 9e9 })).toString("base64url")}.${p}`;
      expect((await call(forged, "GET", "/v1/organizations")).statusCode).toBe(401);
    });
  });
}
