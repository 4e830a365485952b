// Approval workflows end to end on both stores, in the style of Teleport's review-threshold tests: each case
// names the rule a user relies on, emits events, decides tasks as members, and reads runs and the audit log.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import { healthReport } from "../src/features/health/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import {
  approveTask,
  assignTask,
  cancelRun,
  emitEvent,
  getRun,
  listTasks,
  rejectTask,
  workflowStats,
} from "../src/features/tasks/index.js";
import {
  addStage,
  createWorkflow,
  saveFileSet,
  setAssignment,
  setEscalation,
  updateStage,
} from "../src/features/workflows/index.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

const HOUR = 3_600_000;
const REVIEWERS = ["rev1@acme.com", "rev2@acme.com", "rev3@acme.com", "rev4@acme.com"];

/**
 * eng: dev is a Developer (the usual requester); rev1-4 are Code Reviewers; senior is a Senior Reviewer (extends
 * Code Reviewer); sec a Security Lead; lead a Tech Lead; ciso the CISO. security-sensitive = src/auth/**, **\/*.pem.
 */
async function seed(t: TestStore): Promise<void> {
  const ctx = t.ctx;
  await createOrganization(ctx, { name: "Eng" });
  for (const name of ["Developer", "Code Reviewer", "Security Lead", "Tech Lead", "CISO"])
    await createRole(ctx, { name, organization: "eng" });
  await createRole(ctx, { name: "Senior Reviewer", organization: "eng", extends: "Code Reviewer" });
  await addMember(ctx, { organization: "eng", email: "dev@acme.com", roles: "Developer" });
  for (const email of REVIEWERS) await addMember(ctx, { organization: "eng", email, roles: "Code Reviewer" });
  await addMember(ctx, { organization: "eng", email: "senior@acme.com", roles: "Senior Reviewer" });
  await addMember(ctx, { organization: "eng", email: "sec@acme.com", roles: "Security Lead" });
  await addMember(ctx, { organization: "eng", email: "lead@acme.com", roles: "Tech Lead" });
  await addMember(ctx, { organization: "eng", email: "ciso@acme.com", roles: "CISO" });
  await saveFileSet(ctx, { organization: "eng", name: "security-sensitive", paths: ["src/auth/**,**/*.pem"] });
}

async function prWorkflow(t: TestStore): Promise<void> {
  await createWorkflow(t.ctx, {
    organization: "eng",
    name: "Pull Request Approval",
    trigger: "event:pull_request_opened",
  });
  await addStage(t.ctx, "pull-request-approval", {
    name: "Technical Review",
    requiresRole: "Code Reviewer",
    timeout: "24h",
  });
  await addStage(t.ctx, "pull-request-approval", {
    name: "Security Approval",
    requiresRole: "Security Lead",
    condition: "files:touched:security-sensitive",
  });
}

async function deployGate(t: TestStore): Promise<void> {
  await createWorkflow(t.ctx, {
    organization: "eng",
    name: "Production Deploy Gate",
    trigger: "event:deployment_requested",
    condition: "environment:production",
  });
  await addStage(t.ctx, "production-deploy-gate", {
    name: "Change Record",
    requiresRole: "Tech Lead",
    form: "change-request-template",
  });
  await addStage(t.ctx, "production-deploy-gate", {
    name: "Production Approval",
    requiresRole: "CISO",
    condition: "estimated-impact:high",
  });
}

let pr = 0;
async function openPr(t: TestStore, files: string[], requester = "dev@acme.com") {
  pr += 1;
  const r = await emitEvent(t.ctx, {
    organization: "eng",
    type: "pull_request_opened",
    requester,
    data: { pr: { number: pr, title: `PR ${pr}` }, files },
  });
  return r.runs[0]!;
}

/** The open task of the run's active stage assigned to someone, and that someone. */
async function openTask(t: TestStore, runId: string, n = 0) {
  const run = await getRun(t.ctx, runId);
  const stage = run.stages.find((s) => s.status === "active")!;
  const task = stage.tasks.filter((x) => x.status === "open")[n]!;
  return { task, assignee: task.assignee?.email ?? null, stage: stage.name };
}

