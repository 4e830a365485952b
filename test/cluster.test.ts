// Three `clerk serve` processes on one store: a change through one is decided by the others; on PostgreSQL they
// hear it (LISTEN/NOTIFY) instead of reading versions per check, recover a killed LISTEN connection, and a timer
// whose server died mid-job is run once by another.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, systemClock } from "../src/clock.js";
import type { ServiceContext } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { emitEvent } from "../src/features/tasks/index.js";
import { addStage, createWorkflow } from "../src/features/workflows/index.js";
import { type Store, openStore } from "../src/store/index.js";
import { DIALECTS, OPERATOR, freshLocation } from "./helpers/store.js";

const BIN = resolve("bin/clerk.js");

interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts `clerk serve` on `database`; resolves once it listens. */
function startServer(database: string, cwd: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--database", database], {
    cwd,
    env: { ...process.env, CLERK_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  return new Promise((done, fail) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (match) done({ child, url: match[1] as string });
    });
    child.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
  });
}

/** A metric's value from /metrics text (the sum of its series matching `labels`). */
async function metric(server: Server, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}${labels ? `{${labels}}` : ""} `) || (!labels && line.startsWith(`${name}{`)))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  return sum;
}

/** Asks until `ok` holds (other servers hear changes shortly after commit), at most `ms`. */
async function eventually<T>(ask: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await ask();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: three servers on one store`, () => {
    const dir = mkdtempSync(join(tmpdir(), "clerk-cluster-"));
    let location: string;
    let store: Store;
    let ctx: ServiceContext;
    let secret: string;
    let orgId: string;
    let otherId: string;
    let userId: string;
    const servers: Server[] = [];

    const check = async (server: Server, organization: string, atLeast?: string) => {
      const response = await fetch(`${server.url}/v1/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({
          organization_id: organization,
          user_id: userId,
          permission: "org:sys_memberships:manage",
          ...(atLeast ? { at_least: atLeast } : {}),
        }),
      });
      return (await response.json()) as { allowed: boolean };
    };
    const setRole = async (server: Server, role: string) =>
      fetch(`${server.url}/v1/organizations/${orgId}/memberships/${userId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ role }),
      });

    beforeAll(async () => {
      location = await freshLocation(dialect, join(dir, "clerk.db"));
      store = await openStore(location);
      ctx = contextFor(store, { clock: systemClock, actor: OPERATOR });
      await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
      orgId = (await createOrganization(ctx, { name: "Eng" })).id;
      otherId = (await createOrganization(ctx, { name: "Other" })).id;
      userId = (await addMember(ctx, { organization: "eng", email: "dev@acme.com", roles: "org:member" })).user.id;
      await addMember(ctx, { organization: "other", email: "dev@acme.com", roles: "org:admin" });
      // Someone else manages Eng, so dev@ may be demoted again.
      await addMember(ctx, { organization: "eng", email: "lead@acme.com", roles: "org:admin" });
      secret = (await createKey(ctx, { name: "cluster" })).secret;
      // A short lease, so a timer whose server died is taken over within the test.
      const env = { CLERK_JOB_LEASE_SECONDS: "3" };
      servers.push(...(await Promise.all([0, 1, 2].map(() => startServer(location, dir, env)))));
    });
    afterAll(async () => {
      for (const s of servers) s.child.kill("SIGKILL");
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a role change made through A is decided by B and C; B answers it at once with A's consistency token", async () => {
      const [a, b, c] = servers as [Server, Server, Server];
      // B and C have compiled both organizations' policies.
      for (const s of [b, c]) {
        expect((await check(s, orgId)).allowed).toBe(false);
        expect((await check(s, otherId)).allowed).toBe(true);
      }
      // While nothing changes, checks read no versions: the change feed (PostgreSQL) or the change token (SQLite).
      const reads = await metric(c, "clerk_policy_version_reads_total");
      for (let i = 0; i < 20; i++) await check(c, i % 2 ? orgId : otherId);
      expect(await metric(c, "clerk_policy_version_reads_total")).toBe(reads);

      const changed = await setRole(a, "org:admin");
      expect(changed.status).toBe(200);
      const token = changed.headers.get("clerk-consistency-token");
      expect(token).toMatch(new RegExp(`^${orgId}@\\d+$`));
      // Read-your-writes on another server: no waiting for the announcement.
      expect((await check(b, orgId, token as string)).allowed).toBe(true);
      expect(
        (
          await eventually(
            () => check(c, orgId),
            (d) => d.allowed,
          )
        ).allowed,
      ).toBe(true);
      if (store.dialect.supportsNotify) {
        // Exactly the changed organization was dropped: the other one still answers with no query.
        const before = await metric(c, "clerk_policy_version_reads_total");
        await check(c, otherId);
        expect(await metric(c, "clerk_policy_version_reads_total")).toBe(before);
      }
      // A token naming a version this deployment never reached is a clear error, after a bounded wait.
      const ahead = await fetch(`${b.url}/v1/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({
          organization_id: orgId,
          user_id: userId,
          permission: "org:sys_memberships:manage",
          at_least: `${orgId}@999999`,
        }),
      });
      expect(ahead.status).toBe(503);
      expect(((await ahead.json()) as { errors: { message: string }[] }).errors[0]?.message).toContain(
        "asks for at least 999999",
      );
    });

    if (!DIALECTS.includes("postgres") || dialect !== "postgres") return;

    it("a server whose LISTEN connection was killed reads versions meanwhile, reconnects and catches up", async () => {
      const [a, , c] = servers as [Server, Server, Server];
      const admin = new pg.Client({ connectionString: location });
      await admin.connect();
      const epoch = await metric(c, "clerk_change_feed_epoch");
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [
        `clerk-listen:${c.child.pid}`,
      ]);
      // A change C cannot hear: made while its connection is gone (or before it listens again).
      expect((await setRole(a, "org:member")).status).toBe(200);
      expect(
        (
          await eventually(
            () => check(c, orgId),
            (d) => !d.allowed,
          )
        ).allowed,
      ).toBe(false);
      // The feed went down and came back (two epoch moves), and C is back to checks with no version query.
      await eventually(
        () => metric(c, "clerk_change_feed_up"),
        (up) => up === 1,
      );
      expect(await metric(c, "clerk_change_feed_epoch")).toBe(epoch + 2);
      await check(c, orgId);
      const reads = await metric(c, "clerk_policy_version_reads_total");
      await check(c, orgId);
      expect(await metric(c, "clerk_policy_version_reads_total")).toBe(reads);
      // And it hears the next change again.
      expect((await setRole(a, "org:admin")).status).toBe(200);
      expect(
        (
          await eventually(
            () => check(c, orgId),
            (d) => d.allowed,
          )
        ).allowed,
      ).toBe(true);
      await admin.end();
    });

    it("a timer whose server died mid-job is taken over by another server and runs once", async () => {
      // Created as of two hours ago: the stage's one-hour timeout is due now.
      const past = { ...ctx, clock: manualClock(Date.now() - 2 * 3_600_000) };
      await createRole(past, { name: "Reviewer", organization: "eng" });
      await addMember(past, { organization: "eng", email: "rev@acme.com", roles: "Reviewer" });
      await createWorkflow(past, { organization: "eng", name: "Review", trigger: "event:pull_request_opened" });
      await addStage(past, "review", { name: "Review", requiresRole: "Reviewer", timeout: "1h" });
      // Paused servers claim nothing while the run is created and locked.
      for (const s of servers) s.child.kill("SIGSTOP");
      await emitEvent(past, { organization: "eng", type: "pull_request_opened", data: { pr: { number: 1 } } });
      const holder = new pg.Client({ connectionString: location });
      await holder.connect();
      await holder.query("begin");
      await holder.query("select id from workflow_runs for update");
      for (const s of servers) s.child.kill("SIGCONT");
      // One server claims the timer and blocks inside its handler on the run we hold: that one dies.
      const waiting = await eventually(
        async () =>
          (
            await holder.query<{ application_name: string }>(
              "select application_name from pg_stat_activity where wait_event_type = 'Lock' and application_name like 'clerk:%'",
            )
          ).rows,
        (rows) => rows.length > 0,
      );
      const pid = Number(waiting[0]?.application_name.slice("clerk:".length));
      const victim = servers.find((s) => s.child.pid === pid) as Server;
      expect(victim).toBeDefined();
      const gone = new Promise((done) => victim.child.once("exit", done));
      victim.child.kill("SIGKILL");
      await gone;
      await holder.query("rollback");
      await holder.end();
      const job = await eventually(
        () => store.db.selectFrom("jobs").selectAll().executeTakeFirstOrThrow(),
        (j) => j.status === "done",
        10_000,
      );
      expect(job.status).toBe("done");
      expect(job.attempts).toBe(2);
      const overdue = (await auditEventsOf(ctx, orgId)).filter((e) => e.action === "approval.overdue");
      expect(overdue).toHaveLength(1);
    });
  });
}
