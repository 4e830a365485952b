// The HTTP server: strict JSON in and out, bearer keys, rate limits, Clerk's error envelope; routes come from features.
import { createHash, randomUUID } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Clock } from "../clock.js";
import type { Runtime, ServiceContext, TxtResolver } from "../context.js";
import { contextFor } from "../context-builder.js";
import { ClerkError } from "../errors.js";
import { MAX_JSON_DEPTH, TOO_DEEP, jsonDepth } from "../json-limits.js";
import { touchKey } from "../features/keys/index.js";
import { isScimPath } from "../features/scim/index.js";
import { OPERATIONS } from "../features/operations.js";
import { wellKnownJwks } from "../features/sessions/session.operations.js";
import type { Store } from "../store/index.js";
import { actorFor, bearerToken, cookieActor, sessionCookieOf } from "./auth.js";
import { AuthFailureLimiter } from "./auth-failures.js";
import { isDashboardPath, registerDashboard } from "./dashboard.js";
import { errorHandler } from "./error-handler.js";
import { registerAcceptPage } from "./invitation-page.js";
import { registerDocs } from "./openapi.js";
import { registerScim } from "./scim.js";
import { PROTECTED_RESOURCE_PATH, registerMcp } from "../mcp/index.js";
import { registerConsistency } from "./consistency.js";
import { rateLimitStoreOption, sharedCounters } from "./shared-rate-limit.js";
import { METRICS_PATH, registerMetrics } from "./metrics.js";
import { notReadyBecause } from "./readiness.js";
import { mount, mountAll } from "./route.js";
import { isSignInPath, registerSignIn, sessionCookie } from "./sign-in.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The service context of this request: its actor, request id and ip. Set after authentication. */
    ctx: ServiceContext;
  }
}

/** What the server is built from. */
export interface AppOptions {
  store: Store;
  clock: Clock;
  runtime: Runtime;
  logger?: FastifyServerOptions["logger"];
  /** Requests per minute per key (or per ip without one). */
  rateLimitPerMinute?: number;
  /** Failed authentications per minute per client address before it is refused with 429 (default 30). */
  authFailuresPerMinute?: number;
  /**
   * Which proxies may name the client in `X-Forwarded-For` (Fastify's `trustProxy`: addresses or CIDRs, or
   * true for any). Unset, the client is the connection's peer, so behind a proxy every client shares
   * the proxy's address and its auth-failure and rate limits.
   */
  trustProxy?: boolean | string;
  /** DNS TXT lookups for domain verification (default: node:dns/promises; tests pass their own). */
  resolveTxt?: TxtResolver | undefined;
}

// The JWKS is public by nature: verifiers fetch it to check tokens (@clerk/backend sends its secret key anyway).
// An invitation's accept link is opened by the invitee, who has no key; its token is the proof.
const PUBLIC_PATHS = new Set([
  "/healthz",
  "/readyz",
  METRICS_PATH,
  "/v1/openapi.json",
  "/docs",
  "/.well-known/jwks.json",
  "/v1/jwks",
  "/v1/invitations/accept",
  PROTECTED_RESOURCE_PATH,
]);
const ONE_MB = 1024 * 1024;

/** The top-level field of a request body nested deeper than a JSON field may be (`body` for a deep array), or null. */
function tooDeepField(body: unknown): string | null {
  if (jsonDepth(body, MAX_JSON_DEPTH + 1) <= MAX_JSON_DEPTH + 1) return null;
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "body";
  for (const [key, value] of Object.entries(body)) if (jsonDepth(value) > MAX_JSON_DEPTH) return key;
  return "body";
}

/** A URL as logged: the values of `token` parameters (an invitation's accept link) replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, "$1[redacted]");
}

// Fastify logs each request's URL; an accept link's token is a credential and never reaches the log.
function withRedactedUrls(logger: AppOptions["logger"]): FastifyServerOptions["logger"] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: {
      req: (request: {
        method: string;
        url: string;
        hostname?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.hostname,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
      ...(base as { serializers?: Record<string, unknown> }).serializers,
    },
  } as FastifyServerOptions["logger"];
}

const rateLimitKeys = new Map<string, string>();
/**
 * A credential's rate-limit bucket: a short hash, so the key itself never sits in the limiter's store (shared on
 * PostgreSQL). Remembered per credential, because hashing on every request cost more than the rest of the limiter;
 * bounded, since anyone can send any header.
 */
function rateLimitKeyOf(header: string): string {
  let key = rateLimitKeys.get(header);
  if (key === undefined) {
    key = createHash("sha256").update(header).digest("hex").slice(0, 16);
    if (rateLimitKeys.size >= 10_000) rateLimitKeys.clear();
    rateLimitKeys.set(header, key);
  }
  return key;
}

