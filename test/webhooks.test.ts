// Clerk-format webhooks against a real receiver on loopback, on both stores: every delivery verified with
// @clerk/backend's verifyWebhook and with the standardwebhooks package; forged and too-old deliveries refused;
// retries after a 500, the dead letter and replay; an event of each main type carrying the API's object; nothing
// queued for a type no endpoint wants; endpoints audited, their secrets sealed, admins only.
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "@clerk/backend/webhooks";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { auditEventsOf } from "../src/features/audit/index.js";
import { addDomain, domainSchema, removeDomain, verifyDomain } from "../src/features/domains/index.js";
import {
  acceptInvitation,
  createInvitation,
  invitationSchema,
  revokeInvitation,
} from "../src/features/invitations/index.js";
import {
  addMember,
  createOrganization,
  membershipSchema,
  removeMember,
  updateMemberRoles,
} from "../src/features/members/index.js";
import { dispatchNotifications, listProviders } from "../src/features/notifications/index.js";
import { inTransaction } from "../src/context.js";
import { deleteOrg, organizationSchema, updateOrg } from "../src/features/orgs/index.js";
import {
  createPermission,
  deletePermission,
  permissionSchema,
  updatePermission,
} from "../src/features/permissions/index.js";
import { createRole, deleteRole, roleSchema, updateRole } from "../src/features/roles/index.js";
import { createSession, revokeSession, sessionSchema } from "../src/features/sessions/index.js";
import { countUsers, createUser, userSchema } from "../src/features/users/index.js";
import {
  SECRET_GRACE_MS,
  addEndpoint,
  failedEvents,
  listEndpoints,
  removeEndpoint,
  replayEvents,
  rotateSecret,
  testEndpoint,
  updateEndpoint,
} from "../src/features/webhooks/index.js";
import { startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

/** An HTTP receiver on loopback answering with the next status of `script` (then 200), recording each request. */
async function receiver(
  script: number[] = [],
): Promise<{ url: string; got: Received[]; script: number[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.statusCode = script.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/webhooks/clerk`, got, script, server };
}

/** A received delivery as the Fetch `Request` an app's route handler gets. */
function asRequest(r: Received): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(r.headers)) if (typeof v === "string") headers.set(k, v);
  return new Request("http://127.0.0.1/webhooks/clerk", { method: "POST", headers, body: r.body });
}

/** Verifies a delivery both ways (Clerk's SDK and the Standard Webhooks library) and returns the event. */
async function verified(r: Received, secret: string) {
  const viaClerk = await verifyWebhook(asRequest(r), { signingSecret: secret });
  const viaStandard = new Webhook(secret.replace(/^whsec_/, "")).verify(r.body, {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  });
  expect(viaStandard).toEqual(JSON.parse(r.body));
  return viaClerk;
}

const deletedObject = z.object({ object: z.string(), id: z.string(), deleted: z.literal(true) }).passthrough();

/** What each event type's `data` must validate as: the API's own object for it (strict: nothing missing or extra). */
const DATA: Record<string, z.ZodType> = {
  "user.created": userSchema.strict(),
  "organization.created": organizationSchema.strict(),
  "organization.updated": organizationSchema.strict(),
  "organization.deleted": deletedObject,
  "organizationMembership.created": membershipSchema.strict(),
  "organizationMembership.updated": membershipSchema.strict(),
  "organizationMembership.deleted": membershipSchema.strict(),
  "organizationInvitation.created": invitationSchema.strict(),
  "organizationInvitation.revoked": invitationSchema.strict(),
  "organizationInvitation.accepted": invitationSchema.strict(),
  "organizationDomain.created": domainSchema.strict(),
  "organizationDomain.updated": domainSchema.strict(),
  "organizationDomain.deleted": deletedObject,
  "role.created": roleSchema.strict(),
  "role.updated": roleSchema.strict(),
  "role.deleted": deletedObject,
  "permission.created": permissionSchema.strict(),
  "permission.updated": permissionSchema.strict(),
  "permission.deleted": deletedObject,
  "session.created": sessionSchema.extend({ user: userSchema.strict() }).strict(),
  "session.revoked": sessionSchema.extend({ user: userSchema.strict() }).strict(),
};

async function webhookRows(t: TestStore) {
  return t.store.db.selectFrom("notifications").selectAll().where("kind", "=", "clerk_webhook").execute();
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: Clerk-format webhooks`, () => {
    let t: TestStore;
    const servers: Server[] = [];
    beforeEach(async () => {
      t = await openTestStore(dialect);
      // Verifiers compare the signed timestamp with the wall clock: the test clock starts there.
      t.clock.set(Date.now());
    });
    afterEach(async () => {
      for (const s of servers.splice(0)) s.close();
      await t.close();
    });
    const listen = async (script: number[] = []) => {
      const r = await receiver(script);
      servers.push(r.server);
      return r;
    };
    const subscribe = async (url: string, events: string[]) =>
      addEndpoint(t.ctx, { url, events, allowInsecure: true, description: "app sync" });

    it("sends an event of each main type, each verified by verifyWebhook and standardwebhooks, its data the API's object", async () => {
      const hook = await listen();
      const { endpoint, signingSecret } = await subscribe(hook.url, ["*"]);
      expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
      expect(Buffer.from(signingSecret.slice("whsec_".length), "base64").length).toBeGreaterThanOrEqual(24);

      await createUser(t.ctx, { email: "carol@acme.com", name: "Carol Jones" });
      const org = await createOrganization(t.ctx, { name: "Engineering" });
      await updateOrg(t.ctx, org.id, { name: "Engineering Team" });
      await addMember(t.ctx, { organization: org.id, email: "erin@acme.com", roles: ["org:admin"] });
      await addMember(t.ctx, { organization: org.id, email: "alice@acme.com" });
      await updateMemberRoles(t.ctx, { organization: org.id, email: "alice@acme.com", roles: ["org:admin"] });
      const invitation = await createInvitation(t.ctx, { organization: org.id, email: "bob@acme.com" });
      await revokeInvitation(t.ctx, { organization: org.id, invitation: invitation.id });
      const second = await createInvitation(t.ctx, { organization: org.id, email: "frank@acme.com" });
      await acceptInvitation(t.ctx, new URL(second.acceptUrl as string).searchParams.get("token") as string);
      const domain = await addDomain(t.ctx, { organization: org.id, name: "acme.com", verified: false });
      await verifyDomain(t.ctx, org.id, domain.id);
      await removeDomain(t.ctx, org.id, domain.id);
      const permission = await createPermission(t.ctx, { key: "org:code:read", name: "Read code" });
      await updatePermission(t.ctx, permission.id, { name: "Read the code" });
      const role = await createRole(t.ctx, { name: "Developer", permissions: ["org:code:read"] });
      await updateRole(t.ctx, role.id, { description: "Writes the code" });
      await deleteRole(t.ctx, role.id);
      await deletePermission(t.ctx, permission.id);
      const session = await createSession(t.ctx, { user: "alice@acme.com" });
      await revokeSession(t.ctx, session.id);
      await removeMember(t.ctx, { organization: org.id, email: "alice@acme.com" });
      await deleteOrg(t.ctx, org.id);

      const queued = await webhookRows(t);
      expect(queued.every((r) => r.recipient === endpoint.id)).toBe(true);
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ delivered: queued.length, retried: 0, dead: 0 });
      expect(hook.got).toHaveLength(queued.length);

      const types = new Set<string>();
      for (const r of hook.got) {
        const event = await verified(r, signingSecret);
        types.add(event.type);
        expect(r.headers["svix-id"]).toBe(r.headers["webhook-id"]);
        expect(r.headers["svix-signature"]).toBe(r.headers["webhook-signature"]);
        const body = JSON.parse(r.body) as Record<string, unknown>;
        expect(body).toMatchObject({ object: "event", type: event.type, instance_id: expect.stringMatching(/^ins_/) });
        expect(typeof body.timestamp).toBe("number");
        const schema = DATA[event.type];
        if (!schema) throw new Error(`no schema for ${event.type}`);
        const checked = schema.safeParse(body.data);
        expect(checked.success ? "valid" : `${event.type}: ${checked.error.message}`).toBe("valid");
      }
      expect([...types].sort()).toEqual(
        [
          "user.created",
          "organization.created",
          "organization.updated",
          "organization.deleted",
          "organizationMembership.created",
          "organizationMembership.updated",
          "organizationMembership.deleted",
          "organizationInvitation.created",
          "organizationInvitation.revoked",
          "organizationInvitation.accepted",
          "organizationDomain.created",
          "organizationDomain.updated",
          "organizationDomain.deleted",
          "role.created",
          "role.updated",
          "role.deleted",
          "permission.created",
          "permission.updated",
          "permission.deleted",
          "session.created",
          "session.revoked",
        ].sort(),
      );
      // A deleted organization is Clerk's DeletedObject.
      const gone = hook.got.map((r) => JSON.parse(r.body)).find((e) => e.type === "organization.deleted");
      expect(gone.data).toEqual({ object: "organization", id: org.id, slug: "engineering", deleted: true });
    });

    it("over HTTP: an instance key subscribes, and an event's data equals what the API answers for the object", async () => {
      const hook = await listen();
      const api = await startApi(t);
      try {
        const res = await fetch(`${api.url}/v1/webhook_endpoints`, {
          method: "POST",
          headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
          body: JSON.stringify({
            url: hook.url,
            events: ["organization.*", "organizationMembership.*"],
            allow_insecure: true,
          }),
        });
        expect(res.status).toBe(200);
        const created = (await res.json()) as { id: string; signing_secret: string };
        const org = await api.clerk.organizations.createOrganization({ name: "Platform" });
        await dispatchNotifications(t.ctx);
        const event = await verified(hook.got[0] as Received, created.signing_secret);
        expect(event.type).toBe("organization.created");
        const answered = await fetch(`${api.url}/v1/organizations/${org.id}`, {
          headers: { authorization: `Bearer ${api.secret}` },
        });
        expect(event.data).toEqual(await answered.json());
        // Bad input is Clerk's 422 naming the parameter, and writes nothing.
        const bad = await fetch(`${api.url}/v1/webhook_endpoints`, {
          method: "POST",
          headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
          body: JSON.stringify({ url: hook.url, events: ["user.signed_in"], allow_insecure: true }),
        });
        expect(bad.status).toBe(422);
        expect(await bad.json()).toMatchObject({
          errors: [{ code: "form_param_value_invalid", meta: { param_name: "events" } }],
        });
        expect(await listEndpoints(t.ctx)).toHaveLength(1);
        // The secret is shown once: the endpoint as listed has none.
        const listed = await fetch(`${api.url}/v1/webhook_endpoints/${created.id}`, {
          headers: { authorization: `Bearer ${api.secret}` },
        });
        expect(await listed.json()).not.toHaveProperty("signing_secret");
      } finally {
        await api.app.close();
      }
    });

    it("writes nothing when the change is rolled back: the event commits with its change or not at all", async () => {
      const hook = await listen();
      await subscribe(hook.url, ["*"]);
      await expect(
        inTransaction(t.ctx, async (tx) => {
          await createUser(tx, { email: "carol@acme.com" });
          expect(await webhookRows({ ...t, store: { ...t.store, db: tx.db } })).toHaveLength(1);
          throw new Error("the rest of the change failed");
        }),
      ).rejects.toThrow("the rest of the change failed");
      expect(await webhookRows(t)).toEqual([]);
      expect(await countUsers(t.ctx, {})).toBe(0);
    });

    it("queues nothing for a type no endpoint subscribes to, and exactly what a wildcard takes", async () => {
      const hook = await listen();
      await subscribe(hook.url, ["user.*"]);
      await createOrganization(t.ctx, { name: "Engineering" });
      expect(await webhookRows(t)).toEqual([]);
      await createUser(t.ctx, { email: "carol@acme.com" });
      expect((await webhookRows(t)).map((r) => r.source)).toEqual(["user.created"]);
    });

    it("sends nothing new to a disabled endpoint, and each event once to each subscribed endpoint", async () => {
      const a = await listen();
      const b = await listen();
      const first = await subscribe(a.url, ["organization.*"]);
      await subscribe(b.url, ["organization.created"]);
      await updateEndpoint(t.ctx, first.endpoint.id, { enabled: false });
      await createOrganization(t.ctx, { name: "Engineering" });
      await dispatchNotifications(t.ctx);
      expect(a.got).toHaveLength(0);
      expect(b.got.map((r) => JSON.parse(r.body).type)).toEqual(["organization.created"]);
    });

    it("a forged signature, a changed body and a too-old timestamp fail verification", async () => {
      const hook = await listen();
      const { signingSecret } = await subscribe(hook.url, ["user.*"]);
      await createUser(t.ctx, { email: "carol@acme.com" });
      await dispatchNotifications(t.ctx);
      const [good] = hook.got as [Received];
      await expect(verified(good, signingSecret)).resolves.toMatchObject({ type: "user.created" });

      const forged = { ...good, headers: { ...good.headers } };
      const fakeSecret = `whsec_${Buffer.alloc(24, 7).toString("base64")}`;
      forged.headers["svix-signature"] = forged.headers["webhook-signature"] = String(
        new Webhook(fakeSecret.slice(6)).sign(String(good.headers["webhook-id"]), new Date(), good.body),
      );
      await expect(verifyWebhook(asRequest(forged), { signingSecret })).rejects.toThrow();
      await expect(
        verifyWebhook(asRequest({ ...good, body: good.body.replace("carol", "mallory") }), { signingSecret }),
      ).rejects.toThrow();

      // Sent with a timestamp ten minutes old (past the verifiers' five-minute tolerance): refused by both.
      t.clock.set(Date.now() - 10 * 60_000);
      await createUser(t.ctx, { email: "dave@acme.com" });
      await dispatchNotifications(t.ctx);
      const old = hook.got[1] as Received;
      await expect(verifyWebhook(asRequest(old), { signingSecret })).rejects.toThrow(/timestamp|old/i);
      expect(() =>
        new Webhook(signingSecret.slice(6)).verify(old.body, {
          "webhook-id": String(old.headers["webhook-id"]),
          "webhook-timestamp": String(old.headers["webhook-timestamp"]),
          "webhook-signature": String(old.headers["webhook-signature"]),
        }),
      ).toThrow();
    });

    it("retries after a 500 with the same webhook-id, then delivers", async () => {
      const hook = await listen([500]);
      const { signingSecret } = await subscribe(hook.url, ["user.*"]);
      await createUser(t.ctx, { email: "carol@acme.com" });
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ delivered: 0, retried: 1 });
      t.clock.advance(60_000);
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ delivered: 1, retried: 0 });
      expect(hook.got).toHaveLength(2);
      expect(hook.got[1]?.headers["webhook-id"]).toBe(hook.got[0]?.headers["webhook-id"]);
      await expect(verified(hook.got[1] as Received, signingSecret)).resolves.toMatchObject({ type: "user.created" });
    });

    it("dead-letters an event its endpoint never accepts, then replays it with the same id", async () => {
      const hook = await listen(Array(100).fill(500));
      const { endpoint, signingSecret } = await subscribe(hook.url, ["user.*"]);
      await createUser(t.ctx, { email: "carol@acme.com" });
      await dispatchNotifications(t.ctx);
      t.clock.advance(25 * 3_600_000);
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ dead: 1 });
      const [dead] = await failedEvents(t.ctx, endpoint.id);
      expect(dead).toMatchObject({ source: "user.created", status: "dead", recipient: endpoint.id });

      hook.script.length = 0;
      t.clock.set(Date.now());
      const replayed = await replayEvents(t.ctx, { endpoint: endpoint.id });
      expect(replayed.map((n) => n.id)).toEqual([dead?.id]);
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ delivered: 1 });
      const last = hook.got.at(-1) as Received;
      expect(last.headers["webhook-id"]).toBe(dead?.id);
      await expect(verified(last, signingSecret)).resolves.toMatchObject({ type: "user.created" });
      expect(await failedEvents(t.ctx, endpoint.id)).toEqual([]);
      await expect(replayEvents(t.ctx, { endpoint: endpoint.id, message: dead?.id ?? "" })).rejects.toMatchObject({
        code: "webhook.message_not_found",
      });
    });

    it("adds, lists, rotates, tests and removes endpoints, every change audited, secrets sealed and shown once", async () => {
      const hook = await listen();
      const { endpoint, signingSecret } = await subscribe(hook.url, ["user.*", "organization.created"]);
      expect(endpoint).toMatchObject({ url: hook.url, events: ["user.*", "organization.created"], enabled: true });
      expect(await listEndpoints(t.ctx)).toEqual([endpoint]);
      // Its delivery row is not a notification provider a rule could name.
      expect(await listProviders(t.ctx)).toEqual([]);
      // Neither the secret nor the full URL is stored in clear.
      const stored = JSON.stringify(await t.store.db.selectFrom("notification_providers").selectAll().execute());
      expect(stored).not.toContain(signingSecret.slice(6));
      expect(stored).not.toContain("/webhooks/clerk");

      const tested = await testEndpoint(t.ctx, endpoint.id);
      expect(tested).toMatchObject({ ok: true, statusCode: 200 });
      await expect(verified(hook.got[0] as Received, signingSecret)).resolves.toMatchObject({ type: "webhook.test" });

      const rotated = await rotateSecret(t.ctx, endpoint.id);
      expect(rotated.signingSecret).not.toBe(signingSecret);
      await createUser(t.ctx, { email: "carol@acme.com" });
      await dispatchNotifications(t.ctx);
      // For a day both secrets sign each delivery, so the receiver can switch without losing one.
      const during = hook.got.at(-1) as Received;
      await expect(verified(during, rotated.signingSecret)).resolves.toMatchObject({ type: "user.created" });
      await expect(verified(during, signingSecret)).resolves.toMatchObject({ type: "user.created" });
      // A day later only the new one signs.
      t.clock.advance(SECRET_GRACE_MS + 1);
      await testEndpoint(t.ctx, endpoint.id);
      const after = hook.got.at(-1) as Received;
      const signedWith = (secret: string) =>
        new Webhook(secret.slice(6)).sign(
          String(after.headers["webhook-id"]),
          new Date(Number(after.headers["webhook-timestamp"]) * 1000),
          after.body,
        );
      expect(after.headers["webhook-signature"]).toBe(signedWith(rotated.signingSecret));
      expect(after.headers["webhook-signature"]).not.toContain(signedWith(signingSecret).slice(3));
      t.clock.set(Date.now());
      // A leaked secret is dropped at once.
      const leaked = await rotateSecret(t.ctx, endpoint.id, { immediately: true });
      await testEndpoint(t.ctx, endpoint.id);
      const now = hook.got.at(-1) as Received;
      await expect(verified(now, leaked.signingSecret)).resolves.toMatchObject({ type: "webhook.test" });
      await expect(verifyWebhook(asRequest(now), { signingSecret: rotated.signingSecret })).rejects.toThrow();

      await removeEndpoint(t.ctx, endpoint.id);
      expect(await listEndpoints(t.ctx)).toEqual([]);
      const actions = (await auditEventsOf(t.ctx, null)).map((e) => e.action).filter((a) => a.startsWith("webhook."));
      expect(actions).toEqual([
        "webhook.endpoint_created",
        "webhook.tested",
        "webhook.secret_rotated",
        "webhook.tested",
        "webhook.secret_rotated",
        "webhook.tested",
        "webhook.endpoint_removed",
      ]);
    });

    it("refuses bad input with a specific error and writes nothing", async () => {
      const hook = await listen();
      await refusedUnchanged(t, () => subscribe(hook.url, ["user.signed_in"]), "webhook.unknown_event_type");
      await refusedUnchanged(t, () => subscribe(hook.url, ["users.*"]), "webhook.unknown_event_type");
      await refusedUnchanged(t, () => subscribe(hook.url, []), "webhook.unknown_event_type");
      await refusedUnchanged(t, () => addEndpoint(t.ctx, { url: hook.url, events: ["*"] }), "notify.insecure_url");
      await refusedUnchanged(t, () => removeEndpoint(t.ctx, "whep_nope"), "webhook.endpoint_not_found");
    });

    it("lets only instance admins manage endpoints", async () => {
      const hook = await listen();
      await createOrganization(t.ctx, { name: "Engineering" });
      await addMember(t.ctx, { organization: "engineering", email: "alice@acme.com", roles: ["org:admin"] });
      const alice = await actingAs(t, "alice@acme.com");
      await refusedUnchanged(
        t,
        () => addEndpoint(alice, { url: hook.url, events: ["*"], allowInsecure: true }),
        "auth.instance_admin_required",
      );
      await expect(listEndpoints(alice)).rejects.toMatchObject({ code: "auth.instance_admin_required" });
    });
  });
}
