// The outbox never holds an invitation's accept link in clear, and keeps no message text after it is sent or,
// dead-lettered, after the retention window (issue 24 item 7: the token sat in body_text and body_html).
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInvitation } from "../src/features/invitations/index.js";
import { createOrganization } from "../src/features/members/index.js";
import {
  configureProvider,
  dispatchNotifications,
  listFailures,
  retryNotification,
} from "../src/features/notifications/index.js";
import { NOTIFY_BODY_RETENTION_MS } from "../src/features/notifications/notification.dispatch.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

/** A plain SMTP server on loopback collecting raw messages. */
async function smtp(): Promise<{ port: number; mails: string[]; server: SMTPServer }> {
  const mails: string[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    onData(stream, _session, done) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString()));
      stream.on("end", () => {
        mails.push(raw);
        done();
      });
    },
    logger: false,
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  return { port: (server.server.address() as AddressInfo).port, mails, server };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: secrets in the notification outbox`, () => {
    let t: TestStore;
    let server: SMTPServer | undefined;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await createOrganization(t.ctx, { name: "Eng" });
    });
    afterEach(async () => {
      if (server) await new Promise<void>((done) => server?.close(() => done()));
      server = undefined;
      await t.close();
    });

    const invite = async (email: string) => {
      const created = await createInvitation(t.ctx, { organization: "eng", email });
      return new URL(created.acceptUrl as string).searchParams.get("token") as string;
    };
    const stored = async () => JSON.stringify(await snapshot(t.store));

    it("keeps the accept link sealed until it is sent, puts it in the e-mail, then keeps no text", async () => {
      const mail = await smtp();
      server = mail.server;
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        from: "clerk@acme.com",
        allowInsecure: true,
      });
      const token = await invite("newbie@acme.com");
      expect(await stored()).not.toContain(token);
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 1, retried: 0, dead: 0 });
      const raw = (mail.mails[0] as string).replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      expect(raw).toContain(
        `Accept the invitation (valid until 2026-01-31): http://127.0.0.1:3000/v1/invitations/accept?token=${token}`,
      );
      expect(raw).toContain(`<a href="http://127.0.0.1:3000/v1/invitations/accept?token=${token}">`);
      expect(await stored()).not.toContain(token);
      const row = await t.store.db.selectFrom("notifications").selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: "delivered",
        body_text: "",
        body_html: null,
        payload: "{}",
        sealed_values: null,
      });
      expect(row.subject).toBe("You are invited to join Eng");
    });

    it("keeps a dead-lettered message sealed for a retry, then purges it after the retention window", async () => {
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: 9,
        from: "clerk@acme.com",
        allowInsecure: true,
      });
      const token = await invite("late@acme.com");
      await dispatchNotifications(t.ctx);
      t.clock.advance(25 * 3_600_000);
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ dead: 1 });
      const [dead] = await listFailures(t.ctx);
      expect(dead?.body_text).toContain("{{accept_url}}");
      expect(dead?.sealed_values).toMatch(/^v1\./);
      expect(await stored()).not.toContain(token);
      t.clock.advance(NOTIFY_BODY_RETENTION_MS + 1);
      await dispatchNotifications(t.ctx);
      const row = await t.store.db.selectFrom("notifications").selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: "dead", body_text: "", body_html: null, sealed_values: null });
      await expect(retryNotification(t.ctx, row.id)).rejects.toMatchObject({ code: "notify.purged" });
      const purged = await t.store.db
        .selectFrom("audit_events")
        .select("action")
        .where("action", "=", "notification.bodies_purged")
        .execute();
      expect(purged).toHaveLength(1);
    });
  });
}
