// The audit log over HTTP: filtered lists with cursors, a streamed export, verification, checkpoints, retention.
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { endpoint, mountAll } from "../../http/route.js";
import { parseRequest } from "../../http/validate.js";
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, exportWriter } from "./audit.format.js";
import { exportAuditEvents, listAuditEvents } from "./audit.read.js";
import { applyRetention, recordCheckpoints, verifyAudit } from "./audit.verify.js";

const tag = "Audit log";

const filters = {
  organization_id: z.string().optional(),
  filter: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
};
const listQuery = z
  .object({
    ...filters,
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    cursor: z.string().optional(),
    order: z.enum(["asc", "desc"]).optional(),
    purpose: z.enum(["export"]).optional(),
  })
  .strict();
const exportQuery = z.object({ ...filters, format: z.enum(EXPORT_FORMATS).default("jsonl") }).strict();
const verifyQuery = z.object({ organization_id: z.string().optional() }).strict();
const checkpointBody = z.object({ organization_id: z.string().optional() }).strict();
const retentionBody = z
  .object({ organization_id: z.string(), keep: z.string(), through: z.number().int().optional(), dry_run: z.boolean().optional() })
  .strict();

/** The audit operations, served under /v1 and called by the CLI. */
export const auditEndpoints = {
  list: endpoint(
    { method: "GET", url: "/audit_events", tag, summary: "Audit events of an organization (or the instance), newest first, filtered, with a cursor", query: listQuery },
    async ({ ctx, query: q }) =>
      listAuditEvents(ctx, { organization: q.organization_id, filter: q.filter, from: q.from, to: q.to, limit: q.limit, cursor: q.cursor, order: q.order, forExport: q.purpose === "export" }),
  ),

  verify: endpoint(
    { method: "GET", url: "/audit_events/verify", tag, summary: "Walk the hash chains and report the first broken link of each", query: verifyQuery },
    async ({ ctx, query: q }) => ({ object: "audit_verification" as const, ...(await verifyAudit(ctx, { organization: q.organization_id })) }),
  ),

  checkpoint: endpoint(
    { method: "POST", url: "/audit_checkpoints", tag, summary: "Record a signed checkpoint of each chain's head (catches a deleted tail)", body: checkpointBody },
    async ({ ctx, body }) => {
      const data = await recordCheckpoints(ctx, { organization: body?.organization_id });
      return { data, total_count: data.length };
    },
  ),

  retention: endpoint(
    { method: "POST", url: "/audit_retention", tag, summary: "Set how long an organization keeps audit events and delete older ones (checkpointed first)", body: retentionBody },
    async ({ ctx, body }) => applyRetention(ctx, { organization: body.organization_id, keep: body.keep, through: body.through, dryRun: body.dry_run }),
  ),
};

export function registerAuditRoutes(app: FastifyInstance): void {
  mountAll(app, auditEndpoints);
  // Streamed, so it cannot be an endpoint value (the CLI pages through `list` instead, in both modes).
  app.documentedRoutes.push({ method: "GET", path: `${app.prefix}/audit_events/export`, summary: "Stream the matching events oldest first as json, jsonl or csv", tag, query: exportQuery });
  app.get("/audit_events/export", async (request, reply) => {
    const q = parseRequest(exportQuery, request.query);
    const pages = exportAuditEvents(request.ctx, { organization: q.organization_id, filter: q.filter, from: q.from, to: q.to });
    // The first page is read before any byte is sent, so a refusal or a bad filter is still a proper error response.
    const first = await pages.next();
    const writer = exportWriter(q.format);
    async function* body(): AsyncGenerator<string> {
      yield writer.start();
      if (!first.done) yield writer.page(first.value);
      if (!first.done) for await (const page of pages) yield writer.page(page);
      yield writer.end();
    }
    return reply.type(EXPORT_CONTENT_TYPES[q.format]).send(Readable.from(body()));
  });
}
