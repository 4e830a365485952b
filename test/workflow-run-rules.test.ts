// Rules a run keeps whoever changes what around it, on both stores: the emitter of its event is a party who may not
// decide it (issue 24 item 4), and a run follows the stage definitions it started with (issue 25 item 12).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { runDueJobs } from "../src/features/jobs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { TASK_JOB_HANDLERS, approveTask, assignTask, emitEvent, getRun } from "../src/features/tasks/index.js";
import { addStage, createWorkflow, setEscalation, updateStage } from "../src/features/workflows/index.js";
import { backfillStageDefinitions } from "../src/store/migrations/0009-run-parties-and-stage-snapshots.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

const HOUR = 3_600_000;

/** eng: dev requests; rev and mallory review code; mallory also holds org:events:emit (a CI role); sec, lead, ciso. */
async function seed(t: TestStore): Promise<void> {
  await createOrganization(t.ctx, { name: "Eng" });
  for (const name of ["Code Reviewer", "Security Lead", "Tech Lead", "CISO"])
    await createRole(t.ctx, { name, organization: "eng" });
  await createRole(t.ctx, { name: "CI", organization: "eng", permissions: "org:events:emit" });
  await addMember(t.ctx, { organization: "eng", email: "dev@acme.com" });
  await addMember(t.ctx, { organization: "eng", email: "rev@acme.com", roles: "Code Reviewer" });
  await addMember(t.ctx, { organization: "eng", email: "mallory@acme.com", roles: "Code Reviewer,CI" });
  await addMember(t.ctx, { organization: "eng", email: "sec@acme.com", roles: "Security Lead" });
  await addMember(t.ctx, { organization: "eng", email: "lead@acme.com", roles: "Tech Lead" });
  await addMember(t.ctx, { organization: "eng", email: "ciso@acme.com", roles: "CISO" });
  await createWorkflow(t.ctx, { organization: "eng", name: "Review", trigger: "event:pull_request_opened" });
  await addStage(t.ctx, "review", { name: "Code", requiresRole: "Code Reviewer", strategy: "manual" });
}

