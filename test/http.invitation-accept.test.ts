// The accept link is a page whose form POSTs the token (issue 24 item 11: a GET changed state, so a link
// scanner or a prefetching mail client accepted invitations); the token never reaches the request log.
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInvitation, getInvitation } from "../src/features/invitations/index.js";
import { createKey } from "../src/features/keys/index.js";
import { createOrganization, listMembers } from "../src/features/members/index.js";
import { buildApp } from "../src/http/app.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: the invitation accept page`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let logged: string;
    let token: string;
    let invitationId: string;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      logged = "";
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged += chunk.toString();
          done();
        },
      });
      app = await buildApp({
        store: t.store,
        clock: t.clock,
        runtime: { caches: new Map() },
        logger: { level: "info", stream } as never,
      });
      await createOrganization(t.ctx, { name: "Eng" });
      const invitation = await createInvitation(t.ctx, { organization: "eng", email: "newbie@acme.com" });
      invitationId = invitation.id;
      token = new URL(invitation.acceptUrl as string).searchParams.get("token") as string;
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    const status = async () => (await getInvitation(t.ctx, "eng", invitationId).catch(() => null))?.status;
    const members = async () => (await listMembers(t.ctx, "eng")).length;

    it("shows a form on GET, changing nothing, with a CSP and without passing the link on", async () => {
      const before = await members();
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({ method: "GET", url: `/v1/invitations/accept?token=${token}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
        expect(res.headers["content-security-policy"]).toContain("form-action 'self'");
        expect(res.headers["referrer-policy"]).toBe("no-referrer");
        expect(res.body).toContain('<form method="post" action="/v1/invitations/accept">');
        expect(res.body).toContain(`name="token" value="${token}"`);
        expect(res.body).not.toContain("<script");
      }
      expect([await status(), await members()]).toEqual(["pending", before]);
    });

    it("escapes the token in the page", async () => {
      const res = await app.inject({
        method: "GET",
        url: `/v1/invitations/accept?token=${encodeURIComponent('"><script>x</script>')}`,
      });
      expect(res.body).not.toContain("<script>");
      expect(res.body).toContain("&quot;&gt;&lt;script&gt;");
    });

    it("accepts when the form posts the token, answering with a page, and refuses a second time", async () => {
      const before = await members();
      const post = () =>
        app.inject({
          method: "POST",
          url: "/v1/invitations/accept",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          payload: `token=${encodeURIComponent(token)}`,
        });
      const res = await post();
      expect([res.statusCode, res.headers["content-type"]]).toEqual([200, "text/html; charset=utf-8"]);
      expect(res.body).toContain("Invitation accepted");
      expect([await status(), await members()]).toEqual(["accepted", before + 1]);
      const again = await post();
      expect([again.statusCode, again.headers["content-type"]]).toEqual([404, "text/html; charset=utf-8"]);
      expect(again.body).toContain("This invitation is accepted; ask eng for a new one.");
    });

    it("accepts a JSON post too, and reads form bodies nowhere else", async () => {
      const res = await app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token } });
      expect([res.statusCode, res.json().status]).toEqual([200, "accepted"]);
      const elsewhere = await app.inject({
        method: "POST",
        url: "/v1/organizations",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Bearer ${(await createKey(t.ctx, {})).secret}`,
        },
        payload: "name=Evil",
      });
      expect(elsewhere.statusCode).toBe(415);
    });

    it("answers a form post with the page's security headers, accepted or refused", async () => {
      const post = () =>
        app.inject({
          method: "POST",
          url: "/v1/invitations/accept",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          payload: `token=${encodeURIComponent(token)}`,
        });
      for (const res of [await post(), await post()]) {
        expect(res.headers["content-security-policy"]).toContain("form-action 'self'");
        expect([res.headers["referrer-policy"], res.headers["cache-control"], res.headers["x-frame-options"]]).toEqual([
          "no-referrer",
          "no-store",
          "DENY",
        ]);
        expect(res.body).not.toContain("organization_invitation");
      }
    });

    it("publishes the accept operation's answer (the invitation) in the OpenAPI document", async () => {
      const doc = (await app.inject({ method: "GET", url: "/v1/openapi.json" })).json() as {
        paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, unknown> }> }>>;
      };
      const answer = doc.paths["/v1/invitations/accept"]?.post?.responses["200"]?.content["application/json"] as {
        schema: { properties: Record<string, unknown> };
      };
      expect(Object.keys(answer.schema.properties)).toEqual(expect.arrayContaining(["object", "status", "url"]));
      const res = await app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token } });
      expect(res.json()).toMatchObject({ object: "organization_invitation", id: invitationId, url: null });
    });

    it("keeps the token out of the request log", async () => {
      await app.inject({ method: "GET", url: `/v1/invitations/accept?token=${token}` });
      expect(logged).toContain("/v1/invitations/accept?token=[redacted]");
      expect(logged).not.toContain(token);
    });
  });
}
