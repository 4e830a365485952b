// What an operator relies on: /metrics (who may read it, what it says), /readyz while migrations run, and a
// SIGTERM-style stop that lets the request in flight finish.
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../src/clock.js";
import { createRuntime } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { ensureInstance } from "../src/features/roles/index.js";
import { buildApp } from "../src/http/app.js";
import { serve } from "../src/http/serve.js";
import { SharedRateLimitStore } from "../src/http/shared-rate-limit.js";
import { type Store, openStore } from "../src/store/index.js";
import { DIALECTS, OPERATOR, freshLocation } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: serving in production`, () => {
    let location: string;
    let server: Awaited<ReturnType<typeof serve>>;
    let secret: string;
    let orgId: string;
    let userId: string;
    const json = { "content-type": "application/json" };

    beforeAll(async () => {
      location = await freshLocation(dialect);
      const store = await openStore(location);
      const ctx = contextFor(store, { clock: systemClock, actor: OPERATOR });
      await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
      orgId = (await createOrganization(ctx, { name: "Eng" })).id;
      userId = (await addMember(ctx, { organization: "eng", email: "dev@acme.com", roles: "org:member" })).user.id;
      secret = (await createKey(ctx, { name: "ops" })).secret;
      server = await serve({ store, clock: systemClock, port: 0, host: "127.0.0.1", print: () => {} });
    });
    afterAll(async () => {
      await server.stop();
    });

    const check = (permission: string, extra: Record<string, unknown> = {}) =>
      fetch(`${server.url}/v1/check`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${secret}` },
        body: JSON.stringify({ organization_id: orgId, user_id: userId, permission, ...extra }),
      });

    it("/metrics counts requests by route pattern and decisions, and names no organization or user", async () => {
      expect((await check("org:sys_memberships:read")).status).toBe(200);
      expect((await check("org:sys_memberships:manage")).status).toBe(200);
      await fetch(`${server.url}/v1/organizations/${orgId}`, { headers: { authorization: `Bearer ${secret}` } });
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const text = await response.text();
      expect(text).toMatch(
        /clerk_http_request_duration_seconds_count\{method="POST",route="\/v1\/check",status="200"\} 2/,
      );
      expect(text).toContain('route="/v1/organizations/:organization_id"');
      expect(text).toMatch(/clerk_checks_total\{decision="allowed"\} 1/);
      expect(text).toMatch(/clerk_checks_total\{decision="denied"\} 1/);
      expect(text).toMatch(/clerk_policy_compiles_total \d/);
      expect(text).toMatch(/clerk_jobs\{state="due"\} 0/);
      expect(text).toMatch(/clerk_outbox\{state="dead"\} 0/);
      expect(text).toMatch(/clerk_job_lag_seconds 0/);
      expect(text).toContain("clerk_process_resident_memory_bytes");
      if (dialect === "postgres") expect(text).toMatch(/clerk_db_pool_connections\{state="max"\} 10/);
      expect(text).not.toContain(orgId);
      expect(text).not.toContain(userId);
      expect(text).not.toContain("acme.com");
    });

    it("/metrics is refused to a forwarded request, and with CLERK_METRICS_TOKEN set needs that token", async () => {
      const forwarded = await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } });
      expect(forwarded.status).toBe(403);
      expect(((await forwarded.json()) as { errors: { message: string }[] }).errors[0]?.message).toContain(
        "CLERK_METRICS_TOKEN",
      );
      process.env.CLERK_METRICS_TOKEN = "scrape-secret";
      try {
        expect((await fetch(`${server.url}/metrics`)).status).toBe(403);
        expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(403);
        const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer scrape-secret" } });
        expect(ok.status).toBe(200);
      } finally {
        delete process.env.CLERK_METRICS_TOKEN;
      }
    });

    it("a write answers its consistency token; a malformed at_least is a 422 naming the field", async () => {
      const write = await fetch(`${server.url}/v1/organizations/${orgId}/memberships/${userId}`, {
        method: "PATCH",
        headers: { ...json, authorization: `Bearer ${secret}` },
        body: JSON.stringify({ role: "org:admin" }),
      });
      expect(write.status).toBe(200);
      const token = write.headers.get("clerk-consistency-token") as string;
      expect(token).toMatch(new RegExp(`^${orgId}@\\d+$`));
      const fresh = await check("org:sys_memberships:manage", { at_least: token });
      expect(((await fresh.json()) as { allowed: boolean }).allowed).toBe(true);
      // Reads and checks move nothing and carry no token.
      expect(fresh.headers.get("clerk-consistency-token")).toBeNull();
      const bad = await check("org:sys_memberships:manage", { at_least: "yesterday" });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { errors: { meta?: { param_name?: string } }[] }).errors[0]?.meta?.param_name).toBe(
        "at_least",
      );
    });

    it("/readyz is ready, and answers 503 while another server holds the migration lock", async () => {
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready", database: dialect });
      if (dialect !== "postgres") return;
      const other = new pg.Client({ connectionString: location });
      await other.connect();
      await other.query("select pg_advisory_lock(3853314791062309107)");
      try {
        const during = await fetch(`${server.url}/readyz`);
        expect(during.status).toBe(503);
        expect(await during.json()).toMatchObject({ status: "unavailable", reason: "migrations are running" });
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      } finally {
        await other.query("select pg_advisory_unlock(3853314791062309107)");
        await other.end();
      }
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    });

    it("stopping lets the request in flight finish with its answer before the store closes", async () => {
      // A check waiting for a version nobody wrote stays in flight for its bounded wait.
      const inFlight = check("org:sys_memberships:manage", { at_least: `${orgId}@999999` });
      await new Promise((r) => setTimeout(r, 100));
      let stopped = false;
      const stopping = server.stop().then(() => {
        stopped = true;
      });
      const response = await inFlight;
      expect(response.status).toBe(503);
      expect(((await response.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
        "consistency_not_reached",
      );
      await stopping;
      expect(stopped).toBe(true);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    });
  });
}

