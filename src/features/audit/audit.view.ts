// The audit log's objects as the API answers them: events, checkpoints, retention runs and verification reports.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { AuditEventsTable } from "./audit.table.js";

const party = z.object({ type: z.string(), id: z.string().nullable(), label: z.string() });

/** An audit event on the wire. `before`/`after` are the recorded JSON values; times are Unix ms plus ISO. */
export const auditEventSchema = z.object({
  object: z.literal("audit_event"),
  id: z.string(),
  seq: z.number().int().describe("Its position in its chain"),
  organization_id: z.string().nullable().describe("null for the instance's own log"),
  created_at: millis,
  time: z.string().describe("created_at as an ISO 8601 time"),
  actor: party,
  action: z.string().describe("e.g. role.created"),
  target: party,
  before: z.unknown().describe("The recorded value before the change (any JSON), or null"),
  after: z.unknown().describe("The recorded value after the change (any JSON), or null"),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  via: party
    .nullable()
    .describe("Who acted for `actor`: the instance key that sent Clerk-Act-As, or the local operator behind --as"),
  checkpoint_seq: z
    .number()
    .int()
    .nullable()
    .describe(
      "The checkpoint the row was written under (part of its hash); null on rows older than chained checkpoints",
    ),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEventObject = z.infer<typeof auditEventSchema>;

export function auditEventObject(row: AuditEventsTable): AuditEventObject {
  return {
    object: "audit_event",
    id: row.id,
    seq: Number(row.seq),
    organization_id: row.organization_id,
    created_at: Number(row.created_at),
    time: new Date(Number(row.created_at)).toISOString(),
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    action: row.action,
    target: { type: row.target_type, id: row.target_id, label: row.target_label },
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    request_id: row.request_id,
    ip: row.ip,
    via: row.via_type ? { type: row.via_type, id: row.via_id ?? null, label: row.via_label ?? "" } : null,
    checkpoint_seq: row.checkpoint_seq === null || row.checkpoint_seq === undefined ? null : Number(row.checkpoint_seq),
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/** One page of a list: the events and the cursor of the next page (null on the last). */
export const auditPageSchema = z.object({
  data: z.array(auditEventSchema),
  next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last"),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** A chain's position as a signed checkpoint records it. */
export const checkpointSchema = z.object({
  object: z.literal("audit_checkpoint"),
  id: z.string().describe("The checkpoint's id"),
  chain: z.string().describe("The organization's id, or * for the instance's log"),
  organization_id: z.string().nullable(),
  seq: z.number().int().describe("The chain's head as recorded"),
  hash: z.string().describe("The hash of the event at seq"),
  event_at: millis.describe("When the event at seq was written (0 when it is gone)"),
  kind: z.enum(["head", "base"]),
  created_at: millis,
});
export type CheckpointObject = z.infer<typeof checkpointSchema>;

/** The checkpoint chain's newest link: its hash is what to keep outside the database. */
export const checkpointAnchorSchema = z.object({
  object: z.literal("audit_checkpoint_anchor"),
  seq: z.number().int(),
  id: z.string(),
  kind: z.enum(["checkpoint", "retention"]),
  prev_hash: z.string(),
  hash: z
    .string()
    .describe("Keep it outside the database; clerk audit verify --anchor checks the log still reaches it"),
  created_at: millis,
});
export type CheckpointAnchor = z.infer<typeof checkpointAnchorSchema>;

/** What `POST /audit_checkpoints` answers: every chain's position (or the named one's) and the anchor. */
export const checkpointsSchema = z.object({
  data: z.array(checkpointSchema),
  total_count: z.number().int().min(0),
  anchor: checkpointAnchorSchema,
});

/** What a retention run did (or, dry, would do). */
export const retentionSchema = z.object({
  object: z.literal("audit_retention"),
  organization_id: z.string(),
  keep: z.string().describe("e.g. 365d"),
  cutoff: millis.describe("Events created before this instant are deleted"),
  deleted: z.number().int().describe("Events deleted (dry run: that would be)"),
  through_seq: z.number().int().nullable().describe("The last deleted seq; the chain now starts after it"),
  dry_run: z.boolean(),
  checkpoint: checkpointSchema.nullable(),
});
export type RetentionResult = z.infer<typeof retentionSchema>;

/** What is wrong at the first broken link. */
export const CHAIN_PROBLEM_KINDS = [
  "edited",
  "deleted",
  "inserted",
  "reordered",
  "truncated",
  "checkpoint_invalid",
  /** A chain the checkpoints recorded has no events and no head left. */
  "disappeared",
  /** Checkpoints were deleted: a row names one that is gone, the cadence was not kept, or an anchor is absent. */
  "checkpoint_missing",
  /** The checkpoint chain itself does not link, or a checkpoint's fields no longer hash to its hash. */
  "checkpoint_chain_broken",
] as const;
export type ChainProblemKind = (typeof CHAIN_PROBLEM_KINDS)[number];

/** The first break of a chain: the row (seq and id) it is found at, and what is wrong there. */
export const chainProblemSchema = z.object({
  kind: z.enum(CHAIN_PROBLEM_KINDS),
  seq: z.number().int(),
  id: z.string().nullable(),
  message: z.string(),
});
export type ChainProblem = z.infer<typeof chainProblemSchema>;

/** The result of walking one chain. */
export const chainReportSchema = z.object({
  chain: z.string(),
  organization_id: z.string().nullable(),
  organization_slug: z
    .string()
    .nullable()
    .describe("null for the instance chain and for an organization since deleted"),
  ok: z.boolean(),
  events_checked: z.number().int(),
  first_seq: z.number().int().describe("The first seq still stored (after retention, the one after the base)"),
  last_seq: z.number().int(),
  checkpoint: z.object({ id: z.string(), seq: z.number().int(), created_at: millis }).nullable(),
  problem: chainProblemSchema.nullable(),
});
export type ChainReport = z.infer<typeof chainReportSchema>;

/** The result of walking the checkpoint chain. */
export const checkpointChainReportSchema = z.object({
  ok: z.boolean(),
  checkpoints_checked: z.number().int(),
  newest: z.object({ seq: z.number().int(), id: z.string(), hash: z.string(), created_at: millis }).nullable(),
  cadence: z
    .object({ events: z.number().int(), seconds: z.number() })
    .describe("The cadence the newest checkpoint was written under (this process's when there is none)"),
  problem: chainProblemSchema.nullable(),
});
export type CheckpointChainReport = z.infer<typeof checkpointChainReportSchema>;

/** The result of `clerk audit verify`. */
export const verifyReportSchema = z.object({
  ok: z.boolean(),
  checkpoints: checkpointChainReportSchema,
  chains: z.array(chainReportSchema),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;

/** What `GET /audit_events/verify` answers. */
export const auditVerificationSchema = z.object({
  object: z.literal("audit_verification"),
  ...verifyReportSchema.shape,
});
