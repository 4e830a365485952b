// Notification security on both stores (issue 24 items 6 and 8): SMTP never logs in without TLS, providers
// may not point at this machine, the private network or the metadata service unless allowed, and that is
// checked again when a message is sent (DNS rebinding), with short reasons instead of connection errors.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureProvider,
  deliveryLog,
  dispatchNotifications,
  enqueueEmail,
  testProvider,
} from "../src/features/notifications/index.js";
import { DIALECTS, type TestStore, openTestStore, refusedUnchanged } from "./helpers/store.js";

/** An HTTP receiver on loopback counting what it gets. */
async function receiver(): Promise<{ port: number; got: string[]; server: Server }> {
  const got: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push(body);
      res.end("secret internal answer");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { port: (server.address() as AddressInfo).port, got, server };
}

/** An SMTP server on loopback that offers no STARTTLS and would take a login in clear text. */
async function clearSmtp(): Promise<{ port: number; logins: string[]; mails: number; server: SMTPServer }> {
  const state = { port: 0, logins: [] as string[], mails: 0, server: undefined as unknown as SMTPServer };
  state.server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, done) {
      state.logins.push(`${auth.username}:${auth.password}`);
      done(null, { user: auth.username });
    },
    onData(stream, _session, done) {
      stream.resume();
      stream.on("end", () => {
        state.mails += 1;
        done();
      });
    },
    logger: false,
  });
  await new Promise<void>((done) => state.server.listen(0, "127.0.0.1", () => done()));
  state.port = (state.server.server.address() as AddressInfo).port;
  return state;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: notification security`, () => {
    let t: TestStore;
    const closers: (() => Promise<void>)[] = [];
    beforeEach(async () => {
      t = await openTestStore(dialect);
    });
    afterEach(async () => {
      for (const c of closers.splice(0)) await c();
      await t.close();
    });

    it.each([
      ["https to 127.0.0.1", "https://127.0.0.1/hook"],
      ["https to [::1]", "https://[::1]/hook"],
      ["https to the metadata service", "https://169.254.169.254/latest/meta-data/"],
      ["https to a private address", "https://10.0.0.1/hook"],
      ["https to 0x7f000001", "https://0x7f000001/hook"],
      ["https to an IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/hook"],
      ["https to localhost", "https://localhost/hook"],
      ["https to a name under localhost", "https://api.localhost/hook"],
    ])("refuses a webhook or Slack receiver at %s, storing nothing", async (_name, url) => {
      await refusedUnchanged(
        t,
        () => configureProvider(t.ctx, { kind: "webhook", name: "ci", url }),
        "notify.destination_refused",
      );
      await refusedUnchanged(
        t,
        () => configureProvider(t.ctx, { kind: "slack", webhook: url, channel: "#alerts" }),
        "notify.destination_refused",
      );
    });

    it("refuses an SMTP host on this machine, the private network or the metadata service unless allowed", async () => {
      const email = (smtpHost: string, extra: { allowInsecure?: boolean; allowPrivateNetwork?: boolean } = {}) =>
        configureProvider(t.ctx, { kind: "email", smtpHost, from: "clerk@acme.com", ...extra });
      for (const host of ["127.0.0.1", "localhost", "0x7f000001", "10.1.2.3", "[fd00::1]", "169.254.169.254"])
        await refusedUnchanged(t, () => email(host), "notify.destination_refused");
      await refusedUnchanged(
        t,
        () => email("169.254.169.254", { allowPrivateNetwork: true }),
        "notify.destination_refused",
      );
      await refusedUnchanged(t, () => email("10.1.2.3", { allowInsecure: true }), "notify.destination_refused");
      await expect(email("10.1.2.3", { allowPrivateNetwork: true })).resolves.toMatchObject({ replaced: false });
      await expect(email("127.0.0.1", { allowInsecure: true })).resolves.toMatchObject({ replaced: true });
    });

    it("checks the address again when sending, and says only a short reason", async () => {
      const hook = await receiver();
      closers.push(() => new Promise((done) => hook.server.close(() => done())));
      await configureProvider(t.ctx, {
        kind: "webhook",
        name: "ip",
        url: `http://127.0.0.1:${hook.port}/hook`,
        allowInsecure: true,
      });
      await configureProvider(t.ctx, {
        kind: "webhook",
        name: "named",
        url: `http://localhost:${hook.port}/hook`,
        allowInsecure: true,
      });
      expect(await testProvider(t.ctx, { kind: "webhook", name: "ip" })).toMatchObject({ ok: true });
      expect(hook.got).toHaveLength(1);
      // What was allowed when configured is not any more (as when a name starts resolving to another address).
      await t.store.db.updateTable("notification_providers").set({ allow_insecure: 0 }).execute();
      for (const name of ["ip", "named"])
        expect(await testProvider(t.ctx, { kind: "webhook", name })).toEqual({
          ok: false,
          statusCode: null,
          error: "destination refused: not a public address",
          provider: `webhook:${name}`,
        });
      expect(hook.got).toHaveLength(1);
    });

    it("never sends the SMTP password to a server without STARTTLS, and logs why the delivery failed", async () => {
      const mail = await clearSmtp();
      closers.push(() => new Promise((done) => mail.server.close(() => done())));
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        smtpUser: "clerk",
        smtpPassword: "s3cret",
        from: "clerk@acme.com",
        allowPrivateNetwork: true,
      });
      await enqueueEmail(t.ctx, {
        organizationId: null,
        source: "test",
        to: "lead@acme.com",
        subject: "Hello",
        text: "Hello",
        html: null,
      });
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 0, retried: 1, dead: 0 });
      expect([mail.logins, mail.mails]).toEqual([[], 0]);
      const [attempt] = await deliveryLog(t.ctx);
      expect(attempt).toMatchObject({ outcome: "failed", error: expect.stringMatching(/offers no STARTTLS/) });
    });

    it("logs in without TLS only to a server on this machine configured with --allow-insecure", async () => {
      const mail = await clearSmtp();
      closers.push(() => new Promise((done) => mail.server.close(() => done())));
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        smtpUser: "clerk",
        smtpPassword: "s3cret",
        from: "clerk@acme.com",
        allowInsecure: true,
      });
      expect(await testProvider(t.ctx, { kind: "email", to: "lead@acme.com" })).toMatchObject({ ok: true });
      expect([mail.logins, mail.mails]).toEqual([["clerk:s3cret"], 1]);
    });

    it("keeps a receiver's answer and connection errors out of the log", async () => {
      const hook = createServer((req, res) => {
        req.resume();
        res.statusCode = 500;
        res.end("stack trace of an internal service");
      });
      await new Promise<void>((done) => hook.listen(0, "127.0.0.1", done));
      closers.push(() => new Promise((done) => hook.close(() => done())));
      const port = (hook.address() as AddressInfo).port;
      await configureProvider(t.ctx, { kind: "webhook", url: `http://127.0.0.1:${port}/x`, allowInsecure: true });
      expect(await testProvider(t.ctx, { kind: "webhook" })).toMatchObject({ ok: false, error: "answered 500" });
      await configureProvider(t.ctx, { kind: "webhook", url: "http://127.0.0.1:9/x", allowInsecure: true });
      expect(await testProvider(t.ctx, { kind: "webhook" })).toMatchObject({ ok: false, error: "connection refused" });
    });
  });
}
