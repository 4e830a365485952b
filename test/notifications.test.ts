// Notifications against real receivers on loopback, on both stores: an SMTP server (smtp-server), HTTP servers
// standing in for Slack and a webhook endpoint (signatures checked with the standardwebhooks package);
// retries, a dispatcher dying after sending, the dead letter, two dispatchers at once, and bad input.
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ServiceContext, createRuntime } from "../src/context.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import { healthReport } from "../src/features/health/index.js";
import { createInvitation } from "../src/features/invitations/index.js";
import { addMember, createOrganization, getMember } from "../src/features/members/index.js";
import {
  NOTIFY_LEASE_MS,
  addRule,
  configureProvider,
  deliveryLog,
  dispatchNotifications,
  listFailures,
  retryNotification,
  testProvider,
} from "../src/features/notifications/index.js";
import { sendWebhook } from "../src/features/notifications/notification.senders.js";
import { createRole } from "../src/features/roles/index.js";
import { TASK_JOB_HANDLERS, emitEvent } from "../src/features/tasks/index.js";
import { addStage, createWorkflow, setEscalation } from "../src/features/workflows/index.js";
import { runDueJobs } from "../src/features/jobs/index.js";
import { openStore } from "../src/store/index.js";
import { startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

/** An HTTP receiver on loopback that answers with the next status of `script` (then 200), recording each request. */
async function receiver(
  script: number[] = [],
): Promise<{ url: string; got: Received[]; server: Server; port: number }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.statusCode = script.shift() ?? 200;
      res.end(res.statusCode === 200 ? "ok" : "broken");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, got, server, port };
}

interface Mail {
  to: string[];
  raw: string;
  user: string | undefined;
}

/** A real SMTP server on loopback (STARTTLS offered with its own certificate, login required). */
async function smtp(): Promise<{ port: number; mails: Mail[]; server: SMTPServer }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, done) {
      if (auth.username === "clerk" && auth.password === "s3cret") done(null, { user: "clerk" });
      else done(new Error("bad login"));
    },
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString()));
      stream.on("end", () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
        });
        done();
      });
    },
    logger: false,
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  return { port: (server.server.address() as AddressInfo).port, mails, server };
}

const close = (s: Server) => new Promise<void>((done) => s.close(() => done()));

