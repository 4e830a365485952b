// Workflow benchmark: events/s that start a two-stage run and assign its task (vs a plain audited write in the
// same run), and how late timers fire when 100 000 are pending (a worker ticking as `clerk serve` does).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.js";
import { inTransaction } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { recordAudit } from "../src/features/audit/index.js";
import { runDueJobs } from "../src/features/jobs/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { STAGE_TIMEOUT, TASK_JOB_HANDLERS, emitEvent } from "../src/features/tasks/index.js";
import { addStage, createWorkflow, saveFileSet } from "../src/features/workflows/index.js";
import { newId } from "../src/ids.js";
import { openStore } from "../src/store/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1500);
const PENDING = Number(process.env.BENCH_PENDING_TIMERS ?? 100_000);
const DUE = Number(process.env.BENCH_DUE_TIMERS ?? 1000);
const DUE_OVER_MS = 5000;
const TICK_MS = 250;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((q / 100) * xs.length) - 1)] as number;

async function rate(
  fn: (i: number) => Promise<unknown>,
  ms: number,
  start = 0,
): Promise<{ perSecond: number; done: number }> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) await fn(start + n++);
  return { perSecond: (n * 1000) / (performance.now() - t0), done: n };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-workflows-"));
  process.env.CLERK_CONFIG_DIR = dir;
  const store = await openStore(join(dir, "clerk.db"));
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "operator:bench" } });
  try {
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    const org = await createOrganization(ctx, { name: "Bench Eng" });
    await createRole(ctx, { name: "Code Reviewer", organization: org.id });
    await createRole(ctx, { name: "Security Lead", organization: org.id });
    for (let i = 0; i < 20; i++)
      await addMember(ctx, { organization: org.id, email: `reviewer${i}@acme.com`, roles: "Code Reviewer" });
    await addMember(ctx, { organization: org.id, email: "security@acme.com", roles: "Security Lead" });
    await saveFileSet(ctx, { organization: org.id, name: "security-sensitive", paths: ["src/auth/**", "**/*.pem"] });
    await createWorkflow(ctx, {
      organization: org.id,
      name: "Pull Request Approval",
      trigger: "event:pull_request_opened",
    });
    await addStage(
      ctx,
      "pull-request-approval",
      { name: "Technical Review", requiresRole: "Code Reviewer", timeout: "24h" },
      org.id,
    );
    await addStage(
      ctx,
      "pull-request-approval",
      { name: "Security Approval", requiresRole: "Security Lead", condition: "files:touched:security-sensitive" },
      org.id,
    );

    // An event: a pull request opened; its run gets two stages, the first assigned round-robin with a 24h timer.
    const emit = (i: number) =>
      emitEvent(ctx, {
        organization: org.id,
        type: "pull_request_opened",
        idempotencyKey: `gh-${i}`,
        data: { pr: { number: i, title: `Change ${i}` }, files: i % 2 ? ["src/auth/session.ts"] : ["README.md"] },
      });
    // The reference: one row and its audit event in one transaction, the cheapest audited change.
    const plain = (i: number) =>
      inTransaction(ctx, async (tx) => {
        const now = tx.clock.now();
        await tx.db
          .insertInto("settings")
          .values({ key: `bench:${i % 100}`, value: String(i), updated_at: now })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(i), updated_at: now }))
          .execute();
        await recordAudit(tx, {
          organizationId: org.id,
          action: "setting.updated",
          target: { type: "setting", id: `bench:${i % 100}`, label: "bench" },
          after: { value: i },
        });
      });
    let next = 0;
    next += (await rate(emit, 300, next)).done;
    await rate(plain, 300);
    const events: number[] = [];
    const writes: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const e = await rate(emit, ROUND_MS, next);
      next += e.done;
      events.push(e.perSecond);
      writes.push((await rate(plain, ROUND_MS)).perSecond);
    }
    const eventsPerSecond = median(events);
    console.log(
      `events/s (sqlite file, each starting a 2-stage run and assigning its task): ${eventsPerSecond.toFixed(0)}; one audited write/s: ${median(writes).toFixed(0)} → an event costs ${(median(writes) / eventsPerSecond).toFixed(1)} audited writes`,
    );

    // Timers: PENDING rows, DUE of them real stage timeouts falling due over the next 5 s, the rest a day away.
    const stages = await ctx.db
      .selectFrom("run_stages")
      .select("id")
      .where("status", "=", "active")
      .limit(DUE)
      .execute();
    await ctx.db.updateTable("jobs").set({ status: "cancelled" }).where("status", "=", "pending").execute();
    const job = (i: number, dueAt: number, runStageId: string) => ({
      id: newId("job", dueAt),
      kind: STAGE_TIMEOUT,
      dedupe_key: `bench:${i}`,
      payload: JSON.stringify({ runStageId }),
      organization_id: org.id,
      due_at: dueAt,
      status: "pending" as const,
      attempts: 0,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: dueAt,
      updated_at: dueAt,
      done_at: null,
    });
    const insert = async (rows: ReturnType<typeof job>[]) => {
      for (let i = 0; i < rows.length; i += 500)
        await ctx.db
          .insertInto("jobs")
          .values(rows.slice(i, i + 500))
          .execute();
    };
    // The filler first (a day away), so the due ones' clock starts only once they are all in place.
    const later = Date.now() + 86_400_000;
    await insert(
      Array.from({ length: PENDING - stages.length }, (_, i) => job(stages.length + i, later + i, `rstg_none${i}`)),
    );
    const t0 = Date.now() + 300;
    await insert(stages.map((st, i) => job(i, t0 + Math.floor((i * DUE_OVER_MS) / stages.length), st.id)));
    const lateness: number[] = [];
    const until = t0 + DUE_OVER_MS + 2000;
    while (Date.now() < until) {
      const tickStart = Date.now();
      const report = await runDueJobs(ctx, TASK_JOB_HANDLERS);
      lateness.push(...report.lateness);
      await new Promise((done) => setTimeout(done, Math.max(0, TICK_MS - (Date.now() - tickStart))));
    }
    const pending = await ctx.db
      .selectFrom("jobs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow();
    console.log(
      `timers: ${lateness.length} of ${stages.length} due fired with ${Number(pending.n)} still pending (${PENDING} at the start); lateness p50 ${p(lateness, 50)} ms, p99 ${p(lateness, 99)} ms, max ${Math.max(...lateness)} ms (worker ticks every ${TICK_MS} ms)`,
    );
    console.log(
      JSON.stringify({
        bench: "workflows",
        events_per_s: Math.round(eventsPerSecond),
        timer_lateness_p99_ms: p(lateness, 99),
        reference_audited_writes_per_s: Math.round(median(writes)),
        timers_fired: lateness.length,
      }),
    );
  } finally {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
