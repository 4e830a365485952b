// Decisions that hold under concurrency (issue 25 items 1-3), on both stores: many copies of approvals, rejections
// and cancellations of one run fired at once end exactly as one of them alone would. PostgreSQL is where they raced.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { runDueJobs } from "../src/features/jobs/index.js";
import {
  TASK_JOB_HANDLERS,
  approveTask,
  cancelRun,
  emitEvent,
  getRun,
  rejectTask,
} from "../src/features/tasks/index.js";
import { addStage, createWorkflow, setEscalation } from "../src/features/workflows/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { fireAtOnce, requestsAtOnce, tally } from "./helpers/concurrency.js";
import { DIALECTS, type TestStore, actingAs, openTestStore } from "./helpers/store.js";

const N = 24;
const HOUR = 3_600_000;
const REVIEWERS = [
  "rev1@acme.com",
  "rev2@acme.com",
  "rev3@acme.com",
  "rev4@acme.com",
  "rev5@acme.com",
  "rev6@acme.com",
];

/** eng: dev requests; rev1-6 are Code Reviewers; sec is the Security Lead. "Review" asks Code, then Security. */
async function seed(t: TestStore, codeApprovals = 1): Promise<void> {
  await createOrganization(t.ctx, { name: "Eng" });
  await createRole(t.ctx, { name: "Code Reviewer", organization: "eng" });
  await createRole(t.ctx, { name: "Security Lead", organization: "eng" });
  await addMember(t.ctx, { organization: "eng", email: "dev@acme.com" });
  for (const email of REVIEWERS) await addMember(t.ctx, { organization: "eng", email, roles: "Code Reviewer" });
  await addMember(t.ctx, { organization: "eng", email: "sec@acme.com", roles: "Security Lead" });
  await createWorkflow(t.ctx, { organization: "eng", name: "Review", trigger: "event:pull_request_opened" });
  await addStage(t.ctx, "review", { name: "Code", requiresRole: "Code Reviewer", approvals: codeApprovals });
  await addStage(t.ctx, "review", { name: "Security", requiresRole: "Security Lead" });
}

let pr = 0;
async function openRun(t: TestStore) {
  pr += 1;
  const r = await emitEvent(t.ctx, {
    organization: "eng",
    type: "pull_request_opened",
    requester: "dev@acme.com",
    data: { pr: { number: pr } },
  });
  return r.runs[0]!;
}

