// "Agents ask, people approve" through the SDK's own MCP client, over Streamable HTTP and stdio: an agent is refused
// with how to ask, asks for a grant, a person approves with the real `clerk` binary, the grant works until it expires;
// the agent never decides its own request and an approver cannot grant what they could not delegate.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditOperations } from "../src/features/audit/audit.operations.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { addStage, createWorkflow, updateWorkflow } from "../src/features/workflows/index.js";
import { invoke } from "../src/operations/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { childEnv } from "./helpers/cli.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);
const HOUR = 3_600_000;

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}
interface RunAnswer {
  id: string;
  status: string;
  current_stage: string | null;
  granted: { permission: string; scopes: string[]; expires_at: number; approved_by: string[] } | null;
  stages: { due_at: number | null; tasks: { id: string; assignee: string | null }[] }[];
}

/**
 * eng: bot@acme.com (an agent, org:member); lead@acme.com (a person) may approve access requests and holds
 * org:deploys:write, so can delegate it; helper@acme.com may approve but holds no org:deploys:write. The Access
 * requests workflow (event:access_requested, on_approve: grant) asks one Access Approver, within 4h.
 */
async function seed(t: TestStore): Promise<string> {
  const ctx = t.ctx;
  await createOrganization(ctx, { name: "Eng" });
  await createRole(ctx, { name: "Access Approver", organization: "eng", permissions: "org:sys_memberships:manage" });
  await createRole(ctx, { name: "Deployer", organization: "eng", permissions: "org:deploys:write" });
  await addMember(ctx, { organization: "eng", email: "lead@acme.com", roles: "Access Approver,Deployer" });
  await addMember(ctx, { organization: "eng", email: "helper@acme.com", roles: "Access Approver" });
  await addMember(ctx, { organization: "eng", email: "bot@acme.com", roles: "org:member", kind: "agent" });
  await createWorkflow(ctx, {
    organization: "eng",
    name: "Access requests",
    trigger: "event:access_requested",
    onApprove: "grant",
  });
  await addStage(ctx, "access-requests", { name: "Approval", requiresRole: "Access Approver", timeout: "4h" });
  return (await createKey(ctx, { agent: "bot@acme.com" })).secret;
}

const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer;

const readJson = async (client: Client, uri: string) =>
  JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text) as Record<string, unknown>;

const DEPLOY = { organization_id: "eng", permission: "org:deploys:write", resource: "environment:production" };
const ASK_DEPLOY = { organization_id: "eng", permission: "org:deploys:write", duration: "1h" };

