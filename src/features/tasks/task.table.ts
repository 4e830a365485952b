// What workflows do when events arrive: the events, the runs they start, each run's stages, and the tasks.

/** A row of `workflow_events`. */
export interface WorkflowEventsTable {
  id: string;
  organization_id: string;
  type: string;
  type_key: string;
  /** JSON object: the event's attributes. */
  data: string;
  idempotency_key: string | null;
  requester_id: string | null;
  created_at: number;
}

export type RunStatus = "open" | "approved" | "rejected" | "cancelled";

/** A row of `workflow_runs`. */
export interface WorkflowRunsTable {
  id: string;
  organization_id: string;
  workflow_id: string;
  event_id: string;
  requester_id: string | null;
  /** The member who emitted the event (their key, or act-as); a party to the run, like the requester. */
  emitter_id: string | null;
  status: RunStatus;
  subject: string | null;
  blocked_reason: string | null;
  outcome_reason: string | null;
  /** JSON of what the workflow's on_approve did when the run was approved (the grant made), else null. */
  effect: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export type RunStageStatus = "waiting" | "active" | "skipped" | "approved" | "rejected" | "cancelled";

/** A row of `run_stages`: one stage of one run. */
export interface RunStagesTable {
  id: string;
  run_id: string;
  stage_id: string | null;
  position: number;
  name: string;
  status: RunStageStatus;
  approvals_needed: number;
  /** Why it was skipped, or a warning about its condition. */
  note: string | null;
  started_at: number | null;
  completed_at: number | null;
  overdue_at: number | null;
  escalated_at: number | null;
  /** JSON: the stage's definition when the run started (null for runs started before clerk kept it). */
  definition: string | null;
}

export type TaskStatus = "open" | "approved" | "rejected" | "cancelled";
export type AssignedVia = "round-robin" | "least-loaded" | "manual" | "escalation";

/** A row of `tasks`: one approval asked of one reviewer. */
export interface TasksTable {
  id: string;
  organization_id: string;
  run_id: string;
  run_stage_id: string;
  assignee_id: string | null;
  assigned_via: AssignedVia;
  status: TaskStatus;
  decided_by_id: string | null;
  comment: string | null;
  reason: string | null;
  form_data: string | null;
  escalated: number;
  created_at: number;
  updated_at: number;
  decided_at: number | null;
}

/** A row of `assignment_cursors`: the last member a rotation picked. */
export interface AssignmentCursorsTable {
  pool: string;
  last_user_id: string;
  last_label: string;
  updated_at: number;
}
