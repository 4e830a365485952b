// createRouteMatcher cannot be bypassed: one table of tricky paths, sent raw over loopback to Express, Fastify, Hono and node:http.
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClerkSdkOptions, createRouteMatcher, withAuth } from "../src/sdk/index.js";
import * as sdkExpress from "../src/sdk/express.js";
import * as sdkFastify from "../src/sdk/fastify.js";
import * as sdkHono from "../src/sdk/hono.js";
import { generateTestKey, mintSessionToken } from "./helpers/tokens.js";

type AdapterName = "express" | "fastify" | "hono" | "node";
const ALL: AdapterName[] = ["express", "fastify", "hono", "node"];

// What the README shows: one matcher in front of everything, protect() for what it matches.
const isProtected = createRouteMatcher(["/admin(.*)", "/orgs/:id/settings"]);
const guard = { role: "org:admin" };

interface Answer {
  status: number;
  text: string;
}

/** Sends the request target exactly as given (fetch would resolve `..` and `\` before sending). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A protected handler's answer: the one thing an unauthenticated request must never see. */
const reached = (handler: string, param?: string) => JSON.stringify({ reached: handler, param: param ?? null });

const apps: Record<AdapterName, (options: ClerkSdkOptions) => Promise<{ port: number; close(): Promise<void> }>> = {
  async express(options) {
    const app = express();
    app.use(sdkExpress.clerkMiddleware(options));
    app.use((req, _res, next) => {
      if (isProtected(req)) req.auth.protect(guard);
      next();
    });
    app.get("/admin/panel", (_req, res) => void res.send(reached("panel")));
    app.get("/admin/users/:id", (req, res) => void res.send(reached("user", req.params.id)));
    app.get("/orgs/:id/settings", (req, res) => void res.send(reached("settings", req.params.id)));
    app.get("/public/:name", (_req, res) => void res.send("public"));
    app.use(sdkExpress.clerkErrorHandler());
    const server = createServer(app);
    const port = await listen(server);
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  },

  async fastify(options) {
    const app = Fastify();
    await app.register(sdkFastify.clerkPlugin, options);
    app.setErrorHandler(sdkFastify.clerkErrorHandler);
    app.addHook("preHandler", async (request) => {
      if (isProtected(request)) request.auth.protect(guard);
    });
    const param = (request: { params: unknown }) => (request.params as { id: string }).id;
    app.get("/admin/panel", async (_request, reply) => reply.send(reached("panel")));
    app.get("/admin/users/:id", async (request, reply) => reply.send(reached("user", param(request))));
    app.get("/orgs/:id/settings", async (request, reply) => reply.send(reached("settings", param(request))));
    app.get("/public/:name", async () => "public");
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  },

  async hono(options) {
    const app = new Hono<{ Variables: sdkHono.ClerkVariables }>();
    app.use("*", sdkHono.clerkMiddleware(options));
    app.use("*", async (c, next) => {
      if (isProtected(c.req)) c.get("auth").protect(guard);
      await next();
    });
    app.get("/admin/panel", (c) => c.text(reached("panel")));
    app.get("/admin/users/:id", (c) => c.text(reached("user", c.req.param("id"))));
    app.get("/orgs/:id/settings", (c) => c.text(reached("settings", c.req.param("id"))));
    app.get("/public/:name", (c) => c.text("public"));
    // What @hono/node-server does: the request target appended to the origin, parsed as a WHATWG URL.
    const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const response = await app.fetch(new Request(`http://${req.headers.host}${req.url}`, { headers }));
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
    });
    const port = await listen(server);
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  },

  async node(options) {
    const server = createServer(
      withAuth(options, (req, res, auth) => {
        if (isProtected(req)) auth.protect(guard);
        // Plain node:http apps route on the WHATWG URL's pathname.
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        const send = (status: number, text: string) => res.writeHead(status).end(text);
        if (path === "/admin/panel") return send(200, reached("panel"));
        let m = /^\/admin\/users\/([^/]+)$/.exec(path);
        if (m) return send(200, reached("user", m[1]));
        m = /^\/orgs\/([^/]+)\/settings$/.exec(path);
        if (m) return send(200, reached("settings", m[1]));
        if (/^\/public\/[^/]+$/.test(path)) return send(200, "public");
        send(404, "not found");
      }),
    );
    const port = await listen(server);
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  },
};

/**
 * Each path, and the adapters whose framework routes it to a protected handler (seen with an admin's token).
 * Without a token that handler must never answer, on any adapter: 401 where it is routed, 400 for bad encoding.
 */
