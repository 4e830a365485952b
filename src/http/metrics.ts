// GET /metrics in Prometheus text format: requests by route pattern, checks, policy reloads, timers, outbox, pool.
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest, onResponseHookHandler } from "fastify";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Clock } from "../clock.js";
import type { Runtime } from "../context.js";
import { ClerkError } from "../errors.js";
import type { Store } from "../store/index.js";

/** The path Prometheus scrapes. */
export const METRICS_PATH = "/metrics";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Who may read /metrics: with `CLERK_METRICS_TOKEN` set, a request bearing that token, from anywhere; without
 * it, a connection from the loopback address that no proxy forwarded (a proxy on the same host would
 * otherwise make every client look local). The figures carry no tenant data (no organization, user or key:
 * routes are patterns such as /v1/organizations/:organization_id), but they do describe the load.
 */
export function mayReadMetrics(request: FastifyRequest, token: string | undefined): boolean {
  if (token !== undefined && token !== "") {
    const given = Buffer.from(request.headers.authorization ?? "");
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const peer = request.socket.remoteAddress ?? "";
  return LOOPBACK.has(peer) && request.headers["x-forwarded-for"] === undefined;
}

type Child = { observe(value: number): void };

let processRegistry: Registry | undefined;

/** prom-client's process metrics (CPU, memory, event-loop lag): collected once per process, however many apps. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: "clerk_" });
  }
  return processRegistry;
}

/** A route's hooks of one kind as a list (Fastify takes one function or an array). */
export function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/**
 * Registers /metrics and a response hook on every route registered after it (call it before the routes);
 * services count through `runtime.metrics`. Requests that match no route are not counted.
 */
export function registerMetrics(app: FastifyInstance, options: { store: Store; runtime: Runtime; clock: Clock }): void {
  const { store, runtime, clock } = options;
  const registry = new Registry();
  const requests = new Histogram({
    name: "clerk_http_request_duration_seconds",
    help: "HTTP requests by method, route pattern and status: the _count is the request rate, the buckets the latency.",
    labelNames: ["method", "route", "status"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const checks = new Counter({
    name: "clerk_checks_total",
    help: "Access checks answered (POST /v1/check), by decision.",
    labelNames: ["decision"],
    registers: [registry],
  });
  const allowed = checks.labels("allowed");
  const denied = checks.labels("denied");
  const compiles = new Counter({
    name: "clerk_policy_compiles_total",
    help: "Organizations' policies (re)loaded from the store and compiled.",
    registers: [registry],
  });
  const versionReads = new Counter({
    name: "clerk_policy_version_reads_total",
    help: "Queries of an organization's policy versions made to confirm a cached policy (none while the change feed is up and nothing changed).",
    registers: [registry],
  });
  runtime.metrics = {
    policyCompiled: () => compiles.inc(),
    versionsRead: () => versionReads.inc(),
    checked: (yes) => (yes ? allowed : denied).inc(),
  };
  new Gauge({
    name: "clerk_change_feed_up",
    help: "1 while this server hears other servers' policy changes live (PostgreSQL LISTEN); 0 while it reads versions per check.",
    registers: [registry],
    collect() {
      this.set(runtime.changeFeed?.healthy === true ? 1 : 0);
    },
  });
  new Gauge({
    name: "clerk_change_feed_notifications",
    help: "Policy change announcements heard (and made here) since start.",
    registers: [registry],
    collect() {
      this.set(runtime.changeFeed?.seq ?? 0);
    },
  });
  new Gauge({
    name: "clerk_change_feed_epoch",
    help: "Times the change feed connected or lost its connection since start.",
    registers: [registry],
    collect() {
      this.set(runtime.changeFeed?.epoch ?? 0);
    },
  });
  new Gauge({
    name: "clerk_jobs",
    help: "Timers by state: due (pending and due now), scheduled (pending, due later), failed.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const now = clock.now();
      const counts = await store.db
        .selectFrom("jobs")
        .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
        .where("status", "in", ["pending", "failed"])
        .groupBy("status")
        .execute();
      const due = await store.db
        .selectFrom("jobs")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("due_at").as("oldest")])
        .where("status", "=", "pending")
        .where("due_at", "<=", now)
        .executeTakeFirst();
      const pending = Number(counts.find((c) => c.status === "pending")?.n ?? 0);
      this.set({ state: "due" }, Number(due?.n ?? 0));
      this.set({ state: "scheduled" }, pending - Number(due?.n ?? 0));
      this.set({ state: "failed" }, Number(counts.find((c) => c.status === "failed")?.n ?? 0));
      jobLag.set(due?.oldest == null ? 0 : Math.max(0, (now - Number(due.oldest)) / 1000));
    },
  });
  const jobLag = new Gauge({
    name: "clerk_job_lag_seconds",
    help: "How long the oldest due timer has waited past its due time (0 when none is due).",
    registers: [registry],
  });
  new Gauge({
    name: "clerk_outbox",
    help: "Notifications and webhook deliveries by state: due (pending, due now), waiting (pending, backing off), dead (dead-lettered).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const now = clock.now();
      const counts = await store.db
        .selectFrom("notifications")
        .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
        .where("status", "in", ["pending", "dead"])
        .groupBy("status")
        .execute();
      const due = await store.db
        .selectFrom("notifications")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("next_attempt_at").as("oldest")])
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .executeTakeFirst();
      const pending = Number(counts.find((c) => c.status === "pending")?.n ?? 0);
      this.set({ state: "due" }, Number(due?.n ?? 0));
      this.set({ state: "waiting" }, pending - Number(due?.n ?? 0));
      this.set({ state: "dead" }, Number(counts.find((c) => c.status === "dead")?.n ?? 0));
      outboxLag.set(due?.oldest == null ? 0 : Math.max(0, (now - Number(due.oldest)) / 1000));
    },
  });
  const outboxLag = new Gauge({
    name: "clerk_outbox_lag_seconds",
    help: "How long the oldest due notification has waited past its due time (0 when none is due).",
    registers: [registry],
  });
  if (store.poolStats) {
    const stats = store.poolStats;
    new Gauge({
      name: "clerk_db_pool_connections",
      help: "Database pool connections: total open, idle, in use, and requests waiting for one; max is the pool's size.",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const s = stats();
        this.set({ state: "total" }, s.total);
        this.set({ state: "idle" }, s.idle);
        this.set({ state: "in_use" }, s.total - s.idle);
        this.set({ state: "waiting" }, s.waiting);
        this.set({ state: "max" }, s.max);
      },
    });
  }

  // Each route gets its own response hook, which knows its pattern (reading request.routeOptions would build an
  // object per request) and keeps one histogram child per method and status: nothing is allocated per request.
  app.addHook("onRoute", (route) => {
    const pattern = route.url;
    const children = new Map<string, Map<number, Child>>();
    const observe: onResponseHookHandler = (request, reply, done) => {
      let byStatus = children.get(request.method);
      if (!byStatus) children.set(request.method, (byStatus = new Map()));
      let child = byStatus.get(reply.statusCode);
      if (!child)
        byStatus.set(reply.statusCode, (child = requests.labels(request.method, pattern, String(reply.statusCode))));
      child.observe(reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...hooksOf(route.onResponse), observe];
  });

  app.get(METRICS_PATH, async (request, reply) => {
    if (!mayReadMetrics(request, process.env.CLERK_METRICS_TOKEN))
      throw new ClerkError(
        "metrics.forbidden",
        "GET /metrics is open to loopback connections only; from elsewhere send Authorization: Bearer <CLERK_METRICS_TOKEN> (set that variable on the server).",
      );
    const text = await Registry.merge([processMetrics(), registry]).metrics();
    return reply.type(registry.contentType).send(text);
  });
}
