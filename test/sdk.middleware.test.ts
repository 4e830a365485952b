// The same requests against Express, Fastify, Hono and node:http apps using the SDK middleware, with a local fake API.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClerkSdkOptions, createRouteMatcher, getAuth, withAuth } from "../src/sdk/index.js";
import * as sdkExpress from "../src/sdk/express.js";
import * as sdkFastify from "../src/sdk/fastify.js";
import * as sdkHono from "../src/sdk/hono.js";
import type { OrgAuthorization } from "../src/sdk/claims.js";
import {
  type SessionSpec,
  type TestServer,
  generateTestKey,
  mintSessionToken,
  sendJson,
  startTestServer,
} from "./helpers/tokens.js";

interface Answer {
  status: number;
  body: unknown;
}
interface RunningApp {
  request(path: string, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}
type Adapter = { name: string; start(options: ClerkSdkOptions): Promise<RunningApp> };

const isAdmin = createRouteMatcher(["/admin(.*)"]);

async function overHttp(server: ReturnType<typeof createServer>): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    async request(path, headers = {}) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const adapters: Adapter[] = [
  {
    name: "Express",
    async start(options) {
      const { clerkMiddleware, requireAuth } = sdkExpress;
      const app = express();
      app.use(clerkMiddleware(options));
      app.use((req, _res, next) => {
        if (isAdmin(req)) req.auth.protect({ role: "admin" });
        next();
      });
      app.get(
        "/me",
        (req, res) =>
          void res.json({ userId: req.auth.userId, orgId: getAuth(req).orgId, tokenError: req.auth.tokenError }),
      );
      app.get("/admin/panel", (_req, res) => void res.json({ ok: true }));
      app.get("/orgs/:org/reports", (req, res) => {
        const auth = req.auth.protect(
          (has) => req.auth.orgId === req.params.org && has({ permission: "org:reports:read" }),
        );
        res.json({ ok: true, userId: auth.userId });
      });
      app.get(
        "/repos/:name",
        requireAuth((req) => ({ permission: "org:code:read", resource: `repository:${String(req.params.name)}` })),
        (_req, res) => void res.json({ ok: true }),
      );
      app.get(
        "/remote",
        async (req, res) => void res.json(await req.auth.checkRemote({ permission: "org:sys_memberships:read" })),
      );
      app.use(sdkExpress.clerkErrorHandler());
      return overHttp(createServer(app));
    },
  },
  {
    name: "Fastify",
    async start(options) {
      const { clerkPlugin, requireAuth } = sdkFastify;
      const app = Fastify();
      await app.register(clerkPlugin, options);
      // The plain app (default error format) for the first server of each pair; the SDK's handler for the other.
      if (options.deniedStatus === 403) app.setErrorHandler(sdkFastify.clerkErrorHandler);
      app.addHook("preHandler", async (request) => {
        if (isAdmin(request.raw)) request.auth.protect({ role: "admin" });
      });
      app.get("/me", async (request) => ({
        userId: request.auth.userId,
        orgId: getAuth(request).orgId,
        tokenError: request.auth.tokenError,
      }));
      app.get("/admin/panel", async () => ({ ok: true }));
      app.get("/orgs/:org/reports", async (request) => {
        const { org } = request.params as { org: string };
        const auth = request.auth.protect(
          (has) => request.auth.orgId === org && has({ permission: "org:reports:read" }),
        );
        return { ok: true, userId: auth.userId };
      });
      app.get(
        "/repos/:name",
        {
          preHandler: requireAuth((request) => ({
            permission: "org:code:read",
            resource: `repository:${(request.params as { name: string }).name}`,
          })),
        },
        async () => ({ ok: true }),
      );
      app.get("/remote", async (request) => request.auth.checkRemote({ permission: "org:sys_memberships:read" }));
      await app.ready();
      return {
        async request(path, headers = {}) {
          const res = await app.inject({ method: "GET", url: path, headers });
          return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
        },
        close: () => app.close(),
      };
    },
  },
  {
    name: "Hono",
    async start(options) {
      const { clerkMiddleware, requireAuth, getAuth: honoAuth } = sdkHono;
      const app = new Hono<{ Variables: sdkHono.ClerkVariables }>();
      app.use("*", clerkMiddleware(options));
      app.use("*", async (c, next) => {
        if (isAdmin(c.req)) c.get("auth").protect({ role: "admin" });
        await next();
      });
      app.get("/me", (c) =>
        c.json({ userId: c.get("auth").userId, orgId: honoAuth(c).orgId, tokenError: c.get("auth").tokenError }),
      );
      app.get("/admin/panel", (c) => c.json({ ok: true }));
      app.get("/orgs/:org/reports", (c) => {
        const auth = c
          .get("auth")
          .protect((has) => c.get("auth").orgId === c.req.param("org") && has({ permission: "org:reports:read" }));
        return c.json({ ok: true, userId: auth.userId });
      });
      app.get(
        "/repos/:name",
        requireAuth((c) => ({ permission: "org:code:read", resource: `repository:${c.req.param("name")}` })),
        (c) => c.json({ ok: true }),
      );
      app.get("/remote", async (c) =>
        c.json(await c.get("auth").checkRemote({ permission: "org:sys_memberships:read" })),
      );
      return {
        async request(path, headers = {}) {
          const res = await app.request(path, { headers });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : null };
        },
        close: async () => undefined,
      };
    },
  },
  {
    name: "node:http",
    async start(options) {
      const handler = withAuth(options, async (req, res, auth) => {
        const url = new URL(req.url ?? "/", "http://x");
        const json = (body: unknown) =>
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
        if (isAdmin(req)) auth.protect({ role: "admin" });
        if (url.pathname === "/me")
          return json({ userId: auth.userId, orgId: getAuth(req).orgId, tokenError: auth.tokenError });
        if (url.pathname === "/admin/panel") return json({ ok: true });
        let m = /^\/orgs\/([^/]+)\/reports$/.exec(url.pathname);
        if (m)
          return json({
            ok: true,
            userId: auth.protect((has) => auth.orgId === m![1] && has({ permission: "org:reports:read" })).userId,
          });
        m = /^\/repos\/([^/]+)$/.exec(url.pathname);
        if (m) {
          auth.protect({ permission: "org:code:read", resource: `repository:${m[1]}` });
          return json({ ok: true });
        }
        if (url.pathname === "/remote") return json(await auth.checkRemote({ permission: "org:sys_memberships:read" }));
        res.writeHead(404).end("{}");
      });
      return overHttp(createServer(handler));
    },
  },
];

