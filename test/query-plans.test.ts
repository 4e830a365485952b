// The paths a busy instance repeats never scan a table that grows with use or with the number of tenants: each
// statement they run is explained by SQLite's planner, with the parameters it ran with. Workflows (an event starting
// a run, a decision, run and task lists) and one organization's roles and members beside other tenants.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, expect, it } from "vitest";
import { addMember, createOrganization, removeMember } from "../src/features/members/index.js";
import { listOrgTree, resolveOrg } from "../src/features/orgs/index.js";
import { createRole, deleteRole, listRoles, updateRole } from "../src/features/roles/index.js";
import { approveTask, emitEvent, getRun, listRuns, listTasks } from "../src/features/tasks/index.js";
import { addStage, createWorkflow, saveFileSet } from "../src/features/workflows/index.js";
import { type TestStore, actingAs, openTestStore } from "./helpers/store.js";

/** Tables with a row (or more) per event, run, task or change: a scan of one costs more every day. */
const GROWING = ["tasks", "workflow_runs", "run_stages", "workflow_events", "audit_events", "jobs", "notifications"];
/** Tables with rows for every tenant: a scan of one makes each organization pay for all the others. */
const PER_TENANT = ["organizations", "roles", "role_parents", "memberships", "membership_roles", "grants"];

let dir: string;
let t: TestStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "clerk-plans-"));
  t = await openTestStore("sqlite", join(dir, "clerk.db"));
  await createOrganization(t.ctx, { name: "Eng" });
  await createRole(t.ctx, { name: "Code Reviewer", organization: "eng" });
  await createRole(t.ctx, { name: "Security Lead", organization: "eng" });
  for (const email of ["rev1@acme.com", "rev2@acme.com", "rev3@acme.com"])
    await addMember(t.ctx, { organization: "eng", email, roles: "Code Reviewer" });
  await addMember(t.ctx, { organization: "eng", email: "sec@acme.com", roles: "Security Lead" });
  await saveFileSet(t.ctx, { organization: "eng", name: "security-sensitive", paths: ["src/auth/**"] });
  await createWorkflow(t.ctx, { organization: "eng", name: "PR Approval", trigger: "event:pull_request_opened" });
  await addStage(t.ctx, "pr-approval", { name: "Review", requiresRole: "Code Reviewer", timeout: "24h" });
  await addStage(t.ctx, "pr-approval", {
    name: "Security",
    requiresRole: "Security Lead",
    condition: "files:touched:security-sensitive",
  });
});

afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `work`, recording each distinct statement better-sqlite3 executed and the parameters it first ran with. */
async function statementsOf(work: () => Promise<void>): Promise<Map<string, unknown[]>> {
  const probe = new BetterSqlite3(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
  const seen = new Map<string, unknown[]>();
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const method of ["all", "get", "run", "iterate"]) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    originals.set(method, original);
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (!seen.has(this.source)) seen.set(this.source, args);
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const [method, original] of originals) proto[method] = original;
    probe.close();
  }
  return seen;
}

it("an event, a decision, and run and task lists read growing tables only through an index", async () => {
  const statements = await statementsOf(async () => {
    for (let i = 0; i < 3; i++) {
      await emitEvent(t.ctx, {
        organization: "eng",
        type: "pull_request_opened",
        idempotencyKey: `pr-${i}`,
        data: { pr: { number: i }, files: i % 2 ? ["src/auth/session.ts"] : ["README.md"] },
      });
    }
    const runs = await listRuns(t.ctx, { organization: "eng" });
    const run = await getRun(t.ctx, runs.data[0]!.id);
    const task = run.stages.flatMap((s) => s.tasks).find((x) => x.status === "open")!;
    await approveTask(await actingAs(t, task.assignee!.email), task.id, {});
    await listTasks(t.ctx, { organization: "eng" });
    await listTasks(await actingAs(t, "rev1@acme.com"), { mine: true });
  });
  expect(statements.size).toBeGreaterThan(20);

  expect(scansOf(statements, GROWING)).toEqual([]);
});

it("role changes, lists and deletes, a member leaving, and a member finding and listing organizations, read other tenants through an index", async () => {
  // Other tenants, each with an inheriting role.
  for (let i = 0; i < 3; i++) {
    await createOrganization(t.ctx, { name: `Tenant ${i}` });
    await createRole(t.ctx, { name: "Base", organization: `tenant-${i}` });
    await createRole(t.ctx, { name: "Lead", organization: `tenant-${i}`, extends: "Base" });
  }
  await createRole(t.ctx, { name: "Senior Reviewer", organization: "eng", extends: "Code Reviewer" });
  const statements = await statementsOf(async () => {
    await updateRole(t.ctx, "Code Reviewer", { organization: "eng", description: "reviews code" });
    await updateRole(t.ctx, "Senior Reviewer", { organization: "eng", extends: "Security Lead" });
    await createRole(t.ctx, { name: "Release Manager", organization: "eng" });
    const member = await actingAs(t, "rev1@acme.com");
    await resolveOrg(member, "eng");
    await listTasks(member, { mine: true });
    await listRoles(member);
    await listRoles(t.ctx, "eng");
    await listOrgTree(member);
    // Deletes check the rows that reference what they delete: those reads need indexes too.
    await removeMember(t.ctx, { organization: "eng", email: "rev3@acme.com" });
    await deleteRole(t.ctx, "Release Manager", "eng");
  });
  expect(statements.size).toBeGreaterThan(10);
  expect(scansOf(statements, [...GROWING, ...PER_TENANT])).toEqual([]);
});

/** The plan steps that scan one of `tables`, with the statement they belong to. */
function scansOf(statements: Map<string, unknown[]>, tables: readonly string[]): string[] {
  const explain = new BetterSqlite3(join(dir, "clerk.db"), { readonly: true });
  const scans: string[] = [];
  for (const [source, args] of statements) {
    if (!/^\s*(select|with|insert|update|delete)/i.test(source)) continue;
    const plan = explain.prepare(`explain query plan ${source}`).all(...(args as unknown[])) as { detail: string }[];
    for (const { detail } of plan) {
      const table = /^SCAN (\w+)/.exec(detail)?.[1];
      if (table !== undefined && tables.includes(table)) scans.push(`${detail} in: ${source.replace(/\s+/g, " ")}`);
    }
  }
  explain.close();
  return scans;
}
