// Durable timers on both stores: jobs due while no process ran fire after a restart exactly once, even with
// two workers at once; a dead worker's lease expires; failures back off and end failed; nothing sleeps.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../src/clock.js";
import type { ServiceContext } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import { LEASE_MS, MAX_ATTEMPTS, type JobHandler, runDueJobs, scheduleJobs } from "../src/features/jobs/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { TASK_JOB_HANDLERS, emitEvent } from "../src/features/tasks/index.js";
import { addStage, createWorkflow } from "../src/features/workflows/index.js";
import { type Store, openStore } from "../src/store/index.js";
import { DIALECTS, OPERATOR, freshLocation } from "./helpers/store.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-01-01T00:00:00.000Z");

for (const dialect of DIALECTS) {
  describe(`${dialect}: durable timers`, () => {
    let dir: string;
    let location: string;
    const open: Store[] = [];

    /** One "process": its own store connection, runtime and clock at `at`. */
    async function processAt(at: number): Promise<ServiceContext> {
      const store = await openStore(location);
      open.push(store);
      return contextFor(store, { clock: manualClock(at), actor: OPERATOR });
    }

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "clerk-timers-"));
      location = await freshLocation(dialect, join(dir, "clerk.db"));
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("fires the timeouts that fell due while nothing ran, once, with two workers after the restart", async () => {
      const before = await processAt(T0);
      await ensureInstance({ ...before, actor: { type: "system", id: null, label: "system" } });
      await createOrganization(before, { name: "Eng" });
      await createRole(before, { name: "Code Reviewer", organization: "eng" });
      for (const email of ["a@acme.com", "b@acme.com"])
        await addMember(before, { organization: "eng", email, roles: "Code Reviewer" });
      await createWorkflow(before, { organization: "eng", name: "Review", trigger: "event:pull_request_opened" });
      await addStage(before, "review", { name: "Review", requiresRole: "Code Reviewer", timeout: "1h" });
      for (let i = 1; i <= 6; i++)
        await emitEvent(before, { organization: "eng", type: "pull_request_opened", data: { pr: { number: i } } });
      await open.shift()?.close();

      // The server was down for three hours; two workers come up at once. On PostgreSQL they run concurrently;
      // two SQLite connections in one process would block each other's thread, so there they take turns.
      const [w1, w2] = [await processAt(T0 + 3 * HOUR), await processAt(T0 + 3 * HOUR)];
      const work = (w: ServiceContext) => () => runDueJobs(w, TASK_JOB_HANDLERS, { batch: 2 });
      const [a, b] = [work(w1 as ServiceContext), work(w2 as ServiceContext)];
      const reports = (w1 as ServiceContext).dialect.multiWriter
        ? await Promise.all([a(), b()])
        : [await a(), await b()];
      expect(reports.reduce((n, r) => n + r.ran, 0)).toBe(6);
      expect(reports.flatMap((r) => r.lateness).every((ms) => ms === 2 * HOUR)).toBe(true);
      const org = await (w1 as ServiceContext).db.selectFrom("organizations").select("id").executeTakeFirstOrThrow();
      const overdue = (await auditEventsOf(w1 as ServiceContext, org.id)).filter(
        (e) => e.action === "approval.overdue",
      );
      expect(overdue).toHaveLength(6);
      expect(new Set(overdue.map((e) => e.target.id)).size).toBe(6);
      expect((await runDueJobs(w2 as ServiceContext, TASK_JOB_HANDLERS)).ran).toBe(0);
      const statuses = await (w1 as ServiceContext).db.selectFrom("jobs").select("status").execute();
      expect(statuses.map((s) => s.status)).toEqual(Array(6).fill("done"));
    });

    it("leaves a job a live worker holds, and takes it over once that worker's lease has run out", async () => {
      const ctx = await processAt(T0);
      let calls = 0;
      const handlers: Record<string, JobHandler> = { count: async () => void (calls += 1) };
      await ctx.db
        .transaction()
        .execute((trx) => scheduleJobs({ ...ctx, db: trx }, [{ kind: "count", key: "count:1", dueAt: T0 }]));
      // A worker claimed it and died before finishing.
      await ctx.db
        .updateTable("jobs")
        .set({ lease_owner: "worker_dead", lease_until: T0 + LEASE_MS })
        .execute();
      expect((await runDueJobs(ctx, handlers)).ran).toBe(0);
      const later = await processAt(T0 + LEASE_MS + 1);
      expect((await runDueJobs(later, handlers)).ran).toBe(1);
      expect((await runDueJobs(later, handlers)).ran).toBe(0);
      expect(calls).toBe(1);
    });

    it("a worker told to stop claims nothing more, and leaves the rest to another worker at once", async () => {
      const ctx = await processAt(T0);
      let stopping = false;
      const ran: string[] = [];
      const handlers: Record<string, JobHandler> = {
        count: async (_tx, job) => {
          ran.push(job.dedupeKey);
          stopping = true; // SIGTERM arrives while the first job runs
        },
      };
      await ctx.db.transaction().execute((trx) =>
        scheduleJobs({ ...ctx, db: trx }, [
          { kind: "count", key: "count:1", dueAt: T0 },
          { kind: "count", key: "count:2", dueAt: T0 + 1 },
        ]),
      );
      const first = await runDueJobs(ctx, handlers, { batch: 1, stopping: () => stopping });
      expect(first.ran).toBe(1);
      const left = await ctx.db
        .selectFrom("jobs")
        .select(["status", "lease_owner", "attempts"])
        .where("dedupe_key", "=", "count:2")
        .executeTakeFirstOrThrow();
      expect(left).toEqual({ status: "pending", lease_owner: null, attempts: 0 });
      // Another worker, at the same instant: no lease to wait out.
      const other = await processAt(T0 + 1);
      expect((await runDueJobs(other, handlers)).ran).toBe(1);
      expect(ran).toEqual(["count:1", "count:2"]);
    });

    it("retries a failing job with backoff, marks it failed after the last attempt, and fails an unknown kind at once", async () => {
      const clock = manualClock(T0);
      const ctx = { ...(await processAt(T0)), clock };
      const handlers: Record<string, JobHandler> = {
        flaky: async () => {
          throw new Error("receiver down");
        },
      };
      await ctx.db.transaction().execute((trx) =>
        scheduleJobs({ ...ctx, db: trx }, [
          { kind: "flaky", key: "flaky:1", dueAt: T0 },
          { kind: "nobody-handles-this", key: "unknown:1", dueAt: T0 },
        ]),
      );
      const first = await runDueJobs(ctx, handlers);
      expect([first.retried, first.failed]).toEqual([1, 1]);
      for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
        const row = await ctx.db
          .selectFrom("jobs")
          .select(["due_at", "attempts"])
          .where("dedupe_key", "=", "flaky:1")
          .executeTakeFirstOrThrow();
        expect(row.due_at).toBeGreaterThan(clock.now());
        expect((await runDueJobs(ctx, handlers)).retried).toBe(0);
        clock.set(row.due_at);
        await runDueJobs(ctx, handlers);
      }
      const rows = await ctx.db
        .selectFrom("jobs")
        .select(["dedupe_key", "status", "attempts", "last_error"])
        .orderBy("dedupe_key")
        .execute();
      expect(rows).toEqual([
        { dedupe_key: "flaky:1", status: "failed", attempts: MAX_ATTEMPTS, last_error: "receiver down" },
        {
          dedupe_key: "unknown:1",
          status: "failed",
          attempts: 1,
          last_error: 'no handler for jobs of kind "nobody-handles-this"',
        },
      ]);
    });

    it("schedules a key once", async () => {
      const ctx = await processAt(T0);
      for (let i = 0; i < 2; i++)
        await ctx.db
          .transaction()
          .execute((trx) => scheduleJobs({ ...ctx, db: trx }, [{ kind: "count", key: "same", dueAt: T0 + i }]));
      expect(await ctx.db.selectFrom("jobs").select("due_at").execute()).toEqual([{ due_at: T0 }]);
    });
  });
}
