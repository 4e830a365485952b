// Workflow definitions: workflows, their ordered stages, the file sets and forms their stages name.

/** A row of `workflows`. */
export interface WorkflowsTable {
  id: string;
  organization_id: string;
  name: string;
  slug: string;
  description: string;
  /** As given, e.g. `event:pull_request_opened`. */
  trigger: string;
  /** The event type it matches, normalised (lowercase, no `_` or `-`). */
  trigger_type: string;
  condition: string | null;
  status: "active" | "paused";
  /** What an approved run does besides ending: `grant` makes the access request's grant; null, nothing. */
  on_approve: "grant" | null;
  created_at: number;
  updated_at: number;
}

/** A row of `workflow_stages`. */
export interface WorkflowStagesTable {
  id: string;
  workflow_id: string;
  position: number;
  name: string;
  requires_role_id: string | null;
  requires_role_key: string;
  condition: string | null;
  timeout: string | null;
  timeout_ms: number | null;
  approvals: number;
  form: string | null;
  strategy: "round-robin" | "least-loaded" | "manual";
  escalate_after: string | null;
  escalate_after_ms: number | null;
  escalate_to_role_id: string | null;
  escalate_to_role_key: string | null;
  escalate_notify: string | null;
  created_at: number;
  updated_at: number;
}

/** A row of `file_sets`: named glob patterns for `files:touched:<name>` conditions. */
export interface FileSetsTable {
  id: string;
  organization_id: string;
  name: string;
  /** JSON array of glob patterns. */
  patterns: string;
  created_at: number;
  updated_at: number;
}

/** A row of `forms`: a JSON Schema an approver's form data must satisfy. */
export interface FormsTable {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  schema: string;
  created_at: number;
  updated_at: number;
}
