// The audit log: one hash-chained row per change, and the head of each chain.

/** A row of `audit_events`. */
export interface AuditEventsTable {
  id: string;
  chain: string;
  seq: number;
  organization_id: string | null;
  created_at: number;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  target_label: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

/** A row of `audit_heads`: the last sequence number and hash of one chain. */
export interface AuditHeadsTable {
  chain: string;
  seq: number;
  hash: string;
}

/** A row of `audit_checkpoints`: a chain position signed with a key derived from the master key. */
export interface AuditCheckpointsTable {
  id: string;
  chain: string;
  seq: number;
  hash: string;
  event_at: number;
  /** `head` (taken by `clerk audit checkpoint` or before retention) or `base` (where the chain starts after retention). */
  kind: "head" | "base";
  created_at: number;
  signature: string;
}

/** A row of `audit_retention_gate`: while present (only inside a retention run's transaction) rows up to `through_seq` may be deleted. */
export interface AuditRetentionGateTable {
  chain: string;
  through_seq: number;
}

/** A row of `audit_retention`: how long one chain keeps its events (`clerk audit retention set`). */
export interface AuditRetentionTable {
  chain: string;
  /** As given, e.g. `365d`. */
  keep: string;
  keep_ms: number;
  updated_at: number;
}