/** Builds the Fastify app (not listening); `clerk serve` and the tests both use it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRedactedUrls(options.logger),
    bodyLimit: ONE_MB,
    // Request ids only need to be unique; randomUUID draws from a cached pool, cheaper than an id per request.
    genReqId: () => `req_${randomUUID().replace(/-/g, "")}`,
    requestIdHeader: false,
    trustProxy: options.trustProxy ?? false,
  });
  const base = contextFor(options.store, {
    clock: options.clock,
    runtime: options.runtime,
    resolveTxt: options.resolveTxt,
  });

  app.decorate("documentedRoutes", []);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    errorHandler(
      new ClerkError(
        "request.no_route",
        `No endpoint ${request.method} ${request.url.split("?")[0]}; see /v1/openapi.json.`,
      ),
      request,
      reply,
    );
  });

  // Only JSON is accepted; an empty body is no body (the Clerk SDK sends the JSON content type on every call).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(new ClerkError("request.malformed", "The request body is not valid JSON."), undefined);
    }
    // Nothing nested deeper than a JSON field may be reaches a handler (JSON.stringify would overflow on it).
    const tooDeep = tooDeepField(parsed);
    if (tooDeep !== null)
      return done(new ClerkError("input.invalid", `${tooDeep}: ${TOO_DEEP}.`, { param: tooDeep }), undefined);
    done(null, parsed);
  });

  // @clerk/backend parses a body only when Content-Type is exactly application/json (no charset).
  // A callback hook, not an async one: it runs on every response, and a promise per response shows up.
  app.addHook("onSend", (_request, reply, payload, done) => {
    const type = reply.getHeader("content-type");
    if (typeof type === "string" && type.startsWith("application/json"))
      reply.header("content-type", "application/json");
    done(null, payload);
  });

  const shared = sharedCounters(app, options.store, options.clock);
  await app.register(rateLimit, {
    ...rateLimitStoreOption(shared),
    max: options.rateLimitPerMinute ?? 1200,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const header = request.headers.authorization;
      return header ? rateLimitKeyOf(header) : request.ip;
    },
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new ClerkError("request.rate_limited", `Too many requests; retry after ${Math.ceil(context.ttl / 1000)} s.`),
        { statusCode: 429 },
      ),
  });

  const lastTouched = new Map<string, number>();
  const authFailures = new AuthFailureLimiter(options.clock, options.authFailuresPerMinute ?? 30, 60_000, shared);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const changeToken = options.store.changeProbe?.();
    // SCIM endpoints take their own tokens (one organization each) and check them before anything runs.
    if (PUBLIC_PATHS.has(path) || isSignInPath(path) || isDashboardPath(path) || isScimPath(path)) {
      request.ctx = { ...base, changeToken, requestId: String(request.id), ip: request.ip };
      return;
    }
    // An address that guessed wrong too often is refused before its key is even looked up.
    const wait = authFailures.retryAfter(request.ip);
    if (wait > 0) {
      void reply.header("retry-after", String(wait));
      throw new ClerkError(
        "request.rate_limited",
        `Too many failed authentications from this address; retry after ${wait} s.`,
      );
    }
    // A browser signed in to the dashboard sends its session cookie instead of a key (never both).
    const cookie = request.headers.authorization === undefined ? sessionCookieOf(request) : undefined;
    const renew = (token: string) => void reply.header("set-cookie", sessionCookie({ token }));
    const authenticate =
      cookie === undefined ? actorFor : (c: ServiceContext) => cookieActor(c, request, cookie, renew);
    const actor = await authenticate({ ...base, changeToken }, request).catch((error: unknown) => {
      if (error instanceof ClerkError && error.code === "auth.unauthenticated") authFailures.fail(request.ip);
      throw error;
    });
    request.ctx = { ...base, actor, changeToken, requestId: String(request.id), ip: request.ip };
    if (cookie !== undefined) return;
    // last_used_at is a hint for people, not a security record: write it at most once a minute per key,
    // so authentication never costs a (fsynced) write per request.
    const token = bearerToken(request);
    const now = options.clock.now();
    if ((lastTouched.get(token) ?? Number.NEGATIVE_INFINITY) < now - 60_000) {
      lastTouched.set(token, now);
      void touchKey(base, token).catch((err: unknown) => request.log.warn({ err }, "could not record key use"));
    }
  });

  // Before the routes: both add route-level hooks to the routes registered after them.
  registerMetrics(app, options);
  registerConsistency(app);
  registerDocs(app);
  mount(app, wellKnownJwks);
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const reason = await notReadyBecause(options.store, options.runtime);
    if (reason === null) return { status: "ready", database: options.store.dialect.name };
    return reply.status(503).send({ status: "unavailable", database: options.store.dialect.name, reason });
  });

  await registerSignIn(app);
  registerDashboard(app);
  registerMcp(app);
  await registerScim(app);
  await app.register(
    async (v1) => {
      for (const table of Object.values(OPERATIONS)) mountAll(v1, table);
      registerAcceptPage(v1);
    },
    { prefix: "/v1" },
  );
  return app;
}