async function approveAsAssignee(t: TestStore, runId: string, extra: Parameters<typeof approveTask>[2] = {}) {
  const { task, assignee } = await openTask(t, runId);
  return approveTask(await actingAs(t, assignee as string), task.id, extra);
}

const CHANGE = {
  summary: "Move auth to the new cluster",
  risk: "low",
  rollback_plan: "Switch DNS back",
  ticket: "CHG-42",
};

for (const dialect of DIALECTS) {
  describe(`${dialect}: approval workflows`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t);
    });
    afterEach(async () => t.close());

    describe("stages run in order and conditional ones are skipped when false", () => {
      const cases: { name: string; files: string[]; stages: [string, string][]; approvers: string[] }[] = [
        {
          name: "a pull request touching no security-sensitive file needs only the technical review",
          files: ["README.md"],
          stages: [
            ["Technical Review", "approved"],
            ["Security Approval", "skipped"],
          ],
          approvers: ["code reviewer"],
        },
        {
          name: "a pull request touching src/auth also needs the security lead",
          files: ["README.md", "src/auth/session.ts"],
          stages: [
            ["Technical Review", "approved"],
            ["Security Approval", "approved"],
          ],
          approvers: ["code reviewer", "sec@acme.com"],
        },
        {
          name: "a .pem anywhere counts as security-sensitive",
          files: ["deploy/certs/server.pem"],
          stages: [
            ["Technical Review", "approved"],
            ["Security Approval", "approved"],
          ],
          approvers: ["code reviewer", "sec@acme.com"],
        },
      ];
      it.each(cases)("$name", async ({ files, stages, approvers }) => {
        await prWorkflow(t);
        const run = await openPr(t, files);
        const decided: string[] = [];
        for (let i = 0; i < approvers.length; i++) {
          const { assignee } = await openTask(t, run.id);
          decided.push(REVIEWERS.includes(assignee as string) ? "code reviewer" : (assignee as string));
          await approveAsAssignee(t, run.id);
        }
        const after = await getRun(t.ctx, run.id);
        expect(decided).toEqual(approvers);
        expect(after.status).toBe("approved");
        expect(after.stages.map((s) => [s.name, s.status])).toEqual(stages);
        const actions = (await auditEventsOf(t.ctx, after.organizationId)).map((e) => e.action);
        expect(actions).toContain("workflow.run_approved");
        expect(actions.filter((a) => a === "workflow.stage_skipped")).toHaveLength(
          stages.filter(([, s]) => s === "skipped").length,
        );
      });
    });

    describe("the production deploy gate", () => {
      const cases: { name: string; data: Record<string, unknown>; runs: number; stages?: [string, string][] }[] = [
        {
          name: "a staging deployment starts no run",
          data: { environment: "staging", estimated_impact: "high" },
          runs: 0,
        },
        {
          name: "a low-impact production deployment needs only the change record",
          data: { environment: "production", "estimated-impact": "low" },
          runs: 1,
          stages: [
            ["Change Record", "approved"],
            ["Production Approval", "skipped"],
          ],
        },
        {
          name: "a high-impact one also needs the CISO",
          data: { environment: "Production", "Estimated-Impact": "high" },
          runs: 1,
          stages: [
            ["Change Record", "approved"],
            ["Production Approval", "approved"],
          ],
        },
      ];
      it.each(cases)("$name", async ({ data, runs, stages }) => {
        await deployGate(t);
        const emitted = await emitEvent(t.ctx, {
          organization: "eng",
          type: "deployment_requested",
          requester: "dev@acme.com",
          data,
        });
        expect(emitted.runs).toHaveLength(runs);
        if (runs === 0) return;
        const run = emitted.runs[0]!;
        const { task } = await openTask(t, run.id);
        const lead = await actingAs(t, "lead@acme.com");
        await expect(approveTask(lead, task.id)).rejects.toMatchObject({
          code: "approval.form_invalid",
          message: expect.stringMatching(/needs the form change-request-template/),
        });
        await expect(approveTask(lead, task.id, { formData: { ...CHANGE, risk: "huge" } })).rejects.toMatchObject({
          code: "approval.form_invalid",
          message: expect.stringMatching(/risk/),
        });
        const decided = await approveTask(lead, task.id, { formData: CHANGE });
        expect(decided.task.formData).toEqual(CHANGE);
        if (decided.run.status === "open") await approveAsAssignee(t, run.id);
        expect((await getRun(t.ctx, run.id)).stages.map((s) => [s.name, s.status])).toEqual(stages);
      });
    });

    it("a stage needing 2 approvals takes 2 distinct people; the same person counts once", async () => {
      await prWorkflow(t);
      await updateStage(t.ctx, "pull-request-approval", "Technical Review", { approvals: 2 });
      const run = await openPr(t, ["README.md"]);
      const first = await openTask(t, run.id, 0);
      const second = await openTask(t, run.id, 1);
      expect(first.assignee).not.toBe(second.assignee);
      const firstCtx = await actingAs(t, first.assignee as string);
      const one = await approveTask(firstCtx, first.task.id);
      expect(one.run.stages[0]).toMatchObject({ status: "active", approvals: 1, approvalsNeeded: 2 });
      await expect(approveTask(firstCtx, second.task.id)).rejects.toMatchObject({ code: "approval.already_counted" });
      const two = await approveTask(await actingAs(t, second.assignee as string), second.task.id);
      expect(two.run.status).toBe("approved");
    });

    it("refuses decisions that break the rules, with a specific error, changing nothing", async () => {
      await prWorkflow(t);
      // rev1 requests this one, so rev1 holds the role but may not approve.
      const run = await openPr(t, ["README.md"], "rev1@acme.com");
      const { task, assignee } = await openTask(t, run.id);
      expect(assignee).not.toBe("rev1@acme.com");
      // Every member sees the run, whatever their roles (the reviewers' and requester's are custom ones).
      for (const email of [assignee as string, "rev1@acme.com", "dev@acme.com"])
        expect((await getRun(await actingAs(t, email), run.id)).id).toBe(run.id);
      const cases: [string, () => Promise<unknown>, string][] = [
        [
          "the requester approving their own run",
          async () => approveTask(await actingAs(t, "rev1@acme.com"), task.id),
          "approval.self_approval",
        ],
        [
          "the requester rejecting their own run (they cancel it instead)",
          async () => rejectTask(await actingAs(t, "rev1@acme.com"), task.id, { reason: "never mind" }),
          "approval.self_approval",
        ],
        [
          "a member without the stage's role",
          async () => approveTask(await actingAs(t, "dev@acme.com"), task.id),
          "approval.not_eligible",
        ],
        ["the operator, who is no member", async () => approveTask(t.ctx, task.id), "approval.member_required"],
        [
          "a rejection without a reason",
          async () => rejectTask(await actingAs(t, assignee as string), task.id, { reason: " " }),
          "input.invalid",
        ],
        [
          "an unknown task",
          async () => approveTask(await actingAs(t, assignee as string), "task_000000000000000000000000000"),
          "task.not_found",
        ],
      ];
      for (const [, op, code] of cases) await refusedUnchanged(t, op, code);
    });

    it("a holder of the stage's role may decide a task assigned to someone else, and a decision is final", async () => {
      await prWorkflow(t);
      const run = await openPr(t, ["README.md"]);
      const { task, assignee } = await openTask(t, run.id);
      const other = REVIEWERS.find((r) => r !== assignee) as string;
      // senior holds Code Reviewer through Senior Reviewer.
      const decided = await approveTask(await actingAs(t, "senior@acme.com"), task.id, {
        comment: "covering for a colleague",
      });
      expect(decided.task).toMatchObject({
        status: "approved",
        decidedBy: { email: "senior@acme.com" },
        assignee: { email: assignee },
        comment: "covering for a colleague",
      });
      await refusedUnchanged(t, async () => approveTask(await actingAs(t, other), task.id), "approval.already_decided");
    });

    it("a rejection ends the run rejected, and stats count it with its reason", async () => {
      await prWorkflow(t);
      const approved = await openPr(t, ["README.md"]);
      t.clock.advance(2 * HOUR);
      await approveAsAssignee(t, approved.id);
      const rejected = await openPr(t, ["src/auth/a.ts"]);
      t.clock.advance(4 * HOUR);
      const { task, assignee } = await openTask(t, rejected.id);
      const r = await rejectTask(await actingAs(t, assignee as string), task.id, { reason: "Missing tests" });
      expect(r.run).toMatchObject({ status: "rejected", outcomeReason: "Missing tests" });
      expect(r.run.stages.map((s) => s.status)).toEqual(["rejected", "cancelled"]);
      await openPr(t, ["README.md"]);
      const stats = await workflowStats(t.ctx, "pull-request-approval", { period: "30d" });
      expect(stats).toMatchObject({
        runs: 3,
        approved: 1,
        rejected: 1,
        open: 1,
        approvalRate: 0.5,
        topRejectionReasons: [{ reason: "Missing tests", count: 1 }],
      });
      expect(stats.completion).toEqual({ averageMs: 3 * HOUR, p50Ms: 2 * HOUR, p90Ms: 4 * HOUR });
      expect(stats.stages[0]).toEqual({ name: "Technical Review", completed: 2, averageMs: 3 * HOUR });
      await expect(workflowStats(t.ctx, "pull-request-approval", { period: "a month" })).rejects.toMatchObject({
        code: "workflow.invalid_duration",
      });
    });

    it("round-robin is fair over 100 runs and never assigns the requester", async () => {
      await prWorkflow(t);
      const counts = new Map<string, number>();
      for (let i = 0; i < 100; i++) {
        const requester = i % 10 === 0 ? "rev2@acme.com" : "dev@acme.com";
        const run = await openPr(t, ["README.md"], requester);
        const { assignee } = await openTask(t, run.id);
        expect(assignee).not.toBe(requester);
        counts.set(assignee as string, (counts.get(assignee as string) ?? 0) + 1);
      }
      // senior holds Code Reviewer by inheritance, so the pool is five people; every one gets 20 ± 2.
      expect([...counts.keys()].sort()).toEqual([...REVIEWERS, "senior@acme.com"].sort());
      for (const n of counts.values()) expect(Math.abs(n - 20)).toBeLessThanOrEqual(2);
    });

    it("the rotation lives in the store: a new process goes on where the last one stopped", async () => {
      await prWorkflow(t);
      const first = await openTask(t, (await openPr(t, ["README.md"])).id);
      const fresh = { ...t.ctx, runtime: { caches: new Map() } };
      const run = await emitEvent(fresh, {
        organization: "eng",
        type: "pull_request_opened",
        requester: "dev@acme.com",
        data: { pr: { number: 999 } },
      });
      const second = await openTask(t, run.runs[0]!.id);
      const pool = ["rev1@acme.com", "rev2@acme.com", "rev3@acme.com", "rev4@acme.com", "senior@acme.com"];
      expect(pool.indexOf(second.assignee as string)).toBe((pool.indexOf(first.assignee as string) + 1) % pool.length);
    });

    it("least-loaded sends the task to whoever has the fewest open tasks, rotation breaking ties", async () => {
      await prWorkflow(t);
      await setAssignment(t.ctx, "pull-request-approval", { strategy: "manual", role: "Code Reviewer" });
      // Uneven queues by hand: rev1 3 open tasks, rev2 1, senior 2, rev4 2, rev3 none.
      const load: [string, number][] = [
        ["rev1@acme.com", 3],
        ["rev2@acme.com", 1],
        ["senior@acme.com", 2],
        ["rev4@acme.com", 2],
      ];
      for (const [reviewer, n] of load) {
        for (let i = 0; i < n; i++) {
          const run = await openPr(t, ["README.md"]);
          await assignTask(t.ctx, { run: run.id, reviewer });
        }
      }
      await setAssignment(t.ctx, "pull-request-approval", { strategy: "least-loaded", role: "Code Reviewer" });
      const picks: string[] = [];
      for (let i = 0; i < 4; i++)
        picks.push((await openTask(t, (await openPr(t, ["README.md"])).id)).assignee as string);
      // rev3 (none) first. Then rev2 and rev3 tie at 1, and the rotation after rev3 reaches rev2 first.
      expect(picks.slice(0, 2)).toEqual(["rev3@acme.com", "rev2@acme.com"]);
      // rev3 (1) is alone at the bottom; then rev2, rev3, rev4 and senior tie at 2, and after rev3 comes rev4.
      expect(picks.slice(2)).toEqual(["rev3@acme.com", "rev4@acme.com"]);
    });

    it("a stage with no eligible reviewer blocks the run; the health report lists it; assigning one unblocks it", async () => {
      await prWorkflow(t);
      // sec is the only Security Lead and requests this change.
      const run = await openPr(t, ["src/auth/a.ts"], "sec@acme.com");
      await approveAsAssignee(t, run.id);
      const blocked = await getRun(t.ctx, run.id);
      expect(blocked).toMatchObject({
        status: "open",
        currentStage: "Security Approval",
        blockedReason: expect.stringMatching(/^no eligible reviewer for stage "Security Approval"/),
      });
      const report = await healthReport(t.ctx, "eng");
      const section = report.sections.find((s) => s.check === "workflow.blocked");
      expect(section).toMatchObject({
        available: true,
        findings: [{ check: "workflow.blocked", run: run.id, stage: "Security Approval" }],
      });
      await refusedUnchanged(
        t,
        () => assignTask(t.ctx, { run: run.id, reviewer: "sec@acme.com" }),
        "approval.reviewer_not_eligible",
      );
      await refusedUnchanged(
        t,
        () => assignTask(t.ctx, { run: run.id, reviewer: "rev1@acme.com" }),
        "approval.reviewer_not_eligible",
      );
      await addMember(t.ctx, { organization: "eng", email: "sec2@acme.com", roles: "Security Lead" });
      const assigned = await assignTask(t.ctx, {
        workflow: "pull-request-approval",
        pullRequest: String(pr),
        reviewer: "sec2@acme.com",
      });
      expect(assigned.run.blockedReason).toBeNull();
      await approveTask(await actingAs(t, "sec2@acme.com"), assigned.task.id);
      expect((await getRun(t.ctx, run.id)).status).toBe("approved");
      const assignedEvent = (await auditEventsOf(t.ctx, blocked.organizationId)).find(
        (e) => e.action === "approval.assigned",
      );
      expect(assignedEvent?.after).toMatchObject({
        assignee: "sec2@acme.com",
        via: "manual",
        signal: "stage:assigned",
      });
    });

    it("times out, then escalates to the escalation role keeping the original assignee on record, then is approved there", async () => {
      await prWorkflow(t);
      await setEscalation(t.ctx, "pull-request-approval", {
        stage: "Technical Review",
        after: "48h",
        escalateTo: "Senior Reviewer",
        notify: "lead@acme.com",
      });
      const { runDueJobs } = await import("../src/features/jobs/index.js");
      const { TASK_JOB_HANDLERS } = await import("../src/features/tasks/index.js");
      const run = await openPr(t, ["README.md"]);
      const original = (await openTask(t, run.id)).assignee;
      t.clock.advance(23 * HOUR);
      expect((await runDueJobs(t.ctx, TASK_JOB_HANDLERS)).ran).toBe(0);
      t.clock.advance(2 * HOUR);
      expect((await runDueJobs(t.ctx, TASK_JOB_HANDLERS)).ran).toBe(1);
      const overdue = await getRun(t.ctx, run.id);
      // Overdue since the deadline (24h after the start), not since the timer ran an hour later.
      expect(overdue).toMatchObject({
        status: "open",
        stages: [
          { name: "Technical Review", status: "active", overdueAt: t.clock.now() - HOUR },
          { status: "waiting" },
        ],
      });
      const overdueSection = (await healthReport(t.ctx, "eng")).sections.find((s) => s.check === "task.overdue");
      expect(overdueSection).toMatchObject({
        available: true,
        findings: [
          { run: run.id, stage: "Technical Review", summary: expect.stringMatching(/is overdue by 1h \(waiting on /) },
        ],
      });
      expect((await listTasks(t.ctx, { organization: "eng" })).data.find((x) => x.runId === run.id)?.overdue).toBe(
        true,
      );
      t.clock.advance(24 * HOUR);
      expect((await runDueJobs(t.ctx, TASK_JOB_HANDLERS)).ran).toBe(1);
      const { task, assignee } = await openTask(t, run.id);
      // senior is the only Senior Reviewer.
      expect([assignee, task.escalated, task.assignedVia]).toEqual(["senior@acme.com", true, "escalation"]);
      const events = await auditEventsOf(t.ctx, overdue.organizationId);
      expect(events.find((e) => e.action === "approval.overdue")?.after).toMatchObject({
        stage: "Technical Review",
        elapsed: "1d 1h",
        signal: "stage:overdue",
        assignees: [original],
      });
      expect(events.find((e) => e.action === "approval.escalated")).toMatchObject({
        before: { assignee: original },
        after: {
          assignee: "senior@acme.com",
          escalateTo: "org:senior_reviewer",
          notify: "lead@acme.com",
          signal: "stage:escalated",
        },
      });
      await approveTask(await actingAs(t, "senior@acme.com"), task.id);
      expect((await getRun(t.ctx, run.id)).status).toBe("approved");
    });

    it("an event redelivered with its idempotency key starts nothing new; the key with other data is refused", async () => {
      await prWorkflow(t);
      const input = {
        organization: "eng",
        type: "pull_request_opened",
        idempotencyKey: "gh-1",
        requester: "dev@acme.com",
        data: { pr: { number: 1, title: "A" }, files: ["a"] },
      };
      const first = await emitEvent(t.ctx, input);
      const again = await emitEvent(t.ctx, { ...input, data: { files: ["a"], pr: { title: "A", number: 1 } } });
      expect([first.duplicate, again.duplicate, again.event.id, again.runs.map((r) => r.id)]).toEqual([
        false,
        true,
        first.event.id,
        first.runs.map((r) => r.id),
      ]);
      await refusedUnchanged(
        t,
        () => emitEvent(t.ctx, { ...input, data: { pr: { number: 2 } } }),
        "event.idempotency_mismatch",
      );
      expect((await listTasks(t.ctx, { organization: "eng" })).totalCount).toBe(1);
    });

    it("cancelling a run ends its tasks and timers", async () => {
      await prWorkflow(t);
      const run = await openPr(t, ["README.md"]);
      await refusedUnchanged(t, async () => cancelRun(await actingAs(t, "rev1@acme.com"), run.id), "permission.denied");
      const cancelled = await cancelRun(await actingAs(t, "dev@acme.com"), run.id, "superseded");
      expect(cancelled).toMatchObject({
        status: "cancelled",
        outcomeReason: "superseded",
        stages: [{ status: "cancelled", tasks: [{ status: "cancelled" }] }, { status: "cancelled" }],
      });
      const jobs = await t.store.db.selectFrom("jobs").select(["kind", "status"]).execute();
      expect(jobs).toEqual([{ kind: "stage.timeout", status: "cancelled" }]);
      await refusedUnchanged(t, () => cancelRun(t.ctx, run.id), "run.not_open");
    });

    it("refuses bad definitions with a specific error, writing nothing", async () => {
      await prWorkflow(t);
      const cases: [string, () => Promise<unknown>, string][] = [
        [
          "a trigger that is not event:<type>",
          () => createWorkflow(t.ctx, { organization: "eng", name: "X", trigger: "pull_request" }),
          "workflow.invalid_trigger",
        ],
        [
          "a malformed condition",
          () => createWorkflow(t.ctx, { organization: "eng", name: "X", trigger: "event:x", condition: "environment" }),
          "workflow.invalid_condition",
        ],
        [
          "a taken name",
          () => createWorkflow(t.ctx, { organization: "eng", name: "Pull Request Approval", trigger: "event:x" }),
          "workflow.name_taken",
        ],
        [
          "an unknown template",
          () => createWorkflow(t.ctx, { organization: "eng", template: "code-reveiw" }),
          "workflow.unknown_template",
        ],
        [
          "a template whose roles are missing",
          async () => createWorkflow(t.ctx, { organization: "eng", template: "document-approval" }),
          "workflow.roles_missing",
        ],
        [
          "a role that does not exist",
          () => addStage(t.ctx, "pull-request-approval", { name: "Y", requiresRole: "Reviewer Of Things" }),
          "role.not_found",
        ],
        [
          "a timeout that is no duration",
          () => addStage(t.ctx, "pull-request-approval", { name: "Y", requiresRole: "CISO", timeout: "soon" }),
          "workflow.invalid_duration",
        ],
        [
          "zero approvals",
          () => addStage(t.ctx, "pull-request-approval", { name: "Y", requiresRole: "CISO", approvals: 0 }),
          "input.invalid",
        ],
        [
          "an unknown form",
          () => addStage(t.ctx, "pull-request-approval", { name: "Y", requiresRole: "CISO", form: "change-template" }),
          "form.not_found",
        ],
        [
          "a stage name taken",
          () => addStage(t.ctx, "pull-request-approval", { name: "technical review", requiresRole: "CISO" }),
          "workflow.stage_exists",
        ],
        [
          "escalating an unknown stage",
          () => setEscalation(t.ctx, "pull-request-approval", { stage: "Nope", after: "48h", escalateTo: "CISO" }),
          "workflow.stage_not_found",
        ],
        [
          "a notify that is no address",
          () =>
            setEscalation(t.ctx, "pull-request-approval", {
              stage: "Technical Review",
              after: "48h",
              escalateTo: "CISO",
              notify: "lead",
            }),
          "workflow.invalid_stage",
        ],
        [
          "a strategy for a role no stage needs",
          () => setAssignment(t.ctx, "pull-request-approval", { strategy: "least-loaded", role: "CISO" }),
          "workflow.invalid_stage",
        ],
        [
          "an absolute file pattern",
          () => saveFileSet(t.ctx, { organization: "eng", name: "etc", paths: ["/etc/**"] }),
          "fileset.invalid",
        ],
        [
          "an unknown workflow",
          () => addStage(t.ctx, "pull-request-aproval", { name: "Y", requiresRole: "CISO" }),
          "workflow.not_found",
        ],
        [
          "an event type with spaces",
          () => emitEvent(t.ctx, { organization: "eng", type: "pull request" }),
          "workflow.invalid_trigger",
        ],
        [
          "a member managing workflows",
          async () =>
            createWorkflow(await actingAs(t, "rev1@acme.com"), {
              organization: "eng",
              name: "Mine",
              trigger: "event:x",
            }),
          "permission.denied",
        ],
        [
          "a member emitting events",
          async () =>
            emitEvent(await actingAs(t, "rev1@acme.com"), { organization: "eng", type: "pull_request_opened" }),
          "permission.denied",
        ],
      ];
      for (const [, op, code] of cases) await refusedUnchanged(t, op, code);
    });

    it("accepts a condition naming a file set that does not exist yet, warns, and requires that stage until it exists", async () => {
      await createWorkflow(t.ctx, { organization: "eng", name: "Infra", trigger: "event:pull_request_opened" });
      const added = await addStage(t.ctx, "infra", {
        name: "Infra Review",
        requiresRole: "Tech Lead",
        condition: "files:touched:infra",
      });
      expect(added.warnings).toEqual([
        expect.stringMatching(
          /^File set "infra" does not exist yet; until it does, files:touched:infra counts as true/,
        ),
      ]);
      const run = await openPr(t, ["README.md"]);
      expect((await getRun(t.ctx, run.id)).stages[0]).toMatchObject({
        status: "active",
        note: expect.stringMatching(/infra do not exist yet/),
      });
      await saveFileSet(t.ctx, { organization: "eng", name: "infra", paths: ["terraform/**"] });
      const next = await openPr(t, ["README.md"]);
      expect(next.status).toBe("approved");
    });

    it("event types match ignoring case, _, - and . (the seed's trigger event:pull_requestopened)", async () => {
      await createWorkflow(t.ctx, { organization: "eng", name: "Seed", trigger: "event:pull_requestopened" });
      await addStage(t.ctx, "seed", { name: "Review", requiresRole: "Code Reviewer" });
      for (const type of ["pull_request_opened", "Pull-Request.Opened", "pullrequestopened"]) {
        expect((await emitEvent(t.ctx, { organization: "eng", type, requester: "dev@acme.com" })).runs).toHaveLength(1);
      }
      expect((await emitEvent(t.ctx, { organization: "eng", type: "pull_request_closed" })).runs).toHaveLength(0);
    });
  });
}
