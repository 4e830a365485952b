// The audit operations: filtered lists with cursors, a streamed export, verification, checkpoints, retention.
import { z } from "zod";
import { operation, streamed } from "../../operations/index.js";
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS } from "./audit.format.js";
import { exportBody, listAuditEvents } from "./audit.read.js";
import { checkpointAndSend } from "./audit.anchor.js";
import { applyRetention } from "./audit.checkpoints.js";
import { verifyAudit } from "./audit.verify.js";
import { auditPageSchema, auditVerificationSchema, checkpointsSchema, retentionSchema } from "./audit.view.js";

const tag = "Audit log";

const filters = {
  organization_id: z
    .string()
    .optional()
    .describe("slug, id or name (default: the instance's own log; instance admins only)"),
  filter: z
    .string()
    .optional()
    .describe(
      "key:value pairs, comma-separated, all must hold: action:<category or action>, actor:<label or id>, role:<key or name>, target:<label or id>",
    ),
  from: z.string().optional().describe("a date (from the start of that day, UTC) or an ISO time with zone"),
  to: z.string().optional().describe("a date (through the end of that day, UTC) or an ISO time with zone, included"),
};
const listQuery = z
  .object({
    ...filters,
    limit: z.coerce.number().int().min(1).max(1000).default(50).describe("events per page (1–1000)"),
    cursor: z.string().optional().describe("the next page, as the previous page's next_cursor"),
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
export const auditOperations = {
  list: operation(
    {
      method: "GET",
      url: "/audit_events",
      tag,
      summary: "Audit events of an organization (or the instance), newest first, filtered, with a cursor",
      query: listQuery,
      output: auditPageSchema,
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

  verify: operation(
    {
      method: "GET",
      url: "/audit_events/verify",
      tag,
      summary: "Walk the hash chains and report the first broken link of each",
      query: verifyQuery,
      output: auditVerificationSchema,
    },
    async ({ ctx, query: q }) => ({
      object: "audit_verification" as const,
      ...(await verifyAudit(ctx, { organization: q.organization_id, anchors: q.anchor?.split(",") })),
    }),
  ),

  checkpoint: operation(
    {
      method: "POST",
      url: "/audit_checkpoints",
      tag,
      summary:
        "Append a signed checkpoint of every chain's head to the checkpoint chain; `anchor.hash` is what to keep outside the database",
      body: checkpointBody,
      output: checkpointsSchema,
    },
    async ({ ctx, body }) => {
      const { anchor, chains } = await checkpointAndSend(ctx, {
        organization: body?.organization_id,
        notify: body?.notify,
      });
      return { data: chains, total_count: chains.length, anchor };
    },
  ),

  retention: operation(
    {
      method: "POST",
      url: "/audit_retention",
      tag,
      summary: "Set how long an organization keeps audit events and delete older ones (checkpointed first)",
      body: retentionBody,
      output: retentionSchema,
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