for (const dialect of DIALECTS) {
  describe(`${dialect}: notifications`, () => {
    let t: TestStore;
    const servers: Server[] = [];
    const mailServers: SMTPServer[] = [];
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await createOrganization(t.ctx, { name: "Eng" });
      await createRole(t.ctx, { name: "Code Reviewer", organization: "eng" });
      await addMember(t.ctx, { organization: "eng", email: "rev@acme.com", roles: "Code Reviewer" });
      await createWorkflow(t.ctx, {
        organization: "eng",
        name: "Pull Request Approval",
        trigger: "event:pull_request_opened",
      });
      await addStage(t.ctx, "pull-request-approval", {
        name: "Technical Review",
        requiresRole: "Code Reviewer",
        timeout: "24h",
      });
    });
    afterEach(async () => {
      for (const s of servers.splice(0)) await close(s);
      for (const s of mailServers.splice(0)) await new Promise<void>((done) => s.close(() => done()));
      await t.close();
    });

    const openPr = (n: number, title = `PR ${n}`) =>
      emitEvent(t.ctx, {
        organization: "eng",
        type: "pull_request_opened",
        data: { pr: { number: n, title, url: `https://git.example.com/pr/${n}` }, team: "web" },
      });

    it("e-mails the assignee over SMTP with the placeholders rendered, in plain text and HTML", async () => {
      const mail = await smtp();
      mailServers.push(mail.server);
      process.env.CLERK_SMTP_PASSWORD = "unused";
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        smtpUser: "clerk",
        smtpPassword: "s3cret",
        from: "clerk <clerk@acme.com>",
        allowInsecure: true,
      });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "stage:assigned",
        message: "Please review {pr.title}: {pr.url} (team {event.team})",
        channel: "email:assignee",
      });
      await openPr(1, "Fix <login> & logout");
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect(mail.mails).toHaveLength(1);
      const m = mail.mails[0] as Mail;
      expect([m.to, m.user]).toEqual([["rev@acme.com"], "clerk"]);
      // Long header lines are folded onto continuation lines; read them unfolded.
      expect(m.raw.replace(/\r?\n[ \t]+/g, " ")).toMatch(
        /^Subject: \[clerk\] Pull Request Approval: Review requested - Fix <login> & logout\r?$/m,
      );
      expect(m.raw).toContain("Content-Type: text/plain");
      expect(m.raw).toContain("Please review Fix <login> & logout: https://git.example.com/pr/1 (team web)");
      expect(m.raw).toContain("Content-Type: text/html");
      expect(m.raw.replace(/=\r?\n/g, "")).toContain(
        "<p>Please review Fix &lt;login&gt; &amp; logout: https://git.example.com/pr/1 (team web)</p>",
      );
      expect(m.raw).toMatch(/^Message-ID: <ntf_\w+@clerk>/m);
    });

    it("e-mails an invitation with an accept link that makes the invitee a member, once", async () => {
      const mail = await smtp();
      mailServers.push(mail.server);
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        smtpUser: "clerk",
        smtpPassword: "s3cret",
        from: "clerk@acme.com",
        allowInsecure: true,
      });
      const created = await createInvitation(t.ctx, {
        organization: "eng",
        email: "newbie@acme.com",
        role: "Code Reviewer",
      });
      await createInvitation(t.ctx, { organization: "eng", email: "quiet@acme.com", notify: false });
      expect((await dispatchNotifications(t.ctx)).delivered).toBe(1);
      expect(mail.mails.map((m) => m.to)).toEqual([["newbie@acme.com"]]);
      const raw = (mail.mails[0] as Mail).raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const link = /(http:\/\/127\.0\.0\.1:3000\/v1\/invitations\/accept\?token=[\w-]+)/.exec(raw)?.[1];
      expect(link).toBe(created.acceptUrl);
      const api = await startApi(t);
      try {
        const path = new URL(link as string).pathname + new URL(link as string).search;
        const token = new URL(link as string).searchParams.get("token") as string;
        // Opening the link shows a form; only its POST accepts.
        const opened = await api.app.inject({ method: "GET", url: path });
        expect([opened.statusCode, opened.headers["content-type"]]).toEqual([200, "text/html; charset=utf-8"]);
        expect(opened.body).toContain(`<input type="hidden" name="token" value="${token}">`);
        const accept = (t: string) =>
          api.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: t } });
        const accepted = await accept(token);
        expect([accepted.statusCode, accepted.json().status]).toEqual([200, "accepted"]);
        const again = await accept(token);
        expect([again.statusCode, again.json().errors[0].long_message]).toEqual([
          404,
          "This invitation is accepted; ask eng for a new one.",
        ]);
        expect((await accept("forged")).statusCode).toBe(404);
      } finally {
        await api.app.close();
      }
      const member = await getMember(t.ctx, "eng", "newbie@acme.com");
      expect(member.roles.map((r) => r.key)).toEqual(["org:code_reviewer"]);
    });

    it("e-mails the escalation's --notify address when a stage escalates, without any rule", async () => {
      const mail = await smtp();
      mailServers.push(mail.server);
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        smtpUser: "clerk",
        smtpPassword: "s3cret",
        from: "clerk@acme.com",
        allowInsecure: true,
      });
      await createRole(t.ctx, { name: "Senior Reviewer", organization: "eng", extends: "Code Reviewer" });
      await addMember(t.ctx, { organization: "eng", email: "senior@acme.com", roles: "Senior Reviewer" });
      await setEscalation(t.ctx, "pull-request-approval", {
        stage: "Technical Review",
        after: "48h",
        escalateTo: "Senior Reviewer",
        notify: "tech-lead@acme.com",
      });
      await openPr(7, "Slow one");
      t.clock.advance(49 * 3_600_000);
      await runDueJobs(t.ctx, TASK_JOB_HANDLERS);
      expect((await dispatchNotifications(t.ctx)).delivered).toBe(1);
      expect(mail.mails.map((m) => m.to)).toEqual([["tech-lead@acme.com"]]);
      // Quoted-printable: soft line breaks and "=22" for a quote.
      const body = (mail.mails[0] as Mail).raw.replace(/=\r?\n/g, "").replace(/=22/g, '"');
      expect(body).toContain(
        'Stage "Technical Review" of Pull Request Approval #7 was not decided within 48h; its open tasks went to org:senior_reviewer: senior@acme.com.',
      );
    });

    it("posts to Slack with mrkdwn escaped, and signs webhooks per the Standard Webhooks spec", async () => {
      const slack = await receiver();
      const hook = await receiver();
      servers.push(slack.server, hook.server);
      // The standardwebhooks verifier compares the signed timestamp with the wall clock.
      t.clock.set(Date.now());
      await configureProvider(t.ctx, {
        kind: "slack",
        webhook: slack.url,
        channel: "#code-reviews",
        allowInsecure: true,
      });
      const { signingSecret } = await configureProvider(t.ctx, {
        kind: "webhook",
        name: "ci",
        url: hook.url,
        allowInsecure: true,
      });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "stage:assigned",
        message: "New review: {pr.title} {pr.url}",
        channel: "slack:#code-reviews",
      });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "stage:assigned",
        message: "{stage.name} of {workflow.name} for {assignee.email}",
        channel: "webhook:ci",
      });
      await openPr(2, "Use <b> & <i>");
      expect((await dispatchNotifications(t.ctx)).delivered).toBe(2);
      expect(JSON.parse(slack.got[0]?.body as string)).toEqual({
        text: "New review: Use &lt;b&gt; &amp; &lt;i&gt; https://git.example.com/pr/2",
        channel: "#code-reviews",
      });
      const got = hook.got[0] as Received;
      const verified = new Webhook((signingSecret as string).replace(/^whsec_/, "")).verify(
        got.body,
        got.headers as Record<string, string>,
      ) as { type: string; data: Record<string, unknown> };
      expect(verified).toMatchObject({
        type: "stage:assigned",
        data: {
          message: "Technical Review of Pull Request Approval for rev@acme.com",
          pr_number: 2,
          stage_name: "Technical Review",
        },
      });
      // A forged body fails the same check.
      expect(() =>
        new Webhook((signingSecret as string).replace(/^whsec_/, "")).verify(
          got.body.replace("rev@", "eve@"),
          got.headers as Record<string, string>,
        ),
      ).toThrow();
      const row = await t.store.db
        .selectFrom("notification_providers")
        .select("secret")
        .where("kind", "=", "slack")
        .executeTakeFirstOrThrow();
      expect(row.secret).not.toContain("127.0.0.1");
    });

    it("retries when the receiver answers 500 or is down, then delivers when it is back", async () => {
      const hook = await receiver([500]);
      servers.push(hook.server);
      await configureProvider(t.ctx, { kind: "webhook", name: "ci", url: hook.url, allowInsecure: true });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "stage:assigned",
        message: "{pr.url}",
        channel: "webhook:ci",
      });
      await openPr(3);
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 0, retried: 1, dead: 0 });
      // Not due again until the backoff has passed.
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 0, retried: 0, dead: 0 });
      await close(hook.server);
      servers.pop();
      t.clock.advance(60_000);
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 0, retried: 1, dead: 0 });
      const back = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          hook.got.push({ headers: req.headers, body: "" });
          res.end("ok");
        });
      });
      await new Promise<void>((done) => back.listen(hook.port, "127.0.0.1", done));
      servers.push(back);
      t.clock.advance(60_000);
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect(new Set(hook.got.map((g) => g.headers["webhook-id"])).size).toBe(1);
      const log = await deliveryLog(t.ctx);
      expect(log.map((a) => [a.attempt, a.outcome])).toEqual([
        [3, "delivered"],
        [2, "failed"],
        [1, "failed"],
      ]);
      expect(log[1]?.error).toBe("connection refused");
      expect(log[2]).toMatchObject({ status_code: 500, error: "answered 500" });
    });

    it("sends again with the same id when a dispatcher died after sending, so the receiver can drop the duplicate", async () => {
      const hook = await receiver();
      servers.push(hook.server);
      const { signingSecret } = await configureProvider(t.ctx, {
        kind: "webhook",
        name: "ci",
        url: hook.url,
        allowInsecure: true,
      });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "stage:assigned",
        message: "{pr.url}",
        channel: "webhook:ci",
      });
      await openPr(4);
      // A dispatcher claims the message, sends it, and dies before recording the outcome.
      const row = await t.store.db.selectFrom("notifications").selectAll().executeTakeFirstOrThrow();
      await t.store.db
        .updateTable("notifications")
        .set({ lease_owner: "dispatcher_dead", lease_until: t.clock.now() + NOTIFY_LEASE_MS, attempts: 1 })
        .execute();
      await sendWebhook(
        hook.url,
        signingSecret as string,
        {
          id: row.id,
          recipient: row.recipient,
          subject: row.subject,
          text: row.body_text,
          html: null,
          payload: JSON.parse(row.payload),
        },
        t.clock.now(),
        { loopback: true, privateNetwork: false },
      );
      expect((await dispatchNotifications(t.ctx)).delivered).toBe(0);
      t.clock.advance(NOTIFY_LEASE_MS + 1);
      expect((await dispatchNotifications(t.ctx)).delivered).toBe(1);
      expect(hook.got.map((g) => g.headers["webhook-id"])).toEqual([row.id, row.id]);
      expect(
        await t.store.db.selectFrom("notifications").select(["status", "attempts"]).executeTakeFirstOrThrow(),
      ).toEqual({ status: "delivered", attempts: 2 });
    });

    it("dead-letters a message still undelivered past its maximum age; retry queues it again; health lists it", async () => {
      const hook = await receiver(Array(20).fill(500));
      servers.push(hook.server);
      await configureProvider(t.ctx, { kind: "webhook", name: "ci", url: hook.url, allowInsecure: true });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "stage:assigned",
        message: "{pr.url}",
        channel: "webhook:ci",
      });
      await openPr(5);
      await dispatchNotifications(t.ctx);
      t.clock.advance(25 * 3_600_000);
      expect(await dispatchNotifications(t.ctx)).toEqual({ delivered: 0, retried: 0, dead: 1 });
      const [dead] = await listFailures(t.ctx);
      expect(dead).toMatchObject({ status: "dead", attempts: 2, last_error: "answered 500" });
      const report = await healthReport(t.ctx, "eng");
      expect(report.sections.find((s) => s.check === "notification.dead_lettered")).toMatchObject({
        available: true,
        findings: [{ notification: dead?.id }],
      });
      const org = await t.store.db.selectFrom("organizations").select("id").executeTakeFirstOrThrow();
      expect((await auditEventsOf(t.ctx, org.id)).map((e) => e.action)).toContain("notification.dead_lettered");
      hook.got.length = 0;
      await retryNotification(t.ctx, dead?.id as string);
      await t.store.db.updateTable("notifications").set({ next_attempt_at: 0 }).execute();
      const fixed = await receiver();
      servers.push(fixed.server);
      await configureProvider(t.ctx, { kind: "webhook", name: "ci", url: fixed.url, allowInsecure: true });
      expect((await dispatchNotifications(t.ctx)).delivered).toBe(1);
      await refusedUnchanged(t, () => retryNotification(t.ctx, dead?.id as string), "notify.not_dead");
    });

    it("writes no message for a change that rolled back, and none when no rule matches", async () => {
      const hook = await receiver();
      servers.push(hook.server);
      await configureProvider(t.ctx, { kind: "webhook", name: "ci", url: hook.url, allowInsecure: true });
      await addRule(t.ctx, {
        workflow: "pull-request-approval",
        on: "run:approved",
        message: "{pr.url}",
        channel: "webhook:ci",
      });
      await openPr(6);
      expect(await t.store.db.selectFrom("notifications").selectAll().execute()).toEqual([]);
      await expect(
        emitEvent(t.ctx, { organization: "eng", type: "pull_request_opened", requester: "nobody@acme.com" }),
      ).rejects.toMatchObject({ code: "user.not_found" });
      expect(await t.store.db.selectFrom("notifications").selectAll().execute()).toEqual([]);
    });

    if (dialect === "postgres") {
      it("two dispatchers on one database deliver each message once", async () => {
        const hook = await receiver();
        servers.push(hook.server);
        await configureProvider(t.ctx, { kind: "webhook", name: "ci", url: hook.url, allowInsecure: true });
        await addRule(t.ctx, {
          workflow: "pull-request-approval",
          on: "stage:assigned",
          message: "{pr.url}",
          channel: "webhook:ci",
        });
        for (let n = 10; n < 30; n++) await openPr(n);
        // A second server's dispatcher: its own connection pool to the same database (no password to redact here).
        const otherStore = await openStore(t.store.location);
        const second: ServiceContext = { ...t.ctx, runtime: createRuntime(), db: otherStore.db };
        const reports = await Promise.all([dispatchNotifications(t.ctx), dispatchNotifications(second)]);
        await otherStore.close();
        expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(20);
        const ids = hook.got.map((g) => g.headers["webhook-id"]);
        expect(ids).toHaveLength(20);
        expect(new Set(ids).size).toBe(20);
      });
    }

    it("refuses bad settings and rules with a specific error, storing nothing", async () => {
      await configureProvider(t.ctx, {
        kind: "slack",
        webhook: "https://hooks.slack.com/services/T/B/X",
        channel: "#code-reviews",
      });
      const cases: [string, () => Promise<unknown>, string][] = [
        [
          "a Slack URL that is not https",
          () => configureProvider(t.ctx, { kind: "slack", webhook: "http://hooks.slack.com/x", channel: "#a" }),
          "notify.insecure_url",
        ],
        [
          "http to this machine without --allow-insecure",
          () => configureProvider(t.ctx, { kind: "webhook", url: "http://127.0.0.1:9/x" }),
          "notify.insecure_url",
        ],
        ["an unknown provider", () => configureProvider(t.ctx, { kind: "sms" }), "notify.invalid_provider"],
        [
          "an SMTP login without a password",
          () =>
            configureProvider(t.ctx, {
              kind: "email",
              smtpHost: "smtp.acme.com",
              smtpUser: "clerk",
              from: "clerk@acme.com",
            }),
          "notify.invalid_provider",
        ],
        [
          "an unknown placeholder",
          () =>
            addRule(t.ctx, {
              workflow: "pull-request-approval",
              on: "stage:assigned",
              message: "Review {pr.link}",
              channel: "slack:#code-reviews",
            }),
          "notify.unknown_placeholder",
        ],
        [
          "an unknown signal",
          () =>
            addRule(t.ctx, {
              workflow: "pull-request-approval",
              on: "stage:started",
              message: "{pr.url}",
              channel: "slack:#code-reviews",
            }),
          "notify.invalid_channel",
        ],
        [
          "a Slack channel with no provider",
          () =>
            addRule(t.ctx, {
              workflow: "pull-request-approval",
              on: "stage:overdue",
              message: "{pr.title}",
              channel: "slack:#engineering-alerts",
            }),
          "notify.provider_not_configured",
        ],
        [
          "e-mail with no e-mail provider",
          () =>
            addRule(t.ctx, {
              workflow: "pull-request-approval",
              on: "stage:overdue",
              message: "{pr.title}",
              channel: "email:lead@acme.com",
            }),
          "notify.provider_not_configured",
        ],
        [
          "a channel of no known kind",
          () =>
            addRule(t.ctx, {
              workflow: "pull-request-approval",
              on: "stage:overdue",
              message: "{pr.title}",
              channel: "teams:#x",
            }),
          "notify.invalid_channel",
        ],
        [
          "a member configuring providers",
          async () =>
            configureProvider(await actingAs(t, "rev@acme.com"), { kind: "webhook", url: "https://x.example.com" }),
          "auth.instance_admin_required",
        ],
      ];
      for (const [, op, code] of cases) await refusedUnchanged(t, op, code);
      await expect(
        addRule(t.ctx, {
          workflow: "pull-request-approval",
          on: "stage:overdue",
          message: "{pr.title}",
          channel: "slack:#engineering-alerts",
        }),
      ).rejects.toThrow(
        /No slack provider for slack:#engineering-alerts is configured\. Configured: slack:#code-reviews\. Configure it with: clerk notify configure --provider slack/,
      );
    });

    it("sends a test message through a provider and says when it fails", async () => {
      const slack = await receiver([503]);
      servers.push(slack.server);
      await configureProvider(t.ctx, {
        kind: "slack",
        webhook: slack.url,
        channel: "#code-reviews",
        allowInsecure: true,
      });
      expect(await testProvider(t.ctx, { kind: "slack" })).toMatchObject({
        ok: false,
        statusCode: 503,
        provider: "slack:#code-reviews",
      });
      expect(await testProvider(t.ctx, { kind: "slack", name: "#code-reviews" })).toMatchObject({
        ok: true,
        statusCode: 200,
      });
      expect(JSON.parse(slack.got[1]?.body as string).text).toMatch(/test message from clerk/);
    });
  });
}