const key = generateTestKey("RS256", "ins_mw");
const orgOf = (
  roles: string[],
  permissions: string[],
  scoped: Record<string, string[]> = {},
  id = "org_1",
): OrgAuthorization => ({ id, slug: id, roles, permissions, scoped });
const PEOPLE: Record<string, SessionSpec> = {
  alice: {
    now: 0,
    userId: "user_alice",
    org: orgOf(["org:member"], ["org:reports:read"], { "org:code:read": ["repository:*-app"] }),
  },
  bob: { now: 0, userId: "user_bob", org: orgOf(["org:member"], []) },
  root: { now: 0, userId: "user_root", org: orgOf(["org:member", "org:admin"], []), version: 1 },
  carol: { now: 0, userId: "user_carol", org: orgOf(["org:member"], []), overflow: true },
  dan: { now: 0, userId: "user_dan", org: orgOf(["org:member"], []), overflow: true },
  noorg: { now: 0, userId: "user_noorg" },
};
const REMOTE_ROWS: Record<string, unknown[]> = {
  user_carol: [
    { permission: "org:reports:read", scopes: [], expires_at: null, sources: ["role Analyst"] },
    { permission: "org:code:read", scopes: ["repository:*-app"], expires_at: null, sources: ["direct grant"] },
    { permission: "org:sys_memberships:read", scopes: [], expires_at: null, sources: ["role Member"] },
  ],
};

