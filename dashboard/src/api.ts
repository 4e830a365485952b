// Calls clerk's own API with the session cookie; state-changing calls carry the header the server's CSRF check wants.

/** An API refusal, worded by the server (its `errors[0].message`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    /** The request field the refusal is about (`meta.param_name`), to show the message beside it. */
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Calls `/v1{path}`; resolves to the JSON answer or rejects with the server's message. */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: {
      accept: "application/json",
      "x-clerk-dashboard": "1",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const first = (
      json as {
        errors?: { message?: string; long_message?: string; code?: string; meta?: { param_name?: string } }[];
      } | null
    )?.errors?.[0];
    throw new ApiError(
      res.status,
      first?.long_message ?? first?.message ?? `HTTP ${res.status}`,
      first?.code ?? "",
      first?.meta?.param_name ?? null,
    );
  }
  return json as T;
}

/** A query string from the defined values. */
export function qs(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

export interface Page<T> {
  data: T[];
  total_count: number;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  parent_id: string | null;
  depth?: number;
}

export interface Membership {
  id: string;
  role: string;
  roles?: string[];
  role_names?: string[];
  public_user_data: { user_id: string; identifier: string; first_name: string | null; last_name: string | null };
}

export interface Grant {
  permission: string;
  scopes: string[];
  expires_at: number | null;
}

export interface Role {
  id: string;
  key: string;
  name: string;
  description: string | null;
  organization_id: string | null;
  extends: string[];
  extends_names: string[];
  grants: Grant[];
  effective_grants: (Grant & { from_role: string; from_role_name: string; inherited: boolean })[];
}

export interface Task {
  id: string;
  organization_id: string;
  run_id: string;
  workflow: { id: string; name: string };
  stage: string;
  subject: string | null;
  assignee: string | null;
  status: string;
  comment: string | null;
  reason: string | null;
  overdue: boolean;
  created_at: number;
}

export interface AuditEvent {
  id: string;
  time: string;
  action: string;
  actor: { type: string; id: string | null; label: string };
  target: { type: string; id: string | null; label: string };
  organization_id: string | null;
  before: unknown;
  after: unknown;
}

export interface Me {
  user_id: string | null;
  label: string;
  instance_admin: boolean;
}

export interface Stage {
  id: string;
  position: number;
  name: string;
  requires_role: string;
  role_exists: boolean;
  condition: string | null;
  timeout: string | null;
  approvals: number;
  form: string | null;
  strategy: string;
  escalation: { after: string; escalate_to: string; notify: string | null } | null;
}

export interface Workflow {
  id: string;
  organization_id: string;
  organization_slug: string;
  name: string;
  slug: string;
  description: string;
  trigger: string;
  condition: string | null;
  status: "active" | "paused";
  stages: Stage[];
  warnings: string[];
}

export interface Form {
  name: string;
  description: string;
  built_in: boolean;
  schema: Record<string, unknown>;
}
