// Proving an organization owns a domain, over the API and the CLI: a DNS TXT record (the resolver injected into
// the server, no network) or a code e-mailed through the notifications outbox to a real SMTP server on loopback.
// Wrong records and codes say what was wrong, count, and verify nothing; the audit log has each step.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli/main.js";
import { configureProvider, dispatchNotifications } from "../src/features/notifications/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

type Json = Record<string, unknown>;

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
  describe(`${dialect}: verifying a domain`, () => {
    let t: TestStore;
    let api: TestApi;
    /** The DNS the server sees: TXT records by name. */
    const dns = new Map<string, string[][]>();
    let mail: Awaited<ReturnType<typeof smtp>> | undefined;

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const base = "/v1/organizations/acme/domains";
    const errorOf = (body: Json) => (body.errors as { code: string; message: string }[])[0];
    const audit = async () =>
      (await t.store.db.selectFrom("audit_events").select("action").orderBy("seq").execute())
        .map((e) => e.action)
        .filter((a) => a.startsWith("domain."));

    beforeEach(async () => {
      dns.clear();
      t = await openTestStore(dialect);
      api = await startApi(t, {
        resolveTxt: async (name) => {
          const records = dns.get(name);
          if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
          return records;
        },
      });
      await createOrg(t.ctx, { name: "Acme" });
      expect((await call("POST", base, { name: "acme.com", verified: false })).status).toBe(200);
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      process.exitCode = 0;
      delete process.env.CLERK_API_URL;
      delete process.env.CLERK_SECRET_KEY;
      await api.app.close();
      await new Promise<void>((done) => (mail ? mail.server.close(() => done()) : done()));
      mail = undefined;
      await t.close();
    });

    it("by DNS: the record to publish, a clear refusal while it is missing, verified once it is there", async () => {
      const started = await call("POST", `${base}/acme.com/verification`, { strategy: "dns_record" });
      expect(started.status).toBe(200);
      const record = started.body.dns_record as { type: string; name: string; value: string };
      expect(record).toMatchObject({ type: "TXT", name: "_clerk-verification.acme.com" });
      expect(record.value).toMatch(/^clerk-domain-verification=[\w-]{32}$/);
      expect((started.body.domain as Json).verification).toMatchObject({
        status: "unverified",
        strategy: "dns_record",
      });

      let attempt = await call("POST", `${base}/acme.com/verification/attempt`, {});
      expect(attempt.status).toBe(422);
      expect(errorOf(attempt.body)?.message).toMatch(
        /No TXT record at _clerk-verification\.acme\.com .* \(found none\)/,
      );
      dns.set("_clerk-verification.acme.com", [["v=spf1 -all"], ["clerk-domain-verification=someone-else"]]);
      attempt = await call("POST", `${base}/acme.com/verification/attempt`, {});
      expect(errorOf(attempt.body)?.message).toMatch(/found "v=spf1 -all", "clerk-domain-verification=someone-else"/);
      // A long value may be split into several character-strings; they are joined.
      dns.set("_clerk-verification.acme.com", [["v=spf1 -all"], [record.value.slice(0, 20), record.value.slice(20)]]);
      attempt = await call("POST", `${base}/acme.com/verification/attempt`, {});
      expect(attempt.status).toBe(200);
      expect(attempt.body.verification).toEqual({
        status: "verified",
        strategy: "dns_record",
        attempts: 1,
        expire_at: null,
        verified_at: t.clock.now(),
      });
      expect(await audit()).toEqual(["domain.created", "domain.verification_started", "domain.verified"]);
      // Nothing left to prove.
      expect(
        errorOf((await call("POST", `${base}/acme.com/verification`, { strategy: "dns_record" })).body)?.code,
      ).toBe("organization_domain_already_verified");
    });

    it("by e-mail: a code sent through the outbox to an address at the domain; five wrong codes void it", async () => {
      mail = await smtp();
      await configureProvider(t.ctx, {
        kind: "email",
        smtpHost: "127.0.0.1",
        smtpPort: mail.port,
        from: "clerk@acme.com",
        allowInsecure: true,
      });
      const outside = await call("POST", `${base}/acme.com/verification`, {
        strategy: "email_code",
        email_address: "it@evil.com",
      });
      expect(outside.status).toBe(422);
      expect(errorOf(outside.body)?.message).toMatch(/it@evil\.com is not an address at acme\.com/);

      const started = await call("POST", `${base}/acme.com/verification`, {
        strategy: "email_code",
        email_address: "IT@acme.com",
      });
      expect(started.body).toMatchObject({ strategy: "email_code", email_address: "it@acme.com", dns_record: null });
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ delivered: 1 });
      const code = /is (\d{6})\./.exec((mail.mails[0] as string).replace(/=\r?\n/g, ""))?.[1] as string;
      expect(code).toMatch(/^\d{6}$/);
      // The outbox never held the code in clear.
      const stored = await t.store.db.selectFrom("notifications").select(["body_text"]).execute();
      expect(JSON.stringify(stored)).not.toContain(code);

      const wrong = code === "000000" ? "111111" : "000000";
      const first = await call("POST", `${base}/acme.com/verification/attempt`, { code: wrong });
      expect(first.status).toBe(422);
      expect(errorOf(first.body)?.message).toBe("That is not the code sent to it@acme.com; 4 tries left.");
      const right = await call("POST", `${base}/acme.com/verification/attempt`, { code });
      expect(right.status).toBe(200);
      expect(right.body.verification).toMatchObject({ status: "verified", strategy: "email_code", attempts: 2 });

      // Another domain: five wrong codes and even the right one no longer works.
      await call("POST", base, { name: "acme.org", verified: false });
      await call("POST", `${base}/acme.org/verification`, { strategy: "email_code", email_address: "it@acme.org" });
      await dispatchNotifications(t.ctx);
      const code2 = /is (\d{6})\./.exec((mail.mails[1] as string).replace(/=\r?\n/g, ""))?.[1] as string;
      const wrong2 = code2 === "000000" ? "111111" : "000000";
      for (let i = 0; i < 5; i++)
        expect((await call("POST", `${base}/acme.org/verification/attempt`, { code: wrong2 })).status).toBe(422);
      const locked = await call("POST", `${base}/acme.org/verification/attempt`, { code: code2 });
      expect(locked.status).toBe(429);
      expect(errorOf(locked.body)?.message).toMatch(/Too many wrong codes for acme\.org/);
      expect((await call("GET", `${base}?verified=true`)).body.total_count).toBe(1);
      expect((await audit()).filter((a) => a === "domain.verification_failed")).toHaveLength(6);
    });

    it("refuses an e-mail proof when no e-mail provider is configured, and an expired proof", async () => {
      const none = await call("POST", `${base}/acme.com/verification`, {
        strategy: "email_code",
        email_address: "it@acme.com",
      });
      expect(none.status).toBe(422);
      expect(errorOf(none.body)?.message).toMatch(/No e-mail provider is configured/);
      expect(await t.store.db.selectFrom("domain_verifications").selectAll().execute()).toEqual([]);
      await call("POST", `${base}/acme.com/verification`, { strategy: "dns_record" });
      t.clock.advance(8 * 24 * 60 * 60_000);
      const late = await call("POST", `${base}/acme.com/verification/attempt`, {});
      expect(errorOf(late.body)?.message).toMatch(/expired; start a new one/);
      const missing = await call("POST", `${base}/acme.org/verification/attempt`, {});
      expect(missing.status).toBe(404);
    });

    it("clerk org domain verify: prints the record, then --check verifies", async () => {
      process.env.CLERK_API_URL = api.url;
      process.env.CLERK_SECRET_KEY = api.secret;
      let out = "";
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      await main([
        "org",
        "domain",
        "verify",
        "acme.com",
        "--organization",
        "acme",
        "--method",
        "dns",
        "--format",
        "table",
      ]);
      const value = /_clerk-verification\.acme\.com {2}TXT {2}"([^"]+)"/.exec(out)?.[1] as string;
      expect(out).toContain("Then run: clerk org domain verify acme.com --check");
      dns.set("_clerk-verification.acme.com", [[value]]);
      out = "";
      await main(["org", "domain", "verify", "acme.com", "--organization", "acme", "--check", "--format", "table"]);
      expect(out).toBe("Verified acme.com for acme (dns_record).\n");
      expect(process.exitCode ?? 0).toBe(0);
    });
  });
}