if (DIALECTS.includes("postgres"))
  describe("postgres: a key's rate limit holds across servers", () => {
    it("two servers with a limit of 10 a minute let one key make 10 requests between them, then answer 429", async () => {
      const location = await freshLocation("postgres");
      const stores = [await openStore(location), await openStore(location)];
      const ctx = contextFor(stores[0] as Store, { clock: systemClock, actor: OPERATOR });
      await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
      const { secret } = await createKey(ctx, { name: "limited" });
      const apps = await Promise.all(
        stores.map((store) =>
          buildApp({ store, clock: systemClock, runtime: createRuntime(), rateLimitPerMinute: 10 }),
        ),
      );
      try {
        const [a, b] = apps as [FastifyInstance, FastifyInstance];
        const get = async (app: FastifyInstance) =>
          (
            await app.inject({
              method: "GET",
              url: "/v1/organizations",
              headers: { authorization: `Bearer ${secret}` },
            })
          ).statusCode;
        const shared = async (n: number) => {
          for (let i = 0; i < 200; i++) {
            const row = await ctx.db.selectFrom("rate_limit_hits").select("count").executeTakeFirst();
            if (Number(row?.count ?? 0) >= n) return;
            await new Promise((r) => setTimeout(r, 25));
          }
        };
        for (let i = 0; i < 6; i++) expect(await get(a)).toBe(200);
        await shared(6); // A has added its hits to the shared row
        expect(await get(b)).toBe(200);
        await shared(7); // and B has read the total back
        const answers: number[] = [];
        for (let i = 0; i < 5; i++) answers.push(await get(b));
        expect(answers).toEqual([200, 200, 200, 429, 429]);
      } finally {
        for (const app of apps) await app.close();
        for (const store of stores) await store.close();
      }
    });

    it("hits being added to the shared row still count while the database is slow to take them", async () => {
      const location = await freshLocation("postgres");
      const store = await openStore(location);
      const counters = new SharedRateLimitStore(store.db, systemClock, (error) => {
        throw error;
      });
      const locker = new pg.Client({ connectionString: location });
      await locker.connect();
      try {
        const current = () =>
          new Promise<number>((done) => counters.incr("slow-key", (_e, r) => done(r.current), 60_000));
        for (let i = 1; i <= 5; i++) expect(await current()).toBe(i);
        // Another session holds the key's row, so adding the 5 hits waits on its lock.
        const now = Date.now();
        await locker.query("insert into rate_limit_hits (key, window_start, count) values ($1, $2, 0)", [
          "slow-key",
          now - (now % 60_000),
        ]);
        await locker.query("begin");
        await locker.query("select count from rate_limit_hits where key = $1 for update", ["slow-key"]);
        const syncing = counters.sync();
        await new Promise((r) => setTimeout(r, 100));
        expect(await current()).toBe(6); // the 5 being added, and this one
        await locker.query("commit");
        await syncing;
        expect(await current()).toBe(7);
      } finally {
        await locker.end();
        await counters.close();
        await store.close();
      }
    });

    it("failed authentications from one address count across servers: 2 wrong keys at A and 1 at B block it on A", async () => {
      const location = await freshLocation("postgres");
      const stores = [await openStore(location), await openStore(location)];
      const ctx = contextFor(stores[0] as Store, { clock: systemClock, actor: OPERATOR });
      await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
      const { secret } = await createKey(ctx, { name: "right" });
      const apps = await Promise.all(
        stores.map((store) =>
          buildApp({ store, clock: systemClock, runtime: createRuntime(), authFailuresPerMinute: 3 }),
        ),
      );
      try {
        const [a, b] = apps as [FastifyInstance, FastifyInstance];
        const get = async (app: FastifyInstance, key: string) =>
          (
            await app.inject({
              method: "GET",
              url: "/v1/organizations",
              remoteAddress: "203.0.113.9",
              headers: { authorization: `Bearer ${key}` },
            })
          ).statusCode;
        const failures = async (n: number) => {
          for (let i = 0; i < 200; i++) {
            const row = await ctx.db
              .selectFrom("rate_limit_hits")
              .select("count")
              .where("key", "=", "auth-failure:203.0.113.9")
              .executeTakeFirst();
            if (Number(row?.count ?? 0) >= n) return;
            await new Promise((r) => setTimeout(r, 25));
          }
          throw new Error(`the shared row never reached ${n}`);
        };
        const WRONG = "sk_test_wrongwrongwrongwrongwrongwrong";
        expect([await get(a, WRONG), await get(a, WRONG)]).toEqual([401, 401]);
        await failures(2);
        expect(await get(b, secret)).toBe(200); // 2 of 3: not yet blocked on B either
        expect(await get(b, WRONG)).toBe(401);
        await failures(3);
        // A reads the instance's total back on its next sync; from then on the address is refused there too.
        let onA = 0;
        for (let i = 0; i < 40 && onA !== 429; i++) {
          onA = await get(a, secret);
          if (onA !== 429) await new Promise((r) => setTimeout(r, 50));
        }
        expect(onA).toBe(429);
        expect(await get(b, secret)).toBe(429);
      } finally {
        for (const app of apps) await app.close();
        for (const store of stores) await store.close();
      }
    });
  });