/** The audit events of eng about these runs and tasks, oldest first. */
async function auditOf(t: TestStore, run: { organizationId: string }, targetIds: readonly string[]) {
  return (await auditEventsOf(t.ctx, run.organizationId)).filter((e) => targetIds.includes(e.target.id ?? ""));
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: decisions under concurrency`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it(`${N} copies of one approval at once count once, and the next stage still asks for its approval`, async () => {
      await seed(t);
      const run = await openRun(t);
      const task = run.stages[0]!.tasks[0]!;
      const assignee = await actingAs(t, task.assignee!.email);
      const outcomes = await fireAtOnce(N, () => approveTask(assignee, task.id));
      expect(tally(outcomes)).toEqual({ ok: 1, "approval.already_decided": N - 1 });
      const after = await getRun(t.ctx, run.id);
      expect(after.status).toBe("open");
      expect(after.stages.map((s) => [s.name, s.status, s.approvals])).toEqual([
        ["Code", "approved", 1],
        ["Security", "active", 0],
      ]);
      const granted = (await auditOf(t, run, [task.id])).filter((e) => e.action === "approval.granted");
      expect(granted).toHaveLength(1);
    });

    it("one person approving two tasks of a stage that needs 2 distinct approvers at once counts once", async () => {
      await seed(t, 2);
      const run = await openRun(t);
      const [a, b] = run.stages[0]!.tasks;
      const reviewer = await actingAs(t, a!.assignee!.email);
      const outcomes = await fireAtOnce(N, (i) => approveTask(reviewer, (i % 2 ? a : b)!.id));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok && !/^approval\.already_(decided|counted)$/.test(o.code))).toEqual([]);
      const after = await getRun(t.ctx, run.id);
      expect(after.stages[0]).toMatchObject({ status: "active", approvals: 1 });
      expect(after.stages[0]!.tasks.filter((x) => x.status === "open")).toHaveLength(1);
    });

    it("approvals, rejections and cancellations of one run at once: one decision at most, one end, nothing after it", async () => {
      await seed(t);
      const runs = [await openRun(t), await openRun(t), await openRun(t)];
      for (const run of runs) {
        const task = run.stages[0]!.tasks[0]!;
        const assignee = await actingAs(t, task.assignee!.email);
        const outcomes = await fireAtOnce<unknown>(N, (i) =>
          i % 3 === 0
            ? approveTask(assignee, task.id)
            : i % 3 === 1
              ? cancelRun(t.ctx, run.id, "withdrawn")
              : rejectTask(assignee, task.id, { reason: "no" }),
        );
        const refusals = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? "" : o.code));
        expect(refusals.filter((c) => !["approval.already_decided", "run.not_open"].includes(c))).toEqual([]);
        const after = await getRun(t.ctx, run.id);
        const events = (await auditOf(t, run, [run.id, task.id])).map((e) => e.action);
        const decisions = events.filter((a) => /^approval\.(granted|rejected)$/.test(a));
        const ends = events.filter((a) => /^workflow\.run_(approved|rejected|cancelled)$/.test(a));
        // One decision at most, then one end (a cancellation after stage 1's approval is legitimate), then nothing.
        expect(decisions.length).toBeLessThanOrEqual(1);
        expect(ends).toEqual([`workflow.run_${after.status}`]);
        expect(events.at(-1)).toBe(ends[0]);
        expect(outcomes.filter((o) => o.ok)).toHaveLength(decisions.length + 1 - (after.status === "rejected" ? 1 : 0));
        if (after.status === "cancelled") expect(after.stages.map((s) => s.status)).toContain("cancelled");
      }
    });
    it("escalation timers firing while the tasks are approved never touch a decided task", async () => {
      await seed(t);
      await setEscalation(t.ctx, "review", { stage: "Code", after: "1h", escalateTo: "Security Lead" });
      const runs = [];
      for (let i = 0; i < 6; i++) runs.push(await openRun(t));
      t.clock.advance(HOUR);
      const calls = await Promise.all(
        runs.map(async (run) => {
          const task = run.stages[0]!.tasks[0]!;
          return { task, assignee: await actingAs(t, task.assignee!.email) };
        }),
      );
      const outcomes = await fireAtOnce<unknown>(N, (i) =>
        i % 4 === 3
          ? runDueJobs(t.ctx, TASK_JOB_HANDLERS)
          : approveTask(calls[i % calls.length]!.assignee, calls[i % calls.length]!.task.id),
      );
      expect(outcomes.filter((o) => !o.ok && o.code !== "approval.already_decided")).toEqual([]);
      for (const { task } of calls) {
        const events = (await auditOf(t, runs[0]!, [task.id])).map((e) => e.action);
        const granted = events.indexOf("approval.granted");
        expect(granted).toBeGreaterThanOrEqual(0);
        expect(events.slice(granted + 1)).toEqual([]);
      }
    });
  });

  describe(`${dialect}: decisions under concurrency over HTTP`, () => {
    let t: TestStore;
    let api: TestApi;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t);
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it(`${N} approvals of one task from 6 reviewers: one 200, one approval.granted, the later stage not skipped`, async () => {
      const run = await openRun(t);
      const task = run.stages[0]!.tasks[0]!;
      const outcomes = await requestsAtOnce(api.url, api.secret, N, (i) => ({
        path: `/tasks/${task.id}/approve`,
        actAs: REVIEWERS[i % REVIEWERS.length],
        body: {},
      }));
      expect(outcomes.filter((o) => o.ok).map((o) => o.status)).toEqual([200]);
      expect(outcomes.filter((o) => !o.ok && o.status !== 409)).toEqual([]);
      const after = await getRun(t.ctx, run.id);
      expect(after.status).toBe("open");
      expect(after.stages.map((s) => s.status)).toEqual(["approved", "active"]);
      expect(after.stages[1]!.tasks.map((x) => x.status)).toEqual(["open"]);
      const granted = (await auditOf(t, run, [task.id])).filter((e) => e.action === "approval.granted");
      expect(granted).toHaveLength(1);
    });

    it(`approve and cancel at once over HTTP: never a 500, and a cancelled run stays cancelled`, async () => {
      for (let round = 0; round < 3; round++) {
        const run = await openRun(t);
        const task = run.stages[0]!.tasks[0]!;
        const outcomes = await requestsAtOnce(api.url, api.secret, N, (i) =>
          i % 2
            ? { path: `/tasks/${task.id}/approve`, actAs: task.assignee!.email, body: {} }
            : { path: `/runs/${run.id}/cancel`, body: { reason: "withdrawn" } },
        );
        expect(outcomes.filter((o) => !o.ok && o.status !== 409)).toEqual([]);
        const after = await getRun(t.ctx, run.id);
        const events = (await auditOf(t, run, [run.id, task.id])).map((e) => e.action);
        const cancelled = events.indexOf("workflow.run_cancelled");
        if (cancelled >= 0) expect(events.slice(cancelled + 1)).toEqual([]);
        expect(after.status === "cancelled").toBe(cancelled >= 0);
      }
    });
  });
}
