// Workflows over HTTP on both stores: the CLI's endpoints through the remote transport, decisions as members
// (act-as), refusals as Clerk-style errors with the right status, and the timer queue for instance admins only.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { remoteApi } from "../src/cli/api.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { taskOperations } from "../src/features/tasks/task.operations.js";
import { workflowOperations } from "../src/features/workflows/workflow.operations.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: workflows over HTTP`, () => {
    let t: TestStore;
    let api: TestApi;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await createOrganization(t.ctx, { name: "Eng" });
      await createRole(t.ctx, { name: "Code Reviewer", organization: "eng" });
      await addMember(t.ctx, { organization: "eng", email: "rev@acme.com", roles: "Code Reviewer" });
      await addMember(t.ctx, { organization: "eng", email: "dev@acme.com" });
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    const as = (email?: string) => remoteApi({ url: api.url, secretKey: api.secret, actAs: email });

    it("defines a workflow, starts a run from an event, and approves it as the assignee", async () => {
      const admin = as();
      const created = await admin.call(workflowOperations.create, {
        params: { organization_id: "eng" },
        body: { name: "Review", trigger: "event:pull_request_opened" },
      });
      expect(created).toMatchObject({ object: "workflow", slug: "review", status: "active", stages: [], warnings: [] });
      const staged = await admin.call(workflowOperations.addStage, {
        params: { workflow_id: "review" },
        body: { name: "Code", requires_role: "Code Reviewer", timeout: "2h" },
      });
      expect(staged.stages).toEqual([
        expect.objectContaining({
          object: "workflow_stage",
          name: "Code",
          requires_role: "org:code_reviewer",
          timeout: "2h",
          approvals: 1,
          strategy: "round-robin",
        }),
      ]);
      const event = await admin.call(taskOperations.emit, {
        body: {
          organization_id: "eng",
          type: "pull_request_opened",
          requester: "dev@acme.com",
          idempotency_key: "k1",
          data: { pr: { number: 7 } },
        },
      });
      expect(event).toMatchObject({
        object: "event",
        subject: "7",
        duplicate: false,
        runs: [{ object: "workflow_run", status: "open", current_stage: "Code", requester: "dev@acme.com" }],
      });
      const mine = await as("rev@acme.com").call(taskOperations.listTasks, { query: { mine: true } });
      expect(mine.data.map((x) => [x.assignee, x.stage, x.subject])).toEqual([["rev@acme.com", "Code", "7"]]);
      const taskId = mine.data[0]!.id;
      const approved = await as("rev@acme.com").call(taskOperations.approve, {
        params: { id: taskId },
        body: { comment: "ok" },
      });
      expect(approved).toMatchObject({ status: "approved", decided_by: "rev@acme.com", run: { status: "approved" } });
      const stats = await admin.call(taskOperations.stats, {
        params: { workflow_id: "review" },
        query: { period: "7d" },
      });
      expect(stats).toMatchObject({ object: "workflow_stats", runs: 1, approved: 1, approval_rate: 1 });
      const info = await api.app.inject({
        method: "GET",
        url: "/v1/organizations/eng/info",
        headers: { authorization: `Bearer ${api.secret}` },
      });
      expect(info.json()).toMatchObject({ workflows_count: 1 });
    });

    it("answers refusals with their status and a message that says what would be right", async () => {
      const admin = as();
      await admin.call(workflowOperations.create, {
        params: { organization_id: "eng" },
        body: { name: "Review", trigger: "event:pull_request_opened" },
      });
      await admin.call(workflowOperations.addStage, {
        params: { workflow_id: "review" },
        body: { name: "Code", requires_role: "Code Reviewer" },
      });
      const event = await admin.call(taskOperations.emit, {
        body: { organization_id: "eng", type: "pull_request_opened", requester: "rev@acme.com" },
      });
      const run = event.runs[0]!;
      expect(run.blocked_reason).toMatch(/no eligible reviewer for stage "Code"/);
      const taskId = run.stages[0]!.tasks[0]!.id;
      const post = (url: string, body: unknown, actAs?: string) =>
        api.app.inject({
          method: "POST",
          url,
          headers: {
            authorization: `Bearer ${api.secret}`,
            "content-type": "application/json",
            ...(actAs ? { "clerk-act-as": actAs } : {}),
          },
          payload: JSON.stringify(body),
        });
      const cases: [string, Awaited<ReturnType<typeof post>>, number, string][] = [
        ["self-approval", await post(`/v1/tasks/${taskId}/approve`, {}, "rev@acme.com"), 403, "approval_self_approval"],
        [
          "a member without the role",
          await post(`/v1/tasks/${taskId}/approve`, {}, "dev@acme.com"),
          403,
          "approval_not_eligible",
        ],
        [
          "an instance key deciding for nobody",
          await post(`/v1/tasks/${taskId}/approve`, {}),
          403,
          "authorization_invalid",
        ],
        [
          "a malformed condition",
          await post("/v1/organizations/eng/workflows", { name: "X", trigger: "event:x", condition: "prod" }),
          422,
          "form_param_format_invalid",
        ],
        [
          "an unknown field",
          await post("/v1/events", { organization_id: "eng", type: "x", colour: "red" }),
          422,
          "form_param_unknown",
        ],
        ["a missing type", await post("/v1/events", { organization_id: "eng" }), 422, "form_param_missing"],
        [
          "an unknown run",
          await post("/v1/runs/run_000000000000000000000000000/cancel", {}),
          404,
          "resource_not_found",
        ],
      ];
      for (const [name, res, status, code] of cases) {
        expect([name, res.statusCode, res.json().errors[0].code]).toEqual([name, status, code]);
        expect(res.json().errors[0].long_message).not.toMatch(/\bat .*\.(js|ts):\d+/);
      }
    });

    it("runs the timer queue only for instance admins", async () => {
      const admin = as();
      await admin.call(workflowOperations.create, {
        params: { organization_id: "eng" },
        body: { name: "Review", trigger: "event:pull_request_opened" },
      });
      await admin.call(workflowOperations.addStage, {
        params: { workflow_id: "review" },
        body: { name: "Code", requires_role: "Code Reviewer", timeout: "1h" },
      });
      await admin.call(taskOperations.emit, { body: { organization_id: "eng", type: "pull_request_opened" } });
      const agent = (await createKey(t.ctx, { agent: "rev@acme.com" })).secret;
      const refused = await api.app.inject({
        method: "POST",
        url: "/v1/jobs/run",
        headers: { authorization: `Bearer ${agent}`, "content-type": "application/json" },
        payload: "{}",
      });
      expect(refused.statusCode).toBe(403);
      t.clock.advance(2 * HOUR);
      expect(await admin.call(taskOperations.runJobs, { body: {} })).toMatchObject({
        object: "job_run",
        ran: 1,
        pending: 0,
        done: 1,
      });
      const tasks = await admin.call(taskOperations.listTasks, { query: { organization_id: "eng" } });
      expect(tasks.data.map((x) => x.overdue)).toEqual([true]);
    });
  });
}
