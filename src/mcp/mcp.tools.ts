// The MCP tools: operation values from the catalogue, named and described for a model. A tool's input schema is
// the JSON Schema of its operation's params, query and body; calling it runs the operation through invoke().
import { z } from "zod";
import type { ServiceContext } from "../context.js";
import { ClerkError } from "../errors.js";
import { OPERATIONS } from "../features/operations.js";
import { type Operation, invoke, parseRequest } from "../operations/index.js";

/** A tool's `inputSchema`, as MCP wants it: one JSON Schema object. */
export interface ToolInputSchema {
  [key: string]: unknown;
  type: "object";
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

/**
 * What a caller needs for a tool ever to succeed, in some organization they belong to: membership, or one of
 * `anyOf` there (decided by authorize(), so instance admins meet every need).
 */
export type ToolNeed = { readonly kind: "member" } | { readonly kind: "permission"; readonly anyOf: readonly string[] };

/** One MCP tool. */
export interface McpTool {
  readonly name: string;
  readonly description: string;
  /** Whether it changes anything (hidden by `--read-only`). */
  readonly writes: boolean;
  readonly needs: ToolNeed;
  readonly inputSchema: ToolInputSchema;
  /** Runs the tool as `ctx.actor`; throws ClerkErrors for the caller's mistakes and denials. */
  call(ctx: ServiceContext, args: Record<string, unknown>): Promise<unknown>;
}

type Part = "params" | "query" | "body";

const jsonSchemaOf = (schema: z.ZodType): ToolInputSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return { ...rest, type: "object", properties: (rest.properties ?? {}) as ToolInputSchema["properties"] };
};

/** How a tool narrows its operation for a model. */
interface Derivation {
  name: string;
  description: string;
  writes: boolean;
  needs: ToolNeed;
  /** Inputs the server fills in (from the caller) and the model never sees. */
  fixed?: Record<string, (ctx: ServiceContext) => unknown>;
  /** Required inputs that default to the caller when left out. */
  defaultToCaller?: readonly string[];
  /** Descriptions for inputs, where the operation's own say too little for a model. */
  describe?: Record<string, string>;
}

/** The caller's user id, for inputs that default to "you"; undefined for an instance key (it names no member). */
const callerId = (ctx: ServiceContext): string | undefined =>
  ctx.actor.type === "user" && ctx.actor.id !== null ? ctx.actor.id : undefined;

/** A tool that is one operation: its inputs are the operation's, less those the server fills in. */
function fromOperation(op: Operation, d: Derivation): McpTool {
  const owner = new Map<string, Part>();
  const properties: ToolInputSchema["properties"] = {};
  const required: string[] = [];
  for (const part of ["params", "query", "body"] as const) {
    const schema = op.spec[part];
    if (!schema) continue;
    const json = jsonSchemaOf(schema);
    for (const [key, property] of Object.entries(json.properties)) {
      owner.set(key, part);
      if (d.fixed?.[key]) continue;
      const defaulted = d.defaultToCaller?.includes(key) ?? false;
      const description = d.describe?.[key] ?? (property.description as string | undefined);
      properties[key] = {
        ...property,
        ...(description || defaulted
          ? { description: `${description ?? key}${defaulted ? " (default: you, the caller)" : ""}` }
          : {}),
      };
      if ((part === "params" || json.required?.includes(key)) && !defaulted) required.push(key);
    }
  }
  return {
    name: d.name,
    description: d.description,
    writes: d.writes,
    needs: d.needs,
    inputSchema: { type: "object", properties, ...(required.length > 0 ? { required } : {}) },
    async call(ctx, args) {
      const raw: Record<Part, Record<string, unknown>> = { params: {}, query: {}, body: {} };
      for (const [key, value] of Object.entries(args)) {
        const part = owner.get(key);
        if (part === undefined || d.fixed?.[key])
          throw new ClerkError("request.unknown_field", `${key} is not an argument of ${d.name}.`, { param: key });
        raw[part][key] = value;
      }
      for (const [key, value] of Object.entries(d.fixed ?? {})) {
        const v = value(ctx);
        if (v !== undefined) raw[owner.get(key) as Part][key] = v;
      }
      for (const key of d.defaultToCaller ?? []) {
        const part = owner.get(key) as Part;
        if (raw[part][key] === undefined && callerId(ctx) !== undefined) raw[part][key] = callerId(ctx);
      }
      return invoke(op, ctx, { params: raw.params, query: raw.query, body: op.spec.body ? raw.body : undefined });
    },
  };
}

