// `clerk serve`: runs the HTTP API until SIGINT/SIGTERM, then finishes in-flight requests and closes the store.
import type { FastifyInstance } from "fastify";
import { type Clock } from "../clock.js";
import { contextFor } from "../context-builder.js";
import { flushUsage, followPolicyChanges } from "../features/access/index.js";
import { createKey, hasActiveKey } from "../features/keys/index.js";
import { runDueJobs } from "../features/jobs/index.js";
import { dispatchNotifications } from "../features/notifications/index.js";
import { ensureInstance } from "../features/roles/index.js";
import { TASK_JOB_HANDLERS } from "../features/tasks/index.js";
import type { Store } from "../store/index.js";
import { buildApp } from "./app.js";

/** Where and how to serve. */
export interface ServeOptions {
  store: Store;
  clock: Clock;
  port: number;
  host: string;
  /** Where to tell the operator about a first key (stderr by default, so stdout stays clean). */
  print?: (line: string) => void;
  /** How often in-memory usage counters are written to the store (default 30 s). */
  usageFlushMs?: number;
  /** Proxies trusted to name the client (`CLERK_TRUST_PROXY`); see `AppOptions.trustProxy`. */
  trustProxy?: boolean | string;
  /** How often due timers (stage timeouts, escalations) run and due notifications are sent (default 250 ms). */
  jobsIntervalMs?: number;
  /** How long a claimed timer stays with this server before another may take it over (default 60 s). */
  jobLeaseMs?: number;
  /** Requests per minute per key (or per address without one), per server; default 1200. */
  rateLimitPerMinute?: number;
  /** How long a shutdown waits for in-flight requests before it closes their connections (default 10 s). */
  drainMs?: number;
}

/** Starts the server; resolves with the app and a `stop()` that shuts down gracefully. */
export async function serve(
  options: ServeOptions,
): Promise<{ app: FastifyInstance; url: string; stop: () => Promise<void> }> {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  // The background work (timers, notification dispatch) and every request share one context's store location
  // and caches: the dispatcher must open secrets with the same master key file the requests sealed them with.
  const ctx = contextFor(options.store, { clock: options.clock });
  await ensureInstance(ctx);
  if (!(await hasActiveKey(ctx))) {
    const { secret } = await createKey(
      { ...ctx, actor: { type: "operator", id: null, label: "operator:first-serve" } },
      { name: "first key" },
    );
    print(
      `Created the first instance secret key (shown once, store it now):\n\n  ${secret}\n\nUse it as: Authorization: Bearer ${secret.slice(0, 12)}…\n` +
        "This is printed on stderr: under a service manager (systemd, Docker) it is now in the logs too. To keep keys out of logs, " +
        "create them with `clerk keys create --name <name>` before the first start (then none is printed here), and revoke this one with `clerk keys revoke`.",
    );
  }
  const app = await buildApp({
    store: options.store,
    clock: options.clock,
    runtime: ctx.runtime,
    trustProxy: options.trustProxy,
    rateLimitPerMinute: options.rateLimitPerMinute,
    logger: { level: process.env.CLERK_LOG_LEVEL ?? "info" },
  });
  // On a store that announces commits (PostgreSQL), other servers' policy changes are heard live, and
  // checks skip the per-request version query while the feed is healthy.
  if (options.store.changeFeed) {
    ctx.runtime.changeFeed = options.store.changeFeed((err) =>
      app.log.warn({ err }, "the change feed lost its connection; checks read versions until it is back"),
    );
    followPolicyChanges(ctx.runtime);
  }
  // Usage counters live in memory between flushes; the timer must not keep a stopping process alive.
  const flusher = setInterval(
    () => void flushUsage(ctx).catch((err: unknown) => app.log.warn({ err }, "usage flush failed")),
    options.usageFlushMs ?? 30_000,
  );
  flusher.unref();
  // Timers are rows in the store, so those that fell due while no server ran fire on the first tick.
  let ticking: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  const tick = () => {
    if (stopping !== undefined) return;
    ticking ??= runDueJobs(ctx, TASK_JOB_HANDLERS, {
      leaseMs: options.jobLeaseMs,
      stopping: () => stopping !== undefined,
    })
      .then((r) => {
        if (r.failed > 0 || r.retried > 0) app.log.warn({ failed: r.failed, retried: r.retried }, "some timers failed");
        return dispatchNotifications(ctx);
      })
      .then((d) => {
        if (d.dead > 0) app.log.warn({ dead: d.dead }, "notifications dead-lettered");
      })
      .catch((err: unknown) => app.log.warn({ err }, "running timers failed"))
      .finally(() => {
        ticking = undefined;
      });
  };
  const timers = setInterval(tick, options.jobsIntervalMs ?? 250);
  timers.unref();
  tick();
  const url = await app.listen({ port: options.port, host: options.host });
  const stop = () => {
    stopping ??= (async () => {
      // /readyz answers 503 from now on, so a load balancer stops sending; Fastify stops accepting, lets the
      // requests in flight finish (closing idle keep-alive connections), and after drainMs closes the rest.
      ctx.runtime.draining = true;
      clearInterval(flusher);
      clearInterval(timers);
      const force = setTimeout(() => app.server.closeAllConnections(), options.drainMs ?? 10_000);
      force.unref();
      // A keep-alive connection whose request finished while draining is idle now: close it, not after its timeout.
      const idle = setInterval(() => app.server.closeIdleConnections(), 50);
      idle.unref();
      await app.close();
      clearTimeout(force);
      clearInterval(idle);
      await ticking;
      await flushUsage(ctx);
      await ctx.runtime.changeFeed?.close();
      await options.store.close();
    })();
    return stopping;
  };
  return { app, url, stop };
}