describe("SDK middleware", () => {
  let api: TestServer;
  let options: ClerkSdkOptions;
  beforeAll(async () => {
    api = await startTestServer((req, res) => {
      if (req.url === "/.well-known/jwks.json") return sendJson(res, 200, { keys: [key.jwk] });
      if (req.headers.authorization !== "Bearer sk_test") return sendJson(res, 401, {});
      const m = /^\/v1\/organizations\/org_1\/memberships\/([^/]+)\/permissions$/.exec(req.url);
      if (m)
        return REMOTE_ROWS[m[1]!]
          ? sendJson(res, 200, { data: REMOTE_ROWS[m[1]!], total_count: REMOTE_ROWS[m[1]!]!.length })
          : sendJson(res, 500, {});
      if (req.url === "/v1/check") {
        const body = JSON.parse(req.body) as { user_id: string; organization_id: string };
        return sendJson(res, 200, {
          object: "check",
          allowed: body.user_id === "user_carol" && body.organization_id === "org_1",
          reason: "checked by the API",
        });
      }
      sendJson(res, 404, {});
    });
    options = {
      jwksUrl: `${api.url}/.well-known/jwks.json`,
      apiUrl: api.url,
      secretKey: "sk_test",
      authorizedParties: ["https://app.test"],
    };
  });
  afterAll(() => api.close());

  const bearer = (who: keyof typeof PEOPLE, spec: Partial<SessionSpec> = {}) => ({
    authorization: `Bearer ${mintSessionToken(key, { azp: "https://app.test", ...PEOPLE[who]!, now: Date.now(), ...spec })}`,
  });

  // Every adapter sends the ProtectError's stable code: in Clerk's `{ errors: [{ code }] }`, or (thrown inside a
  // Fastify handler without clerkErrorHandler installed) in Fastify's own error body `{ statusCode, code, error, message }`.
  const errorCode = (body: unknown) =>
    (body as { errors?: { code: string }[] }).errors?.[0]?.code ?? (body as { code?: string }).code;

  const cases: {
    name: string;
    path: string;
    headers: () => Record<string, string>;
    status: number;
    body?: unknown;
    code?: string;
  }[] = [
    {
      name: "signed out: the auth object is empty",
      path: "/me",
      headers: () => ({}),
      status: 200,
      body: { userId: null, orgId: null, tokenError: null },
    },
    {
      name: "signed out → 401 on a protected route",
      path: "/orgs/org_1/reports",
      headers: () => ({}),
      status: 401,
      code: "authentication_invalid",
    },
    {
      name: "signed out → 401 on a requireAuth route",
      path: "/repos/web-app",
      headers: () => ({}),
      status: 401,
      body: { errors: [{ code: "authentication_invalid", message: "Sign in to access this resource." }] },
    },
    { name: "signed out → 401 on a matcher-guarded route", path: "/admin/panel", headers: () => ({}), status: 401 },
    {
      name: "an expired token is signed out, with its reason",
      path: "/me",
      headers: () => bearer("alice", { now: Date.now() - 120_000 }),
      status: 200,
      body: { userId: null, orgId: null, tokenError: "token-expired" },
    },
    {
      name: "a token for another app (azp) is signed out",
      path: "/orgs/org_1/reports",
      headers: () => bearer("alice", { azp: "https://evil.test" }),
      status: 401,
    },
    {
      name: "signed in: the auth object has the user and org",
      path: "/me",
      headers: () => bearer("alice"),
      status: 200,
      body: { userId: "user_alice", orgId: "org_1", tokenError: null },
    },
    {
      name: "the __session cookie works like the header",
      path: "/orgs/org_1/reports",
      headers: () => ({ cookie: `theme=x; __session=${bearer("alice").authorization.slice(7)}` }),
      status: 200,
    },
    {
      name: "the permission in the active org → 200",
      path: "/orgs/org_1/reports",
      headers: () => bearer("alice"),
      status: 200,
      body: { ok: true, userId: "user_alice" },
    },
    {
      name: "another org than the active one → 404",
      path: "/orgs/org_2/reports",
      headers: () => bearer("alice"),
      status: 404,
      code: "resource_not_found",
    },
    { name: "a missing permission → 404", path: "/orgs/org_1/reports", headers: () => bearer("bob"), status: 404 },
    { name: "no active organization → 404", path: "/orgs/org_1/reports", headers: () => bearer("noorg"), status: 404 },
    {
      name: "a scoped permission on a matching resource → 200",
      path: "/repos/web-app",
      headers: () => bearer("alice"),
      status: 200,
    },
    {
      name: "a scoped permission on another resource → 404",
      path: "/repos/partner",
      headers: () => bearer("alice"),
      status: 404,
    },
    {
      name: "a role the member lacks → 404 on the matcher-guarded route",
      path: "/admin/panel",
      headers: () => bearer("alice"),
      status: 404,
    },
    {
      name: "a second role (cx.rls, v1 claims) passes the matcher guard",
      path: "/admin/panel",
      headers: () => bearer("root"),
      status: 200,
    },
    {
      name: "overflowed claims: the permission fetched from the API → 200",
      path: "/orgs/org_1/reports",
      headers: () => bearer("carol"),
      status: 200,
    },
    {
      name: "overflowed claims: a fetched scoped grant on its resource → 200",
      path: "/repos/api-app",
      headers: () => bearer("carol"),
      status: 200,
    },
    {
      name: "overflowed claims: a fetched scoped grant elsewhere → 404",
      path: "/repos/partner",
      headers: () => bearer("carol"),
      status: 404,
    },
    {
      name: "overflowed claims with the API failing → 503",
      path: "/orgs/org_1/reports",
      headers: () => bearer("dan"),
      status: 503,
      code: "authorization_unavailable",
    },
    {
      name: "checkRemote asks POST /v1/check for the active org and user",
      path: "/remote",
      headers: () => bearer("carol"),
      status: 200,
      body: { allowed: true, reason: "checked by the API" },
    },
  ];

  describe.each(adapters)("$name", (adapter) => {
    let app: RunningApp;
    let strict: RunningApp;
    beforeAll(async () => {
      app = await adapter.start(options);
      strict = await adapter.start({ ...options, deniedStatus: 403 });
    });
    afterAll(async () => {
      await app.close();
      await strict.close();
    });

    it.each(cases)("$name", async (c) => {
      const answer = await app.request(c.path, c.headers());
      expect(answer.status).toBe(c.status);
      if (c.body !== undefined) expect(answer.body).toEqual(c.body);
      if (c.code !== undefined) expect(errorCode(answer.body)).toBe(c.code);
    });

    it("answers 403 for a missing permission when configured, still 401 when signed out", async () => {
      const denied = await strict.request("/orgs/org_1/reports", bearer("bob"));
      expect([denied.status, errorCode(denied.body)]).toEqual([403, "missing_organization_permission"]);
      expect((await strict.request("/repos/partner", bearer("alice"))).body).toEqual({
        errors: [
          {
            code: "missing_organization_permission",
            message: "You are not allowed to do this in the active organization.",
          },
        ],
      });
      // Thrown by protect() inside a handler: with clerkErrorHandler (Express, Fastify) the same JSON body everywhere.
      expect((await strict.request("/orgs/org_2/reports", bearer("alice"))).body).toEqual({
        errors: [
          {
            code: "missing_organization_permission",
            message: "You are not allowed to do this in the active organization.",
          },
        ],
      });
      expect((await strict.request("/orgs/org_1/reports", {})).status).toBe(401);
    });

    it("fetches an overflowed token's permissions once, however many requests carry it", async () => {
      const headers = bearer("carol");
      const before = api.requests.filter((r) => r.url.endsWith("/permissions")).length;
      for (const path of ["/orgs/org_1/reports", "/repos/web-app", "/repos/partner", "/me"])
        await app.request(path, headers);
      expect(api.requests.filter((r) => r.url.endsWith("/permissions")).length - before).toBe(1);
    });
  });
});
