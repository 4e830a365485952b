// `clerk serve` serves the dashboard: `/` sends a browser to it (or to sign-in) and an API client to /docs; the
// app's shell answers every /dashboard path (shareable URLs), its hashed assets are cached for a year.
import type { FastifyInstance } from "fastify";
import { existsSync, readdirSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.js";
import { type TestStore, openTestStore } from "./helpers/store.js";

describe("the dashboard's routes", () => {
  let t: TestStore;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await openTestStore("sqlite");
    app = await buildApp({ store: t.store, clock: t.clock, runtime: { caches: new Map() } });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers });

  it("sends a browser at / to sign-in without a session, to the dashboard with one, and an API client to /docs", async () => {
    const html = { accept: "text/html,application/xhtml+xml" };
    expect((await get("/", html)).headers.location).toBe("/sign-in?redirect_url=%2Fdashboard");
    expect((await get("/", { ...html, cookie: "__session=x.y.z" })).headers.location).toBe("/dashboard");
    const api = await get("/", { accept: "application/json" });
    expect([api.statusCode, api.headers.location]).toEqual([302, "/docs"]);
  });

  it("answers every dashboard path with the app's shell, uncached, under a strict CSP", async () => {
    expect(existsSync("dist/dashboard/index.html")).toBe(true);
    for (const path of ["/dashboard", "/dashboard/orgs/acme", "/dashboard/audit?cursor=abc"]) {
      const res = await get(path);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.body).toContain('<div id="root"></div>');
    }
  });

  it("serves hashed assets with a year's cache and refuses unknown ones", async () => {
    const js = readdirSync("dist/dashboard/assets").find((f) => f.endsWith(".js")) as string;
    const res = await get(`/dashboard/assets/${js}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await get("/dashboard/assets/nope.js")).statusCode).toBe(404);
    expect((await get("/dashboard/assets/..%2F..%2Fpackage.json")).statusCode).toBe(404);
  });

  it("sends scripts gzip-compressed to a browser that takes gzip, and the same bytes plain to one that does not", async () => {
    const js = readdirSync("dist/dashboard/assets").find((f) => f.endsWith(".js")) as string;
    const plain = await get(`/dashboard/assets/${js}`);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("accept-encoding");
    const packed = await get(`/dashboard/assets/${js}`, { "accept-encoding": "gzip, deflate, br" });
    expect(packed.headers["content-encoding"]).toBe("gzip");
    expect(packed.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(gunzipSync(packed.rawPayload).equals(plain.rawPayload)).toBe(true);
    const refused = await get(`/dashboard/assets/${js}`, { "accept-encoding": "gzip;q=0, br" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });

  it("answers the dashboard's who-am-I for an unauthenticated browser with a 401", async () => {
    const res = await get("/v1/dashboard/session");
    expect(res.statusCode).toBe(401);
  });
});