const PATHS: { path: string; routedBy: AdapterName[]; why: string }[] = [
  { path: "/admin/panel", routedBy: ALL, why: "the plain path" },
  { path: "/ADMIN/panel", routedBy: ["express"], why: "uppercase (Express routes case-insensitively)" },
  { path: "/Admin/Users/7", routedBy: ["express"], why: "mixed case" },
  { path: "/%61dmin/panel", routedBy: ["fastify", "hono"], why: "an encoded letter" },
  { path: "/%41DMIN/panel", routedBy: [], why: "an encoded capital" },
  { path: "/admin/pan%65l", routedBy: ["fastify", "hono"], why: "an encoded letter after the prefix" },
  { path: "/%2561dmin/panel", routedBy: [], why: "double encoding, which no framework decodes twice" },
  { path: "/admin%2Fpanel", routedBy: [], why: "an encoded slash in place of the separator" },
  { path: "/admin/panel/", routedBy: ["express"], why: "a trailing slash" },
  { path: "//admin/panel", routedBy: [], why: "a repeated leading slash" },
  { path: "/admin//panel", routedBy: [], why: "a repeated inner slash" },
  { path: "/public/../admin/panel", routedBy: ["hono", "node"], why: "a dot segment" },
  { path: "/public/%2e%2e/admin/panel", routedBy: ["hono", "node"], why: "an encoded dot segment" },
  { path: "/public/%2E%2E/admin/panel", routedBy: ["hono", "node"], why: "an uppercase encoded dot segment" },
  { path: "/public/.%2e/admin/users/7", routedBy: ["hono", "node"], why: "a half-encoded dot segment" },
  { path: "/./admin/panel", routedBy: ["hono", "node"], why: "a single-dot segment" },
  { path: "/%2e/admin/panel", routedBy: ["hono", "node"], why: "an encoded single-dot segment" },
  { path: "/public\\..\\admin/panel", routedBy: ["hono", "node"], why: "backslashes, read as slashes by URL parsing" },
  { path: "/orgs/org_1/settings", routedBy: ALL, why: "a plain :param" },
  { path: "/orgs/org_1/SETTINGS", routedBy: ["express"], why: "a :param route in uppercase" },
  { path: "/orgs/a%2Fb/settings", routedBy: ALL, why: "%2F inside a :param (issue 25 item 7)" },
  { path: "/orgs/a%2fb/settings", routedBy: ALL, why: "lowercase %2f inside a :param" },
  { path: "/orgs/a%252Fb/settings", routedBy: ALL, why: "a double-encoded slash inside a :param" },
  { path: "/orgs/a%2Fb/settings/", routedBy: ["express"], why: "%2F inside a :param, with a trailing slash" },
  { path: "/orgs/..%2F..%2Fx/settings", routedBy: ALL, why: "encoded dot-slashes inside a :param" },
];

/** Paths no adapter may serve: not valid percent-encoded UTF-8. */
const UNDECODABLE = ["/%61dmin/users/42%C0", "/orgs/a%C0/settings", "/admin/users/%E0%A4%A", "/public/%ZZ"];

describe("createRouteMatcher on every adapter", () => {
  const key = generateTestKey("RS256", "ins_route");
  const options: ClerkSdkOptions = { jwtKey: key.pem };
  const admin = () => ({
    authorization: `Bearer ${mintSessionToken(key, {
      now: Date.now(),
      userId: "user_root",
      org: { id: "org_1", slug: "org_1", roles: ["org:admin"], permissions: [], scoped: {} },
    })}`,
  });

  describe.each(ALL)("%s", (name) => {
    let app: { port: number; close(): Promise<void> };
    beforeAll(async () => {
      app = await apps[name](options);
    });
    afterAll(() => app.close());

    it.each(PATHS)("$path ($why): the protected handler only with a token", async ({ path, routedBy }) => {
      const signedOut = await rawGet(app.port, path, {});
      expect(signedOut.text).not.toContain('"reached"');
      expect([401, 404]).toContain(signedOut.status);
      // With a token the framework shows where it routes the path, so the line above is not vacuous.
      const signedIn = await rawGet(app.port, path, admin());
      expect(signedIn.text.includes('"reached"')).toBe(routedBy.includes(name));
      if (routedBy.includes(name)) expect(signedOut.status).toBe(401);
    });

    it.each(UNDECODABLE)(
      "%s (not UTF-8 percent-encoding) is refused with 400, with or without a token",
      async (path) => {
        for (const headers of [{}, admin()]) {
          const answer = await rawGet(app.port, path, headers);
          expect(answer.text).not.toContain('"reached"');
          expect(answer.status).toBe(400);
        }
      },
    );

    it("serves public paths without a token", async () => {
      expect(await rawGet(app.port, "/public/readme", {})).toEqual({ status: 200, text: "public" });
    });
  });
});