for (const dialect of DIALECTS) {
  describe(`${dialect}: access requests over MCP`, () => {
    let t: TestStore;
    let api: TestApi;
    let botKey: string;
    let dir: string;
    const clients: Client[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "clerk-mcp-access-"));
      t = await openTestStore(dialect, join(dir, "clerk.db"));
      botKey = await seed(t);
      api = await startApi(t);
    });
    afterAll(async () => {
      for (const c of clients.splice(0)) await c.close();
      await api.app.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The `clerk` binary on the same store, at the test clock's time (or `at`). */
    const clerk = (args: string[], at = t.clock.now()) =>
      run(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: childEnv(dir, {
          CLERK_DATABASE_URL: t.store.location,
          CLERK_CLOCK: new Date(at).toISOString(),
        }),
      });

    const overHttp = async (token: string) => {
      const client = new Client({ name: "test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      clients.push(client);
      return client;
    };

    const overStdio = async (at: number) => {
      const client = new Client({ name: "test", version: "1.0.0" });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, "mcp"],
          cwd: dir,
          env: childEnv(dir, {
            CLERK_DATABASE_URL: t.store.location,
            CLERK_CLOCK: new Date(at).toISOString(),
            CLERK_SECRET_KEY: botKey,
          }) as Record<string, string>,
          stderr: "pipe",
        }),
      );
      clients.push(client);
      return client;
    };

    it("over HTTP: an agent is told how to ask, asks, a person approves with the CLI, and the grant lasts its hour", async () => {
      const bot = await overHttp(botKey);
      expect((await bot.listResources()).resources.map((r) => r.uri)).toEqual([
        "clerk://me/permissions",
        "clerk://me/requests",
      ]);

      // A denied check of its own access says how to ask: the exact request_access arguments and who decides.
      const denied = await call(bot, "check", DEPLOY);
      expect(denied.structuredContent).toMatchObject({
        allowed: false,
        ask: {
          tool: "request_access",
          arguments: {
            organization_id: "eng",
            permission: "org:deploys:write",
            scope: "environment:production",
            duration: "1h",
          },
          workflows: [
            { name: "Access requests", stages: [{ name: "Approval", approved_by_holders_of: "org:access_approver" }] },
          ],
        },
      });
      const ask = denied.structuredContent?.ask as { arguments: Record<string, unknown> };
      expect(denied.content.map((c) => c.text).join("\n")).toContain("call request_access with");

      const started = t.clock.now();
      const asked = await call(bot, "request_access", { ...ask.arguments, reason: "Roll back release 1.4.2" });
      expect(asked.isError).toBeFalsy();
      const runs = asked.structuredContent?.runs as RunAnswer[];
      expect(runs).toHaveLength(1);
      const request = runs[0] as RunAnswer;
      expect(request).toMatchObject({ status: "open", current_stage: "Approval", granted: null });
      expect(request.stages[0]?.due_at).toBe(started + 4 * HOUR);
      const task = request.stages[0]?.tasks[0] as { id: string; assignee: string };
      expect(["lead@acme.com", "helper@acme.com"]).toContain(task.assignee);
      const open = await readJson(bot, "clerk://me/requests");
      expect(open).toMatchObject({ member: "bot@acme.com", open: [{ run_id: request.id, current_stage: "Approval" }] });

      // The agent never decides its own request; an approver who could not grant it themselves cannot approve it.
      const own = await call(bot, "decide_task", { task_id: task.id, decision: "approve", comment: "self" });
      expect(own.structuredContent).toMatchObject({ error: { code: "approval.self_approval" } });
      const helper = await clerk(["task", "approve", task.id, "--as", "helper@acme.com"]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(helper).toMatchObject({ code: 4, stderr: expect.stringContaining("cannot grant org:deploys:write") });
      t.clock.advance(60_000);
      await clerk(["task", "approve", task.id, "--as", "lead@acme.com", "--comment", "one hour"]);
      const approvedAt = t.clock.now();

      const after = await call(bot, "get_run", { id: request.id });
      expect(after.structuredContent).toMatchObject({
        status: "approved",
        granted: {
          member: "bot@acme.com",
          permission: "org:deploys:write",
          scopes: ["environment:production"],
          expires_at: approvedAt + HOUR,
          approved_by: ["lead@acme.com"],
        },
      });
      expect((await call(bot, "check", DEPLOY)).structuredContent).toMatchObject({ allowed: true });
      const other = await call(bot, "check", { ...DEPLOY, resource: "environment:staging" });
      expect(other.structuredContent).toMatchObject({ allowed: false });
      const mine = await readJson(bot, "clerk://me/permissions");
      expect(mine).toMatchObject({
        organizations: [
          {
            organization: "eng",
            permissions: expect.arrayContaining([
              expect.objectContaining({
                permission: "org:deploys:write",
                scopes: ["environment:production"],
                expires_at: approvedAt + HOUR,
              }),
            ]),
          },
        ],
      });
      expect(await readJson(bot, "clerk://me/requests")).toMatchObject({ open: [] });

      // Audited as the grant made by the approving person, naming the run and every decider.
      const log = await invoke(auditOperations.list, t.ctx, {
        query: { organization_id: "eng", filter: "action:grant" },
      });
      expect(log.data[0]).toMatchObject({
        action: "grant.created",
        actor: { label: "lead@acme.com" },
        target: { label: "bot@acme.com" },
        after: { run: request.id, approvedBy: ["lead@acme.com"], expiresAt: approvedAt + HOUR },
      });

      t.clock.advance(HOUR);
      expect((await call(bot, "check", DEPLOY)).structuredContent).toMatchObject({ allowed: false });
    });

    it("over HTTP: a tool refused for a missing permission names it and the workflow to ask through", async () => {
      const bot = await overHttp(botKey);
      const refused = await call(bot, "list_audit_events", { organization_id: "eng" });
      expect(refused).toMatchObject({
        isError: true,
        structuredContent: {
          error: { code: "permission.denied" },
          missing: { organization: "eng", permissions: ["org:sys_audit:read"] },
          ask: {
            tool: "request_access",
            arguments: { organization_id: "eng", permission: "org:sys_audit:read", duration: "1h" },
            workflows: [{ name: "Access requests" }],
          },
        },
      });
      expect(refused.content[0]?.text).toMatch(
        /org:sys_audit:read[\s\S]*call request_access with[\s\S]*Access requests/,
      );

      // A member of another organization learns nothing of eng, its workflows included, from a refusal there.
      await createOrganization(t.ctx, { name: "Other" });
      await addMember(t.ctx, { organization: "other", email: "outsider@acme.com", roles: "org:member", kind: "agent" });
      const outsider = await overHttp((await createKey(t.ctx, { agent: "outsider@acme.com" })).secret);
      const foreign = await call(outsider, "list_audit_events", { organization_id: "eng" });
      expect(foreign).toMatchObject({ isError: true, structuredContent: { error: { code: "org.not_found" } } });
      expect(foreign.structuredContent).not.toHaveProperty("ask");
      expect(JSON.stringify(foreign)).not.toContain("Access requests");

      // With the workflow paused, nobody could grant it: the refusal and request_access say so.
      await updateWorkflow(t.ctx, "access-requests", { status: "paused" }, "eng");
      try {
        const nobody = await call(bot, "list_audit_events", { organization_id: "eng" });
        expect(nobody.structuredContent).toMatchObject({ ask: null });
        expect(nobody.content[0]?.text).toContain("No access-request workflow of eng");
        const none = await call(bot, "request_access", ASK_DEPLOY);
        expect(none.structuredContent).toMatchObject({ error: { code: "access_request.no_workflow" } });
      } finally {
        await updateWorkflow(t.ctx, "access-requests", { status: "active" }, "eng");
      }
    });

    it("over HTTP: malformed requests get a tool error naming the field; the API refuses what nobody would approve", async () => {
      const bot = await overHttp(botKey);
      const cases: [Record<string, unknown>, string][] = [
        [{ organization_id: "eng", permission: "org:deploys:write", duration: "soon" }, "duration"],
        [{ organization_id: "eng", permission: "org:deploys:write", duration: 3600 }, "duration"],
        [{ organization_id: "eng", permission: "deploy everything", duration: "1h" }, "permission"],
        [{ organization_id: "eng", duration: "1h" }, "permission"],
        [{ organization_id: "eng", permission: "org:deploys:write", duration: "1h", scope: "production" }, "scope"],
      ];
      for (const [args, param] of cases) {
        const answer = await call(bot, "request_access", args);
        expect(answer.isError).toBe(true);
        expect(answer.structuredContent).toMatchObject({ error: { param } });
      }
      // An instance key names no member to grant to.
      const admin = await call(await overHttp(api.secret), "request_access", ASK_DEPLOY);
      expect(admin.structuredContent).toMatchObject({ error: { code: "approval.member_required" } });

      // A grant is a person's decision: an access-request workflow with no stage that applies refuses the request
      // (over the HTTP API, as the agent) and writes nothing.
      await createWorkflow(t.ctx, {
        organization: "eng",
        name: "Unattended",
        trigger: "event:access_requested",
        condition: "permission:org:unattended:use",
        onApprove: "grant",
      });
      const before = (await invoke(auditOperations.list, t.ctx, { query: { organization_id: "eng" } })).data.length;
      const response = await fetch(`${api.url}/v1/organizations/eng/access_requests`, {
        method: "POST",
        headers: { authorization: `Bearer ${botKey}`, "content-type": "application/json" },
        body: JSON.stringify({ permission: "org:unattended:use", duration: "1h" }),
      });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ errors: [{ code: "access_request_no_approver" }] });
      expect((await invoke(auditOperations.list, t.ctx, { query: { organization_id: "eng" } })).data).toHaveLength(
        before,
      );
    });

    it("over stdio: the agent asks, a person approves with the CLI, and the agent's next session after expiry is refused", async () => {
      const now = t.clock.now();
      const bot = await overStdio(now);
      const asked = await call(bot, "request_access", {
        organization_id: "eng",
        permission: "org:deploys:write",
        duration: "30m",
        reason: "Hotfix",
      });
      const request = (asked.structuredContent?.runs as RunAnswer[])[0] as RunAnswer;
      const taskId = request.stages[0]?.tasks[0]?.id as string;
      const own = await call(bot, "decide_task", { task_id: taskId, decision: "approve", comment: "mine" });
      expect(own.structuredContent).toMatchObject({ error: { code: "approval.self_approval" } });
      await clerk(["task", "approve", taskId, "--as", "lead@acme.com"], now);
      expect((await call(bot, "get_run", { id: request.id })).structuredContent).toMatchObject({
        status: "approved",
        granted: { expires_at: now + 30 * 60_000, scopes: [] },
      });
      const check = { organization_id: "eng", permission: "org:deploys:write" };
      expect((await call(bot, "check", check)).structuredContent).toMatchObject({ allowed: true });
      const later = await overStdio(now + 30 * 60_000 + 1000);
      expect((await call(later, "check", check)).structuredContent).toMatchObject({
        allowed: false,
        ask: { tool: "request_access" },
      });
    });
  });
}
