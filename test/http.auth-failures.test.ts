// Failed authentication is limited per client address (issue 24 item 9: 1,300 wrong keys in a row all got 401).
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey } from "../src/features/keys/index.js";
import { buildApp } from "../src/http/app.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const WRONG = "sk_test_wrongwrongwrongwrongwrongwrong";

for (const dialect of DIALECTS) {
  describe(`${dialect}: failed authentication is rate-limited per address`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let secret: string;
    const get = (key: string, ip = "203.0.113.7") =>
      app.inject({
        method: "GET",
        url: "/v1/organizations",
        remoteAddress: ip,
        headers: { authorization: `Bearer ${key}` },
      });
    const start = async (options: { authFailuresPerMinute?: number; trustProxy?: string } = {}) => {
      app = await buildApp({ store: t.store, clock: t.clock, runtime: { caches: new Map() }, ...options });
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      secret = (await createKey(t.ctx, {})).secret;
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    it("answers 429 with Retry-After after 30 wrong keys a minute by default", async () => {
      await start();
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get(WRONG)).statusCode);
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
      expect(statuses.slice(30)).toEqual(Array(10).fill(429));
      const limited = await get(WRONG);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(limited.json()).toMatchObject({ errors: [{ code: "too_many_requests" }] });
    });

    it("blocks the address for every key until its window ends, and only that address", async () => {
      await start({ authFailuresPerMinute: 3 });
      for (let i = 0; i < 3; i++) expect((await get(WRONG)).statusCode).toBe(401);
      const blocked = await get(secret);
      expect(blocked.statusCode).toBe(429);
      t.clock.advance(30_000);
      expect((await get(secret)).headers["retry-after"]).toBe("30");
      expect((await get(secret, "203.0.113.8")).statusCode).toBe(200);
      t.clock.advance(30_000);
      expect((await get(secret)).statusCode).toBe(200);
      expect((await get(WRONG)).statusCode).toBe(401);
    });

    it("behind a trusted proxy, limits each client named in X-Forwarded-For, not the proxy", async () => {
      const viaProxy = (key: string, client: string) =>
        app.inject({
          method: "GET",
          url: "/v1/organizations",
          remoteAddress: "127.0.0.1",
          headers: { authorization: `Bearer ${key}`, "x-forwarded-for": client },
        });
      await start({ authFailuresPerMinute: 3, trustProxy: "127.0.0.1" });
      for (let i = 0; i < 3; i++) expect((await viaProxy(WRONG, "198.51.100.1")).statusCode).toBe(401);
      expect((await viaProxy(secret, "198.51.100.1")).statusCode).toBe(429);
      expect((await viaProxy(secret, "198.51.100.2")).statusCode).toBe(200);
      await app.close();
      // Without trusting the proxy, the header is ignored: every client is the proxy, and shares its limit.
      await start({ authFailuresPerMinute: 3 });
      for (let i = 0; i < 3; i++) expect((await viaProxy(WRONG, "198.51.100.3")).statusCode).toBe(401);
      expect((await viaProxy(secret, "198.51.100.4")).statusCode).toBe(429);
    });

    it("does not count successful requests or public paths", async () => {
      await start({ authFailuresPerMinute: 2 });
      for (let i = 0; i < 10; i++) expect((await get(secret)).statusCode).toBe(200);
      expect((await get(WRONG)).statusCode).toBe(401);
      expect((await app.inject({ method: "GET", url: "/healthz", remoteAddress: "203.0.113.7" })).statusCode).toBe(200);
      expect((await get(WRONG)).statusCode).toBe(401);
      expect((await get(WRONG)).statusCode).toBe(429);
      expect((await app.inject({ method: "GET", url: "/healthz", remoteAddress: "203.0.113.7" })).statusCode).toBe(200);
    });
  });
}

describe("a trusted proxy names the client (CLERK_TRUST_PROXY)", () => {
  it("reads the env value as addresses, true or nothing, and refuses anything else", async () => {
    const { trustProxyFrom } = await import("../src/cli/serve.command.js");
    expect(trustProxyFrom(undefined)).toBeUndefined();
    expect(trustProxyFrom("false")).toBeUndefined();
    expect(trustProxyFrom("true")).toBe(true);
    expect(trustProxyFrom("127.0.0.1, 10.0.0.0/8")).toBe("127.0.0.1,10.0.0.0/8");
    expect(() => trustProxyFrom("everyone")).toThrow(/CLERK_TRUST_PROXY/);
  });
});
