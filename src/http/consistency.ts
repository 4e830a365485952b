// Consistency tokens: every write answers the policy versions it moved in a header, which POST /v1/check takes back.
import type { FastifyInstance, onRequestHookHandler, onSendHookHandler } from "fastify";
import type { PolicyChange } from "../context.js";
import { hooksOf } from "./metrics.js";

/**
 * The response header carrying a write's consistency token. A header rather than a body field: Clerk-shaped
 * bodies stay exactly Clerk's (and `@clerk/backend` parses them strictly), deletes that answer a bare object
 * carry it too, and clients that do not care never see it.
 */
export const CONSISTENCY_HEADER = "clerk-consistency-token";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** `org_…@7,*@3`: each organization (or `*`, the instance) a write moved, at its highest new version. */
export function formatConsistencyToken(changes: readonly PolicyChange[]): string {
  const highest = new Map<string, number>();
  for (const c of changes) highest.set(c.key, Math.max(c.version, highest.get(c.key) ?? 0));
  return [...highest].map(([key, version]) => `${key}@${version}`).join(",");
}

/**
 * Gives each request of a write route (every method but GET, HEAD and OPTIONS; POST /v1/check excepted) a place
 * to record what it moved, and answers it in the header. Route-level hooks on the routes registered after it
 * (call it before the routes): reads and checks pay nothing.
 */
export function registerConsistency(app: FastifyInstance): void {
  const collect: onRequestHookHandler = (request, _reply, done) => {
    if (request.ctx !== undefined) request.ctx = { ...request.ctx, writes: [] };
    done();
  };
  const answer: onSendHookHandler = (request, reply, payload, done) => {
    const writes = request.ctx?.writes;
    if (writes !== undefined && writes.length > 0) reply.header(CONSISTENCY_HEADER, formatConsistencyToken(writes));
    done(null, payload);
  };
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => READS.has(m)) || route.url === "/v1/check") return;
    route.onRequest = [...hooksOf(route.onRequest), collect];
    route.onSend = [...hooksOf(route.onSend), answer];
  });
}
