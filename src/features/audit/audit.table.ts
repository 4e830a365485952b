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
