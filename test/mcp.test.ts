// The MCP server through the SDK's own client, over Streamable HTTP (a live server) and stdio (`clerk mcp`
// spawned): what each caller is offered, a check and its explanation, an agent asking and a person approving.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditOperations } from "../src/features/audit/audit.operations.js";
import { createKey, revokeKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { createSession, issueToken } from "../src/features/sessions/index.js";
import { approveTask } from "../src/features/tasks/index.js";
import { addStage, createWorkflow } from "../src/features/workflows/index.js";
import { invoke } from "../src/operations/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { childEnv } from "./helpers/cli.js";
import { DIALECTS, type TestStore, actingAs, openTestStore } from "./helpers/store.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

/**
 * eng: bot@acme.com (an agent) holds Deploy Bot (org:events:emit, org:deploys:read) and Tech Lead;
 * reader@acme.com (an agent) holds only org:member; lead@acme.com (a person) is a Tech Lead. The Deploy Gate
 * workflow (event:deploy_requested) asks one Tech Lead to approve.
 */
async function seed(t: TestStore): Promise<{ bot: string; reader: string }> {
  const ctx = t.ctx;
  await createOrganization(ctx, { name: "Eng" });
  await createRole(ctx, {
    name: "Deploy Bot",
    organization: "eng",
    permissions: "org:events:emit,org:deploys:read",
  });
  await createRole(ctx, { name: "Tech Lead", organization: "eng", permissions: "org:deploys:approve" });
  await addMember(ctx, { organization: "eng", email: "bot@acme.com", roles: "Deploy Bot,Tech Lead" });
  await addMember(ctx, { organization: "eng", email: "reader@acme.com", roles: "org:member" });
  await addMember(ctx, { organization: "eng", email: "lead@acme.com", roles: "Tech Lead" });
  await createWorkflow(ctx, { organization: "eng", name: "Deploy Gate", trigger: "event:deploy_requested" });
  await addStage(ctx, "deploy-gate", { name: "Lead approval", requiresRole: "Tech Lead" });
  const bot = (await createKey(ctx, { agent: "bot@acme.com" })).secret;
  const reader = (await createKey(ctx, { agent: "reader@acme.com" })).secret;
  return { bot, reader };
}

const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer;

const toolNames = async (client: Client): Promise<string[]> => (await client.listTools()).tools.map((t) => t.name);

async function httpClient(api: TestApi, token: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: MCP over Streamable HTTP`, () => {
    let t: TestStore;
    let api: TestApi;
    let keys: { bot: string; reader: string };
    const clients: Client[] = [];
    const connect = async (token: string) => {
      const client = await httpClient(api, token);
      clients.push(client);
      return client;
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      keys = await seed(t);
      api = await startApi(t);
    });
    afterEach(async () => {
      for (const c of clients.splice(0)) await c.close();
      await api.app.close();
      await t.close();
    });

    it("offers each caller only the tools it could ever succeed with", async () => {
      const bot = await toolNames(await connect(keys.bot));
      const reader = await toolNames(await connect(keys.reader));
      const admin = await toolNames(await connect(api.secret));
      expect(bot).toEqual(expect.arrayContaining(["check", "who_can", "request_approval", "decide_task", "get_run"]));
      expect(bot).not.toContain("list_audit_events");
      expect(reader).toContain("check");
      expect(reader).not.toContain("request_approval");
      expect(admin).toContain("list_audit_events");
      expect(admin.length).toBeGreaterThan(bot.length);
      const { tools } = await (await connect(keys.bot)).listTools();
      const check = tools.find((x) => x.name === "check");
      expect(check?.inputSchema.required).toEqual(["organization_id", "permission"]);
      expect(Object.keys(check?.inputSchema.properties ?? {})).toEqual(
        expect.arrayContaining(["organization_id", "user_id", "permission", "resource", "explain"]),
      );
    });

    it("offers a prompt that tells a model how to ask for access", async () => {
      const client = await connect(keys.reader);
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(["ask_for_access"]);
      const prompt = await client.getPrompt({ name: "ask_for_access" });
      expect(JSON.stringify(prompt.messages)).toContain("request_approval");
    });

    it("answers a check as the caller, with its explanation", async () => {
      const client = await connect(keys.bot);
      const yes = await call(client, "check", { organization_id: "eng", permission: "read:deploys", explain: true });
      expect(yes.isError).toBeFalsy();
      expect(yes.structuredContent).toMatchObject({ object: "check", allowed: true });
      expect(JSON.stringify(yes.structuredContent?.path)).toContain("Deploy Bot");
      const no = await call(client, "check", {
        organization_id: "eng",
        permission: "org:deploys:delete",
        explain: true,
      });
      expect(no.structuredContent).toMatchObject({ allowed: false });
      expect(no.structuredContent?.reason).toEqual(expect.stringContaining("org:deploys:delete"));
      const other = await call(client, "check", {
        organization_id: "eng",
        user_id: "reader@acme.com",
        permission: "org:deploys:read",
      });
      expect(other.structuredContent).toMatchObject({ allowed: false });
    });

    it("lets an agent ask, never decide its own request; a person approves and the run completes", async () => {
      const client = await connect(keys.bot);
      const asked = await call(client, "request_approval", {
        organization_id: "eng",
        type: "deploy_requested",
        data: { environment: "production", subject: "v1.2.3" },
      });
      expect(asked.isError).toBeFalsy();
      const runs = asked.structuredContent?.runs as {
        id: string;
        status: string;
        requester: string;
        current_stage: string;
        stages: { tasks: { id: string; assignee: string }[] }[];
      }[];
      expect(runs).toHaveLength(1);
      const started = runs[0] as (typeof runs)[number];
      expect(started).toMatchObject({ status: "open", requester: "bot@acme.com", current_stage: "Lead approval" });
      const task = started.stages[0]?.tasks[0] as { id: string; assignee: string };
      expect(task.assignee).toBe("lead@acme.com");

      const own = await call(client, "decide_task", { task_id: task.id, decision: "approve", comment: "fine by me" });
      expect(own.isError).toBe(true);
      expect(own.structuredContent).toMatchObject({ error: { code: "approval.self_approval" } });

      const mine = await call(client, "list_my_requests", { organization_id: "eng" });
      expect((mine.structuredContent?.data as { id: string }[]).map((r) => r.id)).toEqual([started.id]);
      await approveTask(await actingAs(t, "lead@acme.com"), task.id, { comment: "ship it" });
      const after = await call(client, "get_run", { id: started.id });
      expect(after.structuredContent).toMatchObject({ id: started.id, status: "approved" });

      // Every change the agent made is in the audit log as the agent, via MCP.
      const log = await invoke(auditOperations.list, t.ctx, { query: { organization_id: "eng" } });
      const viaMcp = log.data.filter((e) => e.via?.type === "mcp");
      expect(viaMcp.length).toBeGreaterThan(0);
      expect(viaMcp.every((e) => e.actor.label === "bot@acme.com" && e.via?.label === "mcp (http)")).toBe(true);
    });

    it("lets a reviewing agent approve a task assigned to it, with its comment", async () => {
      const leadKey = (await createKey(t.ctx, { agent: "lead@acme.com" })).secret;
      const asked = await call(await connect(keys.bot), "request_approval", {
        organization_id: "eng",
        type: "deploy_requested",
      });
      const runId = (asked.structuredContent?.runs as { id: string }[])[0]?.id as string;
      const lead = await connect(leadKey);
      const tasks = await call(lead, "list_my_tasks", {});
      const open = tasks.structuredContent?.data as { id: string; run_id: string }[];
      expect(open.map((x) => x.run_id)).toEqual([runId]);
      const noReason = await call(lead, "decide_task", { task_id: open[0]?.id, decision: "reject" });
      expect(noReason).toMatchObject({ isError: true, structuredContent: { error: { param: "comment" } } });
      const decided = await call(lead, "decide_task", {
        task_id: open[0]?.id,
        decision: "approve",
        comment: "ok",
      });
      expect(decided.structuredContent).toMatchObject({
        status: "approved",
        comment: "ok",
        run: { status: "approved" },
      });
    });

    it("answers malformed arguments with a tool error naming the field", async () => {
      const client = await connect(keys.bot);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ organization_id: "eng", permission: 42 }, "permission", "input."],
        [{ permission: "read:deploys" }, "organization_id", "input.missing"],
        [{ organization_id: "eng", permission: "read:deploys", explain: "yes" }, "explain", "input."],
        [{ organization_id: "eng", permission: "read:deploys", colour: "red" }, "colour", "request.unknown_field"],
        [{ organization_id: "eng", permission: "not a key" }, "", "permission.invalid_key"],
      ];
      for (const [args, param, code] of cases) {
        const answer = await call(client, "check", args);
        expect(answer.isError).toBe(true);
        expect(answer.structuredContent).toMatchObject({ error: { code: expect.stringContaining(code) } });
        if (param) expect(answer.structuredContent).toMatchObject({ error: { param } });
      }
      // An instance key names no member, so "you" means nobody: the member must be named.
      const unnamed = await call(await connect(api.secret), "check", {
        organization_id: "eng",
        permission: "read:deploys",
      });
      expect(unnamed).toMatchObject({
        isError: true,
        structuredContent: { error: { code: "input.missing", param: "user_id" } },
      });
      const decide = await call(client, "decide_task", { task_id: "task_x", decision: "maybe" });
      expect(decide).toMatchObject({ isError: true, structuredContent: { error: { param: "decision" } } });
      await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(/no_such_tool/);
    });

    it("refuses a revoked key on its next call, with a 401 that points at the protected-resource metadata", async () => {
      const client = await connect(keys.bot);
      expect(await toolNames(client)).toContain("check");
      await revokeKey(t.ctx, `${keys.bot.slice(0, 12)}…${keys.bot.slice(-4)}`);
      await expect(call(client, "check", { organization_id: "eng", permission: "read:deploys" })).rejects.toMatchObject(
        {
          code: 401,
        },
      );
      const raw = await fetch(`${api.url}/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(raw.status).toBe(401);
      expect(raw.headers.get("www-authenticate")).toMatch(
        /^Bearer resource_metadata="http[^"]+\/\.well-known\/oauth-protected-resource"/,
      );
      const metadata = await fetch(`${api.url}/.well-known/oauth-protected-resource`);
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({
        resource: expect.stringMatching(/\/mcp$/),
        authorization_servers: [expect.any(String)],
      });
    });

    it("takes a session token as the Bearer credential, as its user", async () => {
      const session = await createSession(t.ctx, { user: "reader@acme.com" });
      const { jwt } = await issueToken(t.ctx, { sessionId: session.id });
      const client = await connect(jwt);
      const answer = await call(client, "check", { organization_id: "eng", permission: "org:sys_memberships:read" });
      expect(answer.structuredContent).toMatchObject({ allowed: true });
      expect(await toolNames(client)).not.toContain("request_approval");
    });
  });

  describe(`${dialect}: MCP over stdio (clerk mcp)`, () => {
    let t: TestStore;
    let keys: { bot: string; reader: string };
    let dir: string;
    const clients: Client[] = [];

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "clerk-mcp-"));
      t = await openTestStore(dialect, join(dir, "clerk.db"));
      keys = await seed(t);
    });
    afterEach(async () => {
      for (const c of clients.splice(0)) await c.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const env = (extra: Record<string, string> = {}) =>
      childEnv(dir, {
        CLERK_CHECK_OUTPUT: "1",
        CLERK_CLOCK: "2026-01-01T00:00:00.000Z",
        CLERK_DATABASE_URL: t.store.location,
        ...extra,
      }) as Record<string, string>;

    async function stdioClient(key: string, flags: string[] = []): Promise<Client> {
      const client = new Client({ name: "test", version: "1.0.0" });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, "mcp", ...flags],
          cwd: dir,
          env: env({ CLERK_SECRET_KEY: key }),
          stderr: "pipe",
        }),
      );
      clients.push(client);
      return client;
    }

    it("offers what --tools and --read-only leave, and what the key's member could use", async () => {
      const narrowed = await stdioClient(keys.bot, ["--tools", "check,who_can,request_*"]);
      expect(await toolNames(narrowed)).toEqual(["check", "who_can", "request_access", "request_approval"]);
      const readOnly = await toolNames(await stdioClient(keys.bot, ["--read-only"]));
      expect(readOnly).toContain("check");
      expect(readOnly).not.toContain("request_approval");
      expect(readOnly).not.toContain("decide_task");
      const reader = await toolNames(await stdioClient(keys.reader, ["--tools", "check,who_can,request_*"]));
      // Any member may ask for access; only holders of org:events:emit may emit other events.
      expect(reader).toEqual(["check", "who_can", "request_access"]);
    });

    it("runs an agent's request to completion when a person approves through the CLI", async () => {
      const client = await stdioClient(keys.bot);
      const asked = await call(client, "request_approval", { organization_id: "eng", type: "deploy_requested" });
      const started = (asked.structuredContent?.runs as { id: string; stages: { tasks: { id: string }[] }[] }[])[0];
      const taskId = started?.stages[0]?.tasks[0]?.id as string;
      const own = await call(client, "decide_task", { task_id: taskId, decision: "approve" });
      expect(own.structuredContent).toMatchObject({ error: { code: "approval.self_approval" } });
      await run(process.execPath, [BIN, "task", "approve", taskId, "--as", "lead@acme.com", "--comment", "go"], {
        cwd: dir,
        env: env(),
      });
      const after = await call(client, "get_run", { id: started?.id });
      expect(after.structuredContent).toMatchObject({ status: "approved" });
      const wrong = await call(client, "check", { organization_id: "eng", permission: ["read:deploys"] });
      expect(wrong).toMatchObject({ isError: true, structuredContent: { error: { param: "permission" } } });
      const log = await invoke(auditOperations.list, t.ctx, { query: { organization_id: "eng" } });
      expect(log.data.some((e) => e.via?.label === "mcp (stdio)" && e.actor.label === "bot@acme.com")).toBe(true);
    });

    it("refuses a key revoked while the agent runs, and starts with no key at all", async () => {
      const client = await stdioClient(keys.bot);
      const ok = await call(client, "check", { organization_id: "eng", permission: "read:deploys" });
      expect(ok.structuredContent).toMatchObject({ allowed: true });
      await revokeKey(t.ctx, `${keys.bot.slice(0, 12)}…${keys.bot.slice(-4)}`);
      const refused = await call(client, "check", { organization_id: "eng", permission: "read:deploys" });
      expect(refused).toMatchObject({ isError: true, structuredContent: { error: { code: "auth.unauthenticated" } } });
      const failed = await run(process.execPath, [BIN, "mcp"], { cwd: dir, env: env() }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed).toMatchObject({ code: expect.any(Number), stderr: expect.stringContaining("CLERK_SECRET_KEY") });
    });
  });
}
