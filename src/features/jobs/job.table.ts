// Durable timers: a job is due at a time, claimed with a lease, retried with backoff, done exactly once.

export type JobStatus = "pending" | "done" | "failed" | "cancelled";

/** A row of `jobs`. */
export interface JobsTable {
  id: string;
  kind: string;
  /** Unique: scheduling the same job twice is a no-op. */
  dedupe_key: string;
  payload: string;
  organization_id: string | null;
  due_at: number;
  status: JobStatus;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}
