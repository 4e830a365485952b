// Issue 16's new Clerk endpoints, by behaviour: deleting and renaming users, user and membership metadata, and the
// instance-wide and per-user membership lists. (Their shapes are held to Clerk's spec by clerk.conformance.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createSession } from "../src/features/sessions/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

type Json = Record<string, unknown> & { data?: Json[]; total_count?: number; errors?: Json[] };

for (const dialect of DIALECTS) {
  describe(`${dialect}: Clerk's user and membership endpoints`, () => {
    let t: TestStore;
    let api: TestApi;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
      const res = await fetch(`${api.url}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };

    it("deletes a user with their memberships, agent keys and sessions, auditing each, in one answer", async () => {
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      const bot = await ensureUser(t.ctx, "bot@acme.com", "agent");
      const org = await createOrganization(t.ctx, { name: "Engineering" }, alice.id);
      await addMember(t.ctx, { organization: org.id, email: "bot@acme.com" });
      await createKey(t.ctx, { agent: "bot@acme.com" });
      await createSession(t.ctx, { user: "bot@acme.com" });

      const deleted = await call("DELETE", `/users/${bot.id}`);
      expect(deleted).toEqual({ status: 200, body: { object: "user", id: bot.id, deleted: true } });
      expect((await call("GET", `/users/${bot.id}`)).status).toBe(404);
      const members = await call("GET", `/organizations/${org.id}/memberships`);
      expect(members.body.data?.map((m) => (m.public_user_data as Json).identifier)).toEqual(["alice@acme.com"]);
      const db = t.store.db;
      expect(await db.selectFrom("api_keys").select("id").where("user_id", "=", bot.id).execute()).toEqual([]);
      expect(await db.selectFrom("sessions").select("id").where("user_id", "=", bot.id).execute()).toEqual([]);
      const actions = [...(await auditEventsOf(t.ctx, org.id)), ...(await auditEventsOf(t.ctx, null))]
        .filter((e) => (e.target.label ?? "").includes("bot@acme.com") || e.target.id === bot.id)
        .map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["member.removed", "key.revoked", "user.deleted"]));
      expect((await call("DELETE", `/users/${bot.id}`)).status).toBe(404);
    });

    it("refuses to delete an organization's last manager, changing nothing", async () => {
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      await createOrganization(t.ctx, { name: "Engineering" }, alice.id);
      const before = await snapshot(t.store);
      const refused = await call("DELETE", `/users/${alice.id}`);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]).toMatchObject({ code: "organization_minimum_permissions_needed" });
      expect(await snapshot(t.store)).toEqual(before);
    });

    it("finds users by several e-mail addresses, repeated or comma-separated (the CLI's member list reads kinds so)", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      await ensureUser(t.ctx, "bot@acme.com", "agent");
      await ensureUser(t.ctx, "carol@acme.com");
      const kinds = async (query: string) =>
        ((await call("GET", `/users?${query}`)).body as unknown as Json[])
          .map((u) => [(u.email_addresses as Json[])[0]?.email_address, (u.private_metadata as Json).kind])
          .sort();
      const expected = [
        ["alice@acme.com", "human"],
        ["bot@acme.com", "agent"],
      ];
      expect(await kinds("email_address=alice@acme.com&email_address=bot@acme.com")).toEqual(expected);
      expect(await kinds("email_address=alice@acme.com,Bot@acme.com")).toEqual(expected);
    });

    it("renames a user from first_name and last_name, keeping the part not given", async () => {
      const carol = await ensureUser(t.ctx, "carol@acme.com");
      await call("PATCH", `/users/${carol.id}`, { first_name: "Carol", last_name: "Danvers" });
      const renamed = await call("PATCH", `/users/${carol.id}`, { first_name: "Caroline" });
      expect(renamed.body).toMatchObject({ first_name: "Caroline", last_name: "Danvers" });
      const bad = await call("PATCH", `/users/${carol.id}`, { username: "cd" });
      expect(bad.status).toBe(422);
      expect(bad.body.errors?.[0]).toMatchObject({ code: "form_param_unknown", meta: { param_name: "username" } });
    });

    it("keeps membership metadata when POSTed and merges it on PATCH …/metadata (null deletes a key)", async () => {
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      const bob = await ensureUser(t.ctx, "bob@acme.com");
      const org = await createOrganization(t.ctx, { name: "Engineering" }, alice.id);
      const added = await call("POST", `/organizations/${org.id}/memberships`, {
        user_id: bob.id,
        role: "org:member",
        public_metadata: { team: "web", seat: 3 },
        private_metadata: { cost_center: "42" },
      });
      expect(added.body).toMatchObject({
        public_metadata: { team: "web", seat: 3 },
        private_metadata: { cost_center: "42" },
      });
      const merged = await call("PATCH", `/organizations/${org.id}/memberships/${bob.id}/metadata`, {
        public_metadata: { team: "platform", seat: null },
      });
      expect(merged.body).toMatchObject({
        public_metadata: { team: "platform" },
        private_metadata: { cost_center: "42" },
      });
      const listed = await call("GET", `/organizations/${org.id}/memberships`);
      expect(listed.body.data?.find((m) => (m.public_user_data as Json).user_id === bob.id)?.public_metadata).toEqual({
        team: "platform",
      });
      const events = await auditEventsOf(t.ctx, org.id);
      expect(events.map((e) => e.action)).toContain("member.metadata_updated");
      const bad = await call("PATCH", `/organizations/${org.id}/memberships/${bob.id}/metadata`, {
        public_metadata: "platform",
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors?.[0]).toMatchObject({ meta: { param_name: "public_metadata" } });
    });

    it("lists every membership of the instance, and one user's across organizations", async () => {
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      const bob = await ensureUser(t.ctx, "bob@acme.com");
      const eng = await createOrganization(t.ctx, { name: "Engineering" }, alice.id);
      t.clock.advance(1000);
      const sales = await createOrganization(t.ctx, { name: "Sales" }, alice.id);
      t.clock.advance(1000);
      await addMember(t.ctx, { organization: sales.id, email: "bob@acme.com" });
      const all = await call("GET", "/organization_memberships");
      expect(all.body.total_count).toBe(3);
      expect(all.body.data?.map((m) => [(m.organization as Json).id, (m.public_user_data as Json).user_id])).toEqual([
        [sales.id, bob.id],
        [sales.id, alice.id],
        [eng.id, alice.id],
      ]);
      const alices = await call("GET", `/users/${alice.id}/organization_memberships?limit=1`);
      expect(alices.body.total_count).toBe(2);
      expect(alices.body.data?.map((m) => (m.organization as Json).id)).toEqual([sales.id]);
    });

    it("pages and searches an organization's members in the store: newest first by default, or by e-mail, with the count", async () => {
      const org = await createOrganization(t.ctx, { name: "Paged" }, (await ensureUser(t.ctx, "ann@acme.com")).id);
      for (const email of ["dan@acme.com", "bea@acme.com", "cal@acme.com"]) {
        t.clock.advance(1000);
        await addMember(t.ctx, { organization: org.id, email });
      }
      const emails = (r: { body: Json }) => r.body.data?.map((m) => (m.public_user_data as Json).identifier);
      const newest = await call("GET", `/organizations/${org.id}/memberships?limit=2`);
      expect([newest.body.total_count, emails(newest)]).toEqual([4, ["cal@acme.com", "bea@acme.com"]]);
      const byEmail = await call("GET", `/organizations/${org.id}/memberships?limit=2&offset=1&order_by=email_address`);
      expect([byEmail.body.total_count, emails(byEmail)]).toEqual([4, ["bea@acme.com", "cal@acme.com"]]);
      const past = await call("GET", `/organizations/${org.id}/memberships?offset=10`);
      expect([past.body.total_count, emails(past)]).toEqual([4, []]);
      // query searches the whole organization (any case), and the count is of what matches; % is literal.
      const found = await call("GET", `/organizations/${org.id}/memberships?query=${encodeURIComponent("BEA@")}`);
      expect([found.body.total_count, emails(found)]).toEqual([1, ["bea@acme.com"]]);
      const literal = await call("GET", `/organizations/${org.id}/memberships?query=${encodeURIComponent("%")}`);
      expect([literal.body.total_count, emails(literal)]).toEqual([0, []]);
    });

    it("merges a user's metadata deeply (null deletes), replaces only the objects PUT names, and audits each write", async () => {
      const bob = await ensureUser(t.ctx, "bob@acme.com");
      const created = await call("POST", "/users", {
        email_address: ["carol@acme.com"],
        public_metadata: { team: { name: "web", size: 4 } },
      });
      expect(created.status).toBe(200);
      expect(created.body.public_metadata).toEqual({ team: { name: "web", size: 4 } });

      let res = await call("PATCH", `/users/${bob.id}/metadata`, {
        public_metadata: { team: { name: "web", size: 4 }, region: "eu" },
        private_metadata: { employee_id: 42 },
      });
      expect(res.status).toBe(200);
      res = await call("PATCH", `/users/${bob.id}/metadata`, {
        public_metadata: { team: { size: null, lead: true }, region: null },
      });
      expect(res.body.public_metadata).toEqual({ team: { name: "web", lead: true } });
      // kind is clerk's column, shown in private_metadata beside what the backend keeps there.
      expect(res.body.private_metadata).toEqual({ employee_id: 42, kind: "human" });

      res = await call("PUT", `/users/${bob.id}/metadata`, { unsafe_metadata: { theme: "dark" } });
      expect(res.body.unsafe_metadata).toEqual({ theme: "dark" });
      expect(res.body.public_metadata).toEqual({ team: { name: "web", lead: true } });
      res = await call("PUT", `/users/${bob.id}/metadata`, { public_metadata: { fresh: 1 } });
      expect(res.body.public_metadata).toEqual({ fresh: 1 });
      // PATCH /users/{id} replaces the objects it names, as Clerk's does.
      res = await call("PATCH", `/users/${bob.id}`, { private_metadata: { badge: "b-7" } });
      expect(res.body.private_metadata).toEqual({ badge: "b-7", kind: "human" });

      const actions = (await auditEventsOf(t.ctx, null)).filter((e) => e.target.id === bob.id).map((e) => e.action);
      expect(actions.filter((a) => a === "user.metadata_updated")).toHaveLength(4);
      expect(actions).toContain("user.updated");
    });

    it("refuses metadata that names kind, is no object, or comes from a member, and writes nothing", async () => {
      const alice = await ensureUser(t.ctx, "alice@acme.com");
      const org = await createOrganization(t.ctx, { name: "Engineering" }, alice.id);
      await addMember(t.ctx, { organization: org.id, email: "mo@acme.com", roles: "org:member" });
      const before = await snapshot(t.store);

      const kind = await call("PATCH", `/users/${alice.id}/metadata`, { private_metadata: { kind: "agent" } });
      expect(kind.status).toBe(422);
      expect(JSON.stringify(kind.body)).toContain("private_metadata.kind is clerk's");
      const notObject = await call("PUT", `/users/${alice.id}/metadata`, { public_metadata: ["a"] });
      expect(notObject.status).toBe(422);
      expect(JSON.stringify(notObject.body)).toContain("public_metadata");

      const memberKey = (await createKey(t.ctx, { agent: "mo@acme.com" })).secret;
      const asMember = await fetch(`${api.url}/v1/users/${alice.id}/metadata`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${memberKey}`, "content-type": "application/json" },
        body: JSON.stringify({ public_metadata: { hacked: true } }),
      });
      expect(asMember.status).toBe(403);
      const after = await snapshot(t.store);
      // The member's key is the one row that came in between; nothing of alice changed.
      expect(after.users).toEqual(before.users);
    });
  });
}