const decideArgs = z
  .object({
    task_id: z.string().describe("The task to decide (task_…), from list_my_tasks"),
    decision: z.enum(["approve", "reject"]),
    comment: z.string().optional().describe("Why: kept with the decision; required when rejecting"),
  })
  .strict();

/** approve or reject, as one tool: the same operations (and rules) as a person's `clerk task approve|reject`. */
function decideTask(): McpTool {
  const { approve, reject } = OPERATIONS.tasks as Record<string, Operation>;
  return {
    name: "decide_task",
    description:
      "Approve or reject an approval task assigned to you, with a comment (required to reject). The same rules as for people apply: you may never decide a request you made yourself, and only while you hold the stage's role. Rejecting a task rejects the whole run.",
    writes: true,
    needs: { kind: "member" },
    inputSchema: jsonSchemaOf(decideArgs),
    async call(ctx, args) {
      const a = parseRequest(decideArgs, args);
      if (a.decision === "approve")
        return invoke(approve as Operation, ctx, { params: { id: a.task_id }, body: { comment: a.comment } });
      if (a.comment === undefined || a.comment.trim() === "")
        throw new ClerkError("input.missing", "comment must be included when rejecting: say why.", {
          param: "comment",
        });
      return invoke(reject as Operation, ctx, { params: { id: a.task_id }, body: { reason: a.comment } });
    },
  };
}

const READ_MEMBERS = ["org:sys_memberships:read", "org:sys_memberships:manage"] as const;
const EMIT = ["org:events:emit", "org:workflows:manage", "org:sys_profile:manage"] as const;
const AUDIT = ["org:sys_audit:read"] as const;

let built: readonly McpTool[] | undefined;

/** Every tool, in the order `tools/list` shows them (built once: the JSON Schemas cost more than a call). */
export function allTools(): readonly McpTool[] {
  built ??= Object.freeze(buildTools());
  return built;
}

