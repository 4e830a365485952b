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
  /** Who acted for `actor` (an instance key with `Clerk-Act-As`, the local operator with `--as`); null otherwise. */
  via_type?: string | null;
  via_id?: string | null;
  via_label?: string | null;
  /** The newest signed checkpoint when the row was written (0: none yet); null on rows from before checkpoints were chained. */
  checkpoint_seq?: number | null;
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
  /** The id of the retention checkpoint that allows this delete; the trigger opens only for the newest checkpoint. */
  token?: string | null;
}

/** A row of `audit_retention`: how long one chain keeps its events (`clerk audit retention set`). */
export interface AuditRetentionTable {
  chain: string;
  /** As given, e.g. `365d`. */
  keep: string;
  keep_ms: number;
  updated_at: number;
}

/**
 * A row of `audit_checkpoint_chain`: one signed checkpoint of every chain's head, linked to the checkpoint
 * before it by hash. `retention` rows also name the prefix of one chain a retention run is about to delete.
 */
export interface AuditCheckpointChainTable {
  seq: number;
  id: string;
  kind: "checkpoint" | "retention";
  prev_hash: string;
  /**
   * JSON `[[chain, seq, hash], …]`, sorted by chain: the heads that moved since the checkpoint before, so the
   * checkpoints up to this one together record every chain's head when it was taken.
   */
  heads: string;
  retention_chain: string | null;
  retention_through: number | null;
  /** The hash of the row at `retention_through`: where the chain starts again after the delete. */
  retention_hash: string | null;
  /** The cadence in force (a checkpoint at least every this many events of a chain, or seconds). */
  every_events: number;
  every_seconds: number;
  created_at: number;
  hash: string;
  signature: string;
}

/** The one row of `audit_checkpoint_head`: the newest checkpoint, and the lock its writers take turns on. */
export interface AuditCheckpointHeadTable {
  id: number;
  seq: number;
  hash: string;
  created_at: number;
}

/**
 * A row of `audit_checkpoint_marks`: a chain's head as the checkpoints last recorded it. Only the checkpoint
 * writer (holding the checkpoint head's lock) changes it; verify never trusts it, it reads the signed checkpoints.
 */
export interface AuditCheckpointMarksTable {
  chain: string;
  seq: number;
  hash: string;
}
