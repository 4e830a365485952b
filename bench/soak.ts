// Soak: one built `clerk serve` on a SQLite file for BENCH_SOAK_S seconds (default 600) under a mixed load from a
// bounded number of connections: checks, batch checks, role edits, events, decisions, token mints, audit reads.
// Prints requests served, errors, p99 per kind, and the server's resident memory at the start, after warm-up
// and at the end (goal: errors 0, growth after warm-up ≤ 10 %).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remoteApi } from "../src/cli/api.js";
import { systemClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { accessOperations } from "../src/features/access/access.operations.js";
import { auditOperations } from "../src/features/audit/audit.operations.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { roleOperations } from "../src/features/roles/role.operations.js";
import { createSession } from "../src/features/sessions/index.js";
import { sessionOperations } from "../src/features/sessions/session.operations.js";
import { taskOperations } from "../src/features/tasks/task.operations.js";
import { addStage, createWorkflow } from "../src/features/workflows/index.js";
import { openStore } from "../src/store/index.js";
import { startClerkServe } from "./support/clerk-serve.js";

const SECONDS = Number(process.env.BENCH_SOAK_S ?? 600);
const CONNECTIONS = Number(process.env.BENCH_SOAK_CONNECTIONS ?? 16);
// Warm-up: the first fifth of the run, at most a minute (V8's heap and SQLite's page cache settle in it).
const WARM_UP_S = Math.min(60, SECONDS / 5);
const REVIEWERS = 20;

/** The mix, by weight out of 100. A decision needs an open task; with none waiting it becomes an event. */
const MIX = [
  ["check", 40],
  ["batch_check", 8],
  ["role_edit", 4],
  ["event", 16],
  ["decision", 12],
  ["token_mint", 15],
  ["audit_read", 5],
] as const;
type Kind = (typeof MIX)[number][0];

/** The process's resident set in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-soak-"));
  process.env.CLERK_CONFIG_DIR = dir;
  const database = join(dir, "clerk.db");
  const store = await openStore(database);
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "bench" } });
  await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
  const org = await createOrganization(ctx, { name: "Soak" });
  await createRole(ctx, { name: "Code Reviewer", organization: org.id, permissions: "read:code,approve:code" });
  await createRole(ctx, { name: "Editable", organization: org.id, permissions: "read:docs,write:docs" });
  const reviewers: string[] = [];
  for (let i = 0; i < REVIEWERS; i++) {
    const email = `reviewer${i}@soak.test`;
    await addMember(ctx, { organization: org.id, email, roles: ["Code Reviewer", "Editable"] });
    reviewers.push(email);
  }
  const dev = await addMember(ctx, { organization: org.id, email: "dev@soak.test", roles: "Editable" });
  await createWorkflow(ctx, { organization: org.id, name: "Review", trigger: "event:pull_request_opened" });
  await addStage(ctx, "review", { name: "Code", requiresRole: "Code Reviewer", timeout: "24h" }, org.id);
  const session = await createSession(ctx, { user: dev.user.id });
  const { secret } = await createKey(ctx, { name: "soak" });
  await store.close();

  const server = await startClerkServe(database);
  const pid = server.child.pid as number;
  try {
    const admin = remoteApi({ url: server.url, secretKey: secret });
    const asReviewer = new Map(reviewers.map((e) => [e, remoteApi({ url: server.url, secretKey: secret, actAs: e })]));
    const open: { id: string; assignee: string }[] = [];
    let events = 0;
    let edits = 0;
    let editing = Promise.resolve();
    const check = (i: number) => ({
      organization_id: org.id,
      user_id: reviewers[i % REVIEWERS] as string,
      permission: i % 3 === 0 ? "write:docs" : "approve:code",
    });
    const emit = async () => {
      const n = events++;
      const answer = await admin.call(taskOperations.emit, {
        body: {
          organization_id: org.id,
          type: "pull_request_opened",
          requester: "dev@soak.test",
          idempotency_key: `soak-${n}`,
          data: { pr: { number: n } },
        },
      });
      const task = answer.runs[0]?.stages[0]?.tasks[0];
      if (!task?.assignee) throw new Error(`event ${n} started no assigned task`);
      open.push({ id: task.id, assignee: task.assignee });
    };
    const actions: Record<Kind, (i: number) => Promise<unknown>> = {
      check: (i) => admin.call(accessOperations.check, { body: check(i) }),
      batch_check: (i) =>
        admin.call(accessOperations.checkBatch, {
          body: { checks: Array.from({ length: 20 }, (_, j) => check(i + j)) },
        }),
      // Edits take turns (as people editing one role would), each moving the policy version the checks read.
      role_edit: () => {
        const edit = editing.then(() => {
          const toggle = edits++ % 2 === 0;
          return admin.call(roleOperations.updateInOrg, {
            params: { organization_id: org.id, role: "Editable" },
            body: toggle ? { remove_permissions: ["write:docs"] } : { add_permissions: ["write:docs"] },
          });
        });
        editing = edit.then(
          () => undefined,
          () => undefined,
        );
        return edit;
      },
      event: emit,
      decision: async () => {
        const task = open.shift();
        if (!task) return emit();
        return (asReviewer.get(task.assignee) ?? admin).call(taskOperations.approve, {
          params: { id: task.id },
          body: { comment: "soak" },
        });
      },
      token_mint: () =>
        admin.call(sessionOperations.token, {
          params: { session_id: session.id },
          body: { organization_id: org.id },
        }),
      audit_read: () => admin.call(auditOperations.list, { query: { organization_id: org.id, limit: 50 } }),
    };
    const wheel: Kind[] = MIX.flatMap(([kind, weight]) => Array.from({ length: weight }, () => kind));
    const latencies = new Map<Kind, number[]>(MIX.map(([kind]) => [kind, []]));
    const errors = new Map<Kind, string[]>(MIX.map(([kind]) => [kind, []]));

    const rss = { start: rssMb(pid), warm: Number.NaN, end: Number.NaN, peak: 0 };
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    const sampler = setInterval(() => {
      rss.peak = Math.max(rss.peak, rssMb(pid));
    }, 1000);
    const warmUp = setTimeout(() => {
      rss.warm = rssMb(pid);
    }, WARM_UP_S * 1000);
    let served = 0;
    const worker = async (w: number) => {
      for (let i = w; performance.now() < deadline; i += CONNECTIONS) {
        const kind = wheel[(i * 37) % wheel.length] as Kind;
        const t0 = performance.now();
        try {
          await actions[kind](i);
          served++;
          latencies.get(kind)?.push(performance.now() - t0);
        } catch (error) {
          errors.get(kind)?.push((error as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
    clearInterval(sampler);
    clearTimeout(warmUp);
    rss.end = rssMb(pid);
    const elapsed = (performance.now() - started) / 1000;

    const failed = [...errors.values()].reduce((n, xs) => n + xs.length, 0);
    console.log(
      `soak: ${SECONDS} s, ${CONNECTIONS} connections, clerk serve on a SQLite file: ${served} requests served (${(served / elapsed).toFixed(0)}/s), ${failed} errors`,
    );
    const p99: Record<string, number> = {};
    for (const [kind] of MIX) {
      const sorted = [...(latencies.get(kind) ?? [])].sort((a, b) => a - b);
      p99[kind] = Number(quantile(sorted, 0.99).toFixed(1));
      const failures = errors.get(kind) ?? [];
      console.log(
        `  ${kind.padEnd(12)} ${String(sorted.length).padStart(7)} served  p50 ${quantile(sorted, 0.5).toFixed(1)} ms  p99 ${p99[kind]} ms${failures.length ? `  ${failures.length} errors, first: ${failures[0]}` : ""}`,
      );
    }
    const growth = (rss.end - rss.warm) / rss.warm;
    console.log(
      `  resident memory: start ${rss.start.toFixed(0)} MB, after ${WARM_UP_S} s warm-up ${rss.warm.toFixed(0)} MB, end ${rss.end.toFixed(0)} MB (peak ${rss.peak.toFixed(0)} MB); growth after warm-up ${(growth * 100).toFixed(1)} %`,
    );
    console.log(
      JSON.stringify({
        bench: "soak",
        seconds: SECONDS,
        connections: CONNECTIONS,
        requests: served,
        requests_per_s: Math.round(served / elapsed),
        errors: failed,
        p99_ms: p99,
        rss_mb: {
          start: Math.round(rss.start),
          warm: Math.round(rss.warm),
          end: Math.round(rss.end),
          peak: Math.round(rss.peak),
        },
        growth_after_warm_up: Number(growth.toFixed(3)),
        open_tasks_left: open.length,
      }),
    );
  } finally {
    server.child.kill("SIGTERM");
    await new Promise((done) => server.child.once("exit", done));
    rmSync(dir, { recursive: true, force: true });
  }
}