function buildTools(): McpTool[] {
  const o = OPERATIONS;
  const op = (feature: string, name: string) => o[feature]?.[name] as Operation;
  const org = "The organization: its slug, id (org_…) or name";
  return [
    fromOperation(op("access", "check"), {
      name: "check",
      description:
        "May a member (by default you) do something in an organization, optionally on one resource? Answers allowed true/false with a reason; explain=true adds the path that grants it (member → role → grant → scope) or the nearest miss. Check before you act; when the answer is no, ask with request_approval rather than trying anyway.",
      writes: false,
      needs: { kind: "member" },
      defaultToCaller: ["user_id"],
      describe: { organization_id: org },
    }),
    fromOperation(op("access", "whoCan"), {
      name: "who_can",
      description:
        "Who in an organization may do something (optionally on one resource), each with the path that grants it. Use it to find who could approve or help.",
      writes: false,
      needs: { kind: "member" },
      describe: { organization_id: org },
    }),
    fromOperation(op("members", "permissions"), {
      name: "my_permissions",
      description:
        "Every permission a member (by default you) holds in an organization, with its scopes, expiry and where it comes from (role or direct grant).",
      writes: false,
      needs: { kind: "permission", anyOf: READ_MEMBERS },
      defaultToCaller: ["user_id"],
      describe: { organization_id: org },
    }),
    fromOperation(op("tasks", "requestAccess"), {
      name: "request_access",
      description:
        "Ask for a permission you lack, for a while: the organization's access-request workflow asks people to approve, and on approval you are granted it (limited to scope, if given) until duration has passed. Returns at once, never waits: the run, its stage and who must decide (runs[].stages[].tasks[].assignee, due_at). Follow up with get_run; check again once it is approved. A refused tool call or denied check gives you the exact arguments in `ask`. You can never approve your own request.",
      writes: true,
      needs: { kind: "member" },
      describe: {
        organization_id: org,
        idempotency_key: "Send the same key again to get the first request back instead of a second one",
      },
    }),
    fromOperation(op("tasks", "emit"), {
      name: "request_approval",
      description:
        "Ask people to approve something other than your own access (for a permission you lack, use request_access): emits an event of `type` (e.g. deploy.requested) with facts in `data`, which starts every workflow of the organization whose trigger and condition match. Returns at once, never waits: the runs it started, each with its current stage and the tasks (who must decide, and by when). Follow up with get_run. An empty `runs` list means no workflow matched the event type.",
      writes: true,
      needs: { kind: "permission", anyOf: EMIT },
      fixed: { requester: () => undefined },
      describe: {
        organization_id: org,
        type: "The event type a workflow is triggered by, e.g. deploy.requested",
        data: "Facts about the request that workflow conditions read (environment, pr, files, ...)",
        idempotency_key: "Send the same key again to get the first request back instead of a second one",
      },
    }),
    fromOperation(op("tasks", "getRun"), {
      name: "get_run",
      description:
        "One approval run: its status (open, approved, rejected, cancelled), current stage, each stage's tasks with who decides (assignee, decided_by) and the stage's deadline (due_at); for an access request, granted shows the grant made and when it expires.",
      writes: false,
      needs: { kind: "member" },
      describe: { id: "The run (run_…), as request_approval or list_my_requests answered it" },
    }),
    fromOperation(op("tasks", "listRuns"), {
      name: "list_my_requests",
      description: "The approval runs you requested in an organization (or one workflow), newest first.",
      writes: false,
      needs: { kind: "member" },
      fixed: { requester: callerId },
      describe: { organization_id: org, status: "open, approved, rejected or cancelled (comma-separated)" },
    }),
    fromOperation(op("tasks", "listTasks"), {
      name: "list_my_tasks",
      description:
        "Approval tasks assigned to you (open ones unless status says otherwise), each with its run, stage and subject. Decide them with decide_task.",
      writes: false,
      needs: { kind: "member" },
      fixed: { mine: () => true, assignee: () => undefined },
      describe: { status: "open, approved, rejected or cancelled (comma-separated; default open)" },
    }),
    decideTask(),
    fromOperation(op("orgs", "list"), {
      name: "list_organizations",
      description: "The organizations you can see, with their slugs and member counts.",
      writes: false,
      needs: { kind: "member" },
    }),
    fromOperation(op("orgs", "get"), {
      name: "get_organization",
      description: "One organization: name, slug, parent, description and metadata.",
      writes: false,
      needs: { kind: "member" },
      describe: { organization_id: org },
    }),
    fromOperation(op("members", "list"), {
      name: "list_members",
      description: "The members of an organization with their roles.",
      writes: false,
      needs: { kind: "permission", anyOf: READ_MEMBERS },
      describe: { organization_id: org },
    }),
    fromOperation(op("roles", "listInOrg"), {
      name: "list_roles",
      description:
        "The roles usable in an organization (instance-wide, inherited from parents, its own) with their permissions.",
      writes: false,
      needs: { kind: "member" },
      describe: { organization_id: org },
    }),
    fromOperation(op("audit", "list"), {
      name: "list_audit_events",
      description:
        "An organization's audit log, newest first: who did what, when, and through what (via). filter takes action:<category or action>, actor:<e-mail>, target:<id>.",
      writes: false,
      needs: { kind: "permission", anyOf: AUDIT },
      describe: { organization_id: org },
    }),
  ];
}
