// The audit log over HTTP: filtered lists with cursors, a streamed export, verification, checkpoints, retention.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { endpoint, mountAll } from "../../http/route.js";
import { operation, streamed } from "../../operations/index.js";
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS } from "./audit.format.js";
import { exportBody, listAuditEvents } from "./audit.read.js";
import { checkpointAndSend } from "./audit.anchor.js";
import { applyRetention } from "./audit.checkpoints.js";
import { verifyAudit } from "./audit.verify.js";

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
  })
  .strict();
const exportQuery = z.object({ ...filters, format: z.enum(EXPORT_FORMATS).default("jsonl") }).strict();
const verifyQuery = z
  .object({
    organization_id: z.string().optional(),
    /** Checkpoint hashes kept outside the database, comma-separated: each must still be in the checkpoint chain. */
    anchor: z
      .string()
      .regex(
        /^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/,
        "anchor must be checkpoint hashes (64 hex digits), comma-separated",
      )
      .optional(),
  })
  .strict();
const checkpointBody = z
  .object({
    organization_id: z.string().optional(),
    /** Also send the checkpoint's hash to this channel (`webhook:<provider>`, `slack:<provider>`, `email:<address>`). */
    notify: z.string().min(1).optional(),
  })
  .strict();
const retentionBody = z
  .object({
    organization_id: z.string(),
    keep: z.string(),
    through: z.number().int().optional(),
    dry_run: z.boolean().optional(),
  })
  .strict();

/** The audit operations, served under /v1 and called by the CLI. */
export const auditEndpoints = {
  list: endpoint(
    {
      method: "GET",
      url: "/audit_events",
      tag,
      summary: "Audit events of an organization (or the instance), newest first, filtered, with a cursor",
      query: listQuery,
    },
    async ({ ctx, query: q }) =>
      listAuditEvents(ctx, {
        organization: q.organization_id,
        filter: q.filter,
        from: q.from,
        to: q.to,
        limit: q.limit,
        cursor: q.cursor,
        order: q.order,
      }),
  ),

  export: operation(
    {
      method: "GET",
      url: "/audit_events/export",
      tag,
      summary: "Stream the matching events oldest first as json, jsonl or csv",
      query: exportQuery,
      output: streamed(Object.values(EXPORT_CONTENT_TYPES), "The events, oldest first, in the chosen format"),
    },
    async ({ ctx, query: q }) =>
      exportBody(ctx, { organization: q.organization_id, filter: q.filter, from: q.from, to: q.to, format: q.format }),
  ),

  verify: endpoint(
    {
      method: "GET",
      url: "/audit_events/verify",
      tag,
      summary: "Walk the hash chains and report the first broken link of each",
      query: verifyQuery,
    },
    async ({ ctx, query: q }) => ({
      object: "audit_verification" as const,
      ...(await verifyAudit(ctx, { organization: q.organization_id, anchors: q.anchor?.split(",") })),
    }),
  ),

  checkpoint: endpoint(
    {
      method: "POST",
      url: "/audit_checkpoints",
      tag,
      summary:
        "Append a signed checkpoint of every chain's head to the checkpoint chain; `anchor.hash` is what to keep outside the database",
      body: checkpointBody,
    },
    async ({ ctx, body }) => {
      const { anchor, chains } = await checkpointAndSend(ctx, {
        organization: body?.organization_id,
        notify: body?.notify,
      });
      return { data: chains, total_count: chains.length, anchor };
    },
  ),

  retention: endpoint(
    {
      method: "POST",
      url: "/audit_retention",
      tag,
      summary: "Set how long an organization keeps audit events and delete older ones (checkpointed first)",
      body: retentionBody,
    },
    async ({ ctx, body }) =>
      applyRetention(ctx, {
        organization: body.organization_id,
        keep: body.keep,
        through: body.through,
        dryRun: body.dry_run,
      }),
  ),
};

export function registerAuditRoutes(app: FastifyInstance): void {
  mountAll(app, auditEndpoints);
}
