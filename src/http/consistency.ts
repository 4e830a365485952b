// Consistency tokens: every write answers the policy versions it moved in a header, which POST /v1/check takes back.
import type { FastifyInstance } from "fastify";
import type { PolicyChange } from "../context.js";

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

/** Gives each write request a place to record what it moved, and answers it in the header. */
export function registerConsistency(app: FastifyInstance): void {
  app.addHook("onRequest", (request, _reply, done) => {
    // Reads and checks move nothing: they get no collector (and the check path no allocation).
    if (!READS.has(request.method) && request.routeOptions.url !== "/v1/check" && request.ctx !== undefined)
      request.ctx = { ...request.ctx, writes: [] };
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    const writes = request.ctx?.writes;
    if (writes !== undefined && writes.length > 0) reply.header(CONSISTENCY_HEADER, formatConsistencyToken(writes));
    done(null, payload);
  });
}