const pr = (n: number) => ({
  organization: "eng",
  type: "pull_request_opened",
  requester: "dev@acme.com",
  data: { pr: { number: n } },
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: the emitter of an event is a party to its run`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t);
    });
    afterEach(async () => {
      await t.close();
    });

    it("a reviewer who emits an event naming someone else as requester may not approve, reject or be assigned it", async () => {
      const mallory = await actingAs(t, "mallory@acme.com");
      const run = (await emitEvent(mallory, pr(1))).runs[0]!;
      expect(run.requester?.email).toBe("dev@acme.com");
      const task = run.stages[0]!.tasks[0]!;
      await refusedUnchanged(t, () => approveTask(mallory, task.id), "approval.self_approval");
      await expect(approveTask(mallory, task.id)).rejects.toThrow(/mallory@acme.com emitted the event that started/);
      await refusedUnchanged(
        t,
        () => assignTask(t.ctx, { run: run.id, reviewer: "mallory@acme.com" }),
        "approval.reviewer_not_eligible",
      );
      // Another reviewer decides it as usual.
      const decided = await approveTask(await actingAs(t, "rev@acme.com"), task.id);
      expect(decided.run.status).toBe("approved");
    });

    it("automatic assignment never picks the emitter", async () => {
      await updateStage(t.ctx, "review", "Code", { strategy: "round-robin" });
      const mallory = await actingAs(t, "mallory@acme.com");
      for (let n = 1; n <= 4; n++) {
        const run = (await emitEvent(mallory, pr(n))).runs[0]!;
        expect(run.stages[0]!.tasks.map((x) => x.assignee?.email)).toEqual(["rev@acme.com"]);
      }
    });
  });

  describe(`${dialect}: the emitter over HTTP (an instance key acting as the member)`, () => {
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

    it("POST /v1/events as mallory naming dev as requester; mallory's approval is a 403 approval.self_approval", async () => {
      const call = async (path: string, body: unknown) => {
        const res = await fetch(`${api.url}/v1${path}`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${api.secret}`,
            "clerk-act-as": "mallory@acme.com",
            "content-type": "application/json",
          },
          body: JSON.stringify(body),
        });
        return {
          status: res.status,
          body: (await res.json()) as {
            runs: { id: string; stages: { tasks: { id: string }[] }[] }[];
            errors: { meta: { clerk_code: string } }[];
          },
        };
      };
      const emitted = await call("/events", {
        organization_id: "eng",
        type: "pull_request_opened",
        requester: "dev@acme.com",
        data: { pr: { number: 9 } },
      });
      expect(emitted.status).toBe(200);
      const run = emitted.body.runs[0]!;
      const approved = await call(`/tasks/${run.stages[0]!.tasks[0]!.id}/approve`, {});
      expect(approved.status).toBe(403);
      expect(approved.body.errors[0]!.meta.clerk_code).toBe("approval.self_approval");
      expect((await getRun(t.ctx, run.id)).status).toBe("open");
    });
  });

  describe(`${dialect}: a run keeps the stage definitions it started with`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t);
    });
    afterEach(async () => {
      await t.close();
    });

    it("a new requires_role reaches runs started after the change, not the open one", async () => {
      const before = (await emitEvent(t.ctx, pr(1))).runs[0]!;
      await updateStage(t.ctx, "review", "Code", { requiresRole: "Security Lead" });
      const after = (await emitEvent(t.ctx, pr(2))).runs[0]!;
      const sec = await actingAs(t, "sec@acme.com");
      const rev = await actingAs(t, "rev@acme.com");
      // The open run still asks a Code Reviewer; the Security Lead may not decide it.
      await refusedUnchanged(t, () => approveTask(sec, before.stages[0]!.tasks[0]!.id), "approval.not_eligible");
      expect((await approveTask(rev, before.stages[0]!.tasks[0]!.id)).run.status).toBe("approved");
      // The run started after the change asks the Security Lead.
      await refusedUnchanged(t, () => approveTask(rev, after.stages[0]!.tasks[0]!.id), "approval.not_eligible");
      expect((await approveTask(sec, after.stages[0]!.tasks[0]!.id)).run.status).toBe("approved");
    });

    it("a changed escalation does not reach an open run: it escalates at its old deadline to its old role", async () => {
      await updateStage(t.ctx, "review", "Code", { strategy: "round-robin" });
      await setEscalation(t.ctx, "review", { stage: "Code", after: "1h", escalateTo: "Tech Lead" });
      const run = (await emitEvent(t.ctx, pr(1))).runs[0]!;
      await setEscalation(t.ctx, "review", { stage: "Code", after: "2h", escalateTo: "CISO" });
      t.clock.advance(HOUR);
      expect((await runDueJobs(t.ctx, TASK_JOB_HANDLERS)).ran).toBe(1);
      const escalated = await getRun(t.ctx, run.id);
      expect(escalated.stages[0]).toMatchObject({ escalatedAt: t.clock.now() });
      expect(escalated.stages[0]!.tasks.map((x) => [x.assignee?.email, x.escalated])).toEqual([
        ["lead@acme.com", true],
      ]);
      // The CISO named by the new escalation may not decide the open run; the Tech Lead may.
      const task = escalated.stages[0]!.tasks[0]!.id;
      await refusedUnchanged(
        t,
        async () => approveTask(await actingAs(t, "ciso@acme.com"), task),
        "approval.not_eligible",
      );
      expect((await approveTask(await actingAs(t, "lead@acme.com"), task)).run.status).toBe("approved");
    });

    it("a stage removed from the workflow still runs in the runs that started with it", async () => {
      await addStage(t.ctx, "review", { name: "Security", requiresRole: "Security Lead" });
      const run = (await emitEvent(t.ctx, pr(1))).runs[0]!;
      const { removeStage } = await import("../src/features/workflows/index.js");
      await removeStage(t.ctx, "review", "Security");
      const first = await approveTask(await actingAs(t, "rev@acme.com"), run.stages[0]!.tasks[0]!.id);
      expect(first.run.stages.map((s) => [s.name, s.status])).toEqual([
        ["Code", "approved"],
        ["Security", "active"],
      ]);
      const task = first.run.stages[1]!.tasks[0]!.id;
      expect((await approveTask(await actingAs(t, "sec@acme.com"), task)).run.status).toBe("approved");
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: migration 0009 gives open runs their stage definitions`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t);
    });
    afterEach(async () => {
      await t.close();
    });

    it("fills what a run started then would have stored, for open runs only", async () => {
      await setEscalation(t.ctx, "review", { stage: "Code", after: "1h", escalateTo: "Tech Lead" });
      const open = (await emitEvent(t.ctx, pr(1))).runs[0]!;
      const closed = (await emitEvent(t.ctx, pr(2))).runs[0]!;
      await approveTask(await actingAs(t, "rev@acme.com"), closed.stages[0]!.tasks[0]!.id);
      const definitions = () =>
        t.store.db.selectFrom("run_stages").select(["run_id", "definition"]).orderBy("run_id").execute();
      const stored = await definitions();
      expect(stored.every((r) => r.definition !== null)).toBe(true);
      await t.store.db.updateTable("run_stages").set({ definition: null }).execute();
      await backfillStageDefinitions(t.store.db as never);
      const filled = await definitions();
      expect(filled.find((r) => r.run_id === open.id)).toEqual(stored.find((r) => r.run_id === open.id));
      expect(filled.find((r) => r.run_id === closed.id)?.definition).toBeNull();
      expect(JSON.parse(filled.find((r) => r.run_id === open.id)!.definition!)).toMatchObject({
        name: "Code",
        requiresRole: { key: "org:code_reviewer" },
        escalation: { after: "1h", afterMs: HOUR, escalateTo: { key: "org:tech_lead" } },
      });
    });
  });
}
