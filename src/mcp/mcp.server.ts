// The MCP server: lists the tools the caller could ever succeed with and runs a call as that caller, audited
// `via: mcp`. Transports (stdio for `clerk mcp`, Streamable HTTP for `/mcp`) only say who the caller is.
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ServiceContext } from "../context.js";
import { ClerkError, asClerkError } from "../errors.js";
import { authorize, isMemberOf } from "../features/access/index.js";
import { findOrgById, resolveOrg } from "../features/orgs/index.js";
import { normalizePermissionKey } from "../features/permissions/index.js";
import { organizationIdsOfUser } from "../features/policy/index.js";
import { VERSION } from "../version.js";
import { askFor, askText, refusal, toolError } from "./mcp.refusal.js";
import { RESOURCES } from "./mcp.resources.js";
import { type McpTool, allTools } from "./mcp.tools.js";

/** What an operator narrows the server to. */
export interface McpOptions {
  /** Hide (and refuse) every tool that changes something. */
  readonly readOnly?: boolean | undefined;
  /** Tool names to offer, `*` matching any run of characters (`request_*`); all when absent. */
  readonly tools?: readonly string[] | undefined;
  /** Which transport, for the audit log's `via` label. */
  readonly transport: "stdio" | "http";
  /** Where an unexpected failure is reported (the model only hears "internal error"). */
  readonly log?: ((error: unknown) => void) | undefined;
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

/**
 * Parses `--tools "check,who_can,request_*"` against the tool names; a pattern that matches no tool is refused,
 * so a typo never silently offers nothing.
 */
export function parseToolPatterns(value: string): string[] {
  const names = allTools().map((t) => t.name);
  const patterns = value
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (patterns.length === 0)
    throw new ClerkError("input.invalid", `--tools names no tool; choose from ${names.join(", ")}.`, {
      param: "tools",
    });
  for (const p of patterns) {
    if (!/^[a-z_*]+$/.test(p) || !names.some((n) => glob(p).test(n)))
      throw new ClerkError("input.invalid", `--tools: "${p}" matches no tool; choose from ${names.join(", ")}.`, {
        param: "tools",
      });
  }
  return patterns;
}

/** The tools this server offers at all, before asking who calls. */
export function offeredTools(options: Pick<McpOptions, "readOnly" | "tools">): McpTool[] {
  const patterns = options.tools?.map(glob);
  return allTools().filter(
    (t) => !(options.readOnly && t.writes) && (patterns === undefined || patterns.some((p) => p.test(t.name))),
  );
}

/**
 * The tools the caller could ever succeed with: each tool's need is put to authorize() in every organization the
 * caller belongs to. Instance admins (an instance secret key) meet every need; a member of nothing sees nothing.
 */
export async function visibleTools(ctx: ServiceContext, tools: readonly McpTool[]): Promise<McpTool[]> {
  if (ctx.actor.type !== "user" || ctx.actor.admin === true) return [...tools];
  if (ctx.actor.id === null) return [];
  const orgs = [];
  for (const id of await organizationIdsOfUser(ctx.db, ctx.actor.id)) {
    const row = await findOrgById(ctx.db, id);
    if (row) orgs.push({ id: row.id, slug: row.slug });
  }
  const out: McpTool[] = [];
  for (const tool of tools) {
    const need = tool.needs;
    let met = false;
    for (const organization of orgs) {
      met =
        need.kind === "member" ||
        (await authorize(ctx, { kind: "permission", organization, anyOf: need.anyOf })).allowed;
      if (met) break;
    }
    if (met) out.push(tool);
  }
  return out;
}

function toolResult(result: unknown): CallToolResult {
  const plain = JSON.parse(JSON.stringify(result ?? null)) as unknown;
  return {
    content: [{ type: "text", text: JSON.stringify(plain, null, 2) }],
    ...(plain !== null && typeof plain === "object" && !Array.isArray(plain)
      ? { structuredContent: plain as Record<string, unknown> }
      : {}),
  };
}

/**
 * A denied check of the caller's own access, with how to ask for it (`ask`: the request_access arguments and the
 * workflows that decide); other answers pass unchanged.
 */
async function withAsk(ctx: ServiceContext, args: Record<string, unknown>, result: unknown): Promise<CallToolResult> {
  const answer = result as { allowed?: unknown };
  const self = args.user_id === undefined || args.user_id === ctx.actor.id || args.user_id === ctx.actor.label;
  if (answer.allowed !== false || !self || ctx.actor.id === null || typeof args.organization_id !== "string")
    return toolResult(result);
  const org = await resolveOrg(ctx, args.organization_id);
  const permission = normalizePermissionKey(String(args.permission));
  const resource = typeof args.resource === "string" ? args.resource : undefined;
  const ask = await askFor(ctx, org, [permission], resource);
  if (ask === null && !(await isMemberOf(ctx, org.id, ctx.actor.id))) return toolResult(result);
  const out = toolResult({ ...(result as Record<string, unknown>), ask });
  out.content.push({ type: "text", text: askText(ask, [permission], org.slug) });
  return out;
}

/** The caller as the audit log records an MCP call: the member, via the MCP transport. */
export function viaMcp(ctx: ServiceContext, transport: McpOptions["transport"]): ServiceContext {
  return {
    ...ctx,
    requestId: ctx.requestId ?? `req_${randomUUID().replace(/-/g, "")}`,
    actor: { ...ctx.actor, via: ctx.actor.via ?? { type: "mcp", id: null, label: `mcp (${transport})` } },
  };
}

/** The prompt that tells a model how to ask for access instead of trying anyway. */
const ASK_FOR_ACCESS = {
  name: "ask_for_access",
  description: "How to act within your permissions and ask people for approval when you lack one",
  text: [
    "You act in clerk as a member with your own permissions; people approve what you may not do alone.",
    "1. Read the resource clerk://me/permissions to see what you hold (with scopes and expiry), and clerk://me/requests for what you already asked.",
    "2. Before an action you are unsure of, call check with the organization, the permission (org:<feature>:<action>) and, when it is about one thing, the resource (type:id). Use explain=true to learn why.",
    "3. If check says allowed, go ahead. If not, do not try anyway and do not look for another way round.",
    "4. Ask for the permission: a denied check, and any tool refused for a missing permission, carries `ask` with the exact request_access arguments (organization_id, permission, scope, duration) and the workflow that decides. Call request_access with them, a short duration (1h unless your task needs more) and a one-sentence reason. It returns at once with the run and who must decide; it never waits.",
    "5. For approvals that are not about your own access (a deploy, a document), call request_approval with the event type the organization's workflow listens to (ask your user if you do not know it) and the facts in data.",
    "6. Tell your user who must approve (the task assignees) and by when (due_at); follow the run with get_run. Once it is approved (granted shows the grant and its expiry), check again and act. After expires_at the access is gone: ask again if you still need it.",
    "7. Never decide a request you made yourself: decide_task is for tasks others asked of you, and only with a comment that says why.",
  ].join("\n"),
} as const;

// The SDK builds an Ajv instance per server (for elicitation, which clerk never asks); one per process is
// enough, and a stateless /mcp builds a server per request.
let validator: AjvJsonSchemaValidator | undefined;

/**
 * An MCP server whose every request is answered as the caller `contextOf` names at that moment: a revoked key
 * is refused on the next call, not at the next connection.
 */
export function createMcpServer(contextOf: () => Promise<ServiceContext>, options: McpOptions): Server {
  const offered = offeredTools(options);
  const callerOf = async (of: () => Promise<ServiceContext>) =>
    of().catch((error: unknown) => {
      const e = asClerkError(error);
      throw e ? new McpError(ErrorCode.InvalidRequest, `${e.code}: ${e.message}`) : error;
    });
  const server = new Server(
    { name: "clerk", version: VERSION },
    {
      capabilities: { tools: {}, prompts: {}, resources: {} },
      jsonSchemaValidator: (validator ??= new AjvJsonSchemaValidator()),
      instructions:
        "clerk decides what you (an agent, a member of organizations) may do. Call check before an action you are unsure of. When the answer is no, do not try anyway: call request_access with the arguments the answer's `ask` gives, tell the user who must approve, and follow the run with get_run. The prompt ask_for_access explains more.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const ctx = await callerOf(contextOf);
    return {
      tools: (await visibleTools(ctx, offered)).map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema,
        annotations: { readOnlyHint: !t.writes, openWorldHint: false },
      })),
    };
  });
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: [{ name: ASK_FOR_ACCESS.name, description: ASK_FOR_ACCESS.description }],
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    if (request.params.name !== ASK_FOR_ACCESS.name)
      throw new McpError(ErrorCode.InvalidParams, `No prompt ${request.params.name}; see prompts/list.`);
    return {
      description: ASK_FOR_ACCESS.description,
      messages: [{ role: "user", content: { type: "text", text: ASK_FOR_ACCESS.text } }],
    };
  });
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: RESOURCES.map(({ uri, name, title, description, mimeType }) => ({
      uri,
      name,
      title,
      description,
      mimeType,
    })),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const resource = RESOURCES.find((r) => r.uri === request.params.uri);
    if (!resource)
      throw new McpError(
        ErrorCode.InvalidParams,
        `No resource ${request.params.uri}; there are ${RESOURCES.map((r) => r.uri).join(", ")}.`,
      );
    const ctx = await callerOf(contextOf);
    const contents = await resource.read(ctx);
    return { contents: [{ uri: resource.uri, mimeType: resource.mimeType, text: JSON.stringify(contents, null, 2) }] };
  });
  const canAsk = offered.some((t) => t.name === "request_access");
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = offered.find((t) => t.name === request.params.name);
    if (!tool) {
      const why = allTools().some((t) => t.name === request.params.name) ? " on this server" : "";
      throw new McpError(ErrorCode.InvalidParams, `No tool ${request.params.name}${why}; see tools/list.`);
    }
    let ctx: ServiceContext | undefined;
    try {
      ctx = viaMcp(await contextOf(), options.transport);
      const args = request.params.arguments ?? {};
      const result = await tool.call(ctx, args);
      if (tool.name === "check" && canAsk) return await withAsk(ctx, args, result);
      return toolResult(result);
    } catch (error) {
      const e = asClerkError(error);
      if (e) return ctx ? await refusal(ctx, e, canAsk).catch(() => toolError(e)) : toolError(e);
      options.log?.(error);
      return { isError: true, content: [{ type: "text", text: "internal error: clerk could not answer this call." }] };
    }
  });
  return server;
}
