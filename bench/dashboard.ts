// Dashboard load benchmark: a store with 10 000 members and 100 000 audit events in one organization, served by
// `clerk serve` and opened in chromium (signed in by a sign-in link). Prints the time until the members page and
// the audit page show their first rows, against the same pages of an almost empty organization on the same
// server in the same run, the rows rendered, the slowest API call of each load, and the JavaScript transferred.
// Needs the build (`npm run build`) and Debian's chromium (CLERK_CHROMIUM to point elsewhere).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Locator, type Page, chromium } from "playwright-core";
import { systemClock } from "../src/clock.js";
import { type ServiceContext, inTransaction } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { GENESIS_HASH, canonicalEvent, chainHash } from "../src/features/audit/audit.repository.js";
import type { AuditEventsTable } from "../src/features/audit/audit.table.js";
import { createSignInToken, makeDashboardAdmin } from "../src/features/dashboard/index.js";
import { addMember } from "../src/features/members/index.js";
import { findRoleRowsByKey, insertMembership } from "../src/features/policy/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { ensureInstance } from "../src/features/roles/index.js";
import { openStore } from "../src/store/index.js";

const MEMBERS = Number(process.env.BENCH_DASHBOARD_MEMBERS ?? 10_000);
const EVENTS = Number(process.env.BENCH_DASHBOARD_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHROMIUM = process.env.CLERK_CHROMIUM ?? "/usr/bin/chromium";
const PAGE_TIMEOUT_MS = 60_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * Adds `n` members, 1 000 to a transaction, through the users service and the policy store (what the member
 * service does, minus its per-member checks and audit event, which made 10 000 take minutes; the audit log
 * gets its rows from seedAudit).
 */
async function seedMembers(ctx: ServiceContext, organizationId: string, n: number): Promise<void> {
  const [member] = (await findRoleRowsByKey(ctx.db, "org:member")).filter((r) => r.organization_id === null);
  if (!member) throw new TypeError("the built-in org:member role is missing");
  for (let done = 0; done < n;) {
    await inTransaction(ctx, async (tx) => {
      for (let b = 0; b < 1000 && done < n; b++, done++) {
        const user = await ensureUser(tx, `member${done}@acme.com`);
        await insertMembership(tx, { organizationId, userId: user.id }, [member.id]);
      }
    });
  }
}

/** Appends audit events to an organization's chain up to `total`, hashed here and inserted 1 000 at a time. */
async function seedAudit(ctx: ServiceContext, chain: string, total: number): Promise<void> {
  const head = await ctx.db
    .selectFrom("audit_heads")
    .select(["seq", "hash"])
    .where("chain", "=", chain)
    .executeTakeFirst();
  let seq = Number(head?.seq ?? 0);
  let prev = head?.hash ?? GENESIS_HASH;
  const start = systemClock.now() - total * 1000;
  while (seq < total) {
    await ctx.db.transaction().execute(async (trx) => {
      for (let b = 0; b < 20 && seq < total; b++) {
        const batch: AuditEventsTable[] = [];
        for (let i = 0; i < 1000 && seq < total; i++) {
          seq++;
          const row = {
            id: `evt_bench${String(seq).padStart(22, "0")}`,
            chain,
            seq,
            organization_id: chain,
            created_at: start + seq * 10,
            actor_type: "user",
            actor_id: `user_${seq % 50}`,
            actor_label: `member${seq % 50}@acme.com`,
            action: "role.updated",
            target_type: "role",
            target_id: `role_${seq % 100}`,
            target_label: `org:role_${seq % 100}`,
            before: JSON.stringify({ permissions: ["org:code:read"] }),
            after: JSON.stringify({ permissions: ["org:code:read", "org:code:write"] }),
            request_id: `req_${seq}`,
            ip: "127.0.0.1",
          };
          const hash = chainHash(prev, canonicalEvent(row));
          batch.push({ ...row, prev_hash: prev, hash });
          prev = hash;
        }
        await trx.insertInto("audit_events").values(batch).execute();
      }
    });
  }
  await ctx.db.updateTable("audit_heads").set({ seq, hash: prev }).where("chain", "=", chain).execute();
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface Load {
  ms: number;
  rows: number;
  slowestApi: string;
  /** Every API call of the load, slowest first. */
  calls: string[];
}

/** Opens `url` in a new page and times it until `firstRow` is visible; notes its slowest API call. */
async function load(newPage: () => Promise<Page>, url: string, firstRow: (page: Page) => Locator): Promise<Load> {
  const page = await newPage();
  const api: { what: string; ms: number }[] = [];
  page.on("requestfinished", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/v1/")) {
      const t = request.timing();
      api.push({ what: `${request.method()} ${request.url().replace(/^https?:\/\/[^/]+/, "")}`, ms: t.responseEnd });
    }
  });
  const started = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  let ms: number;
  try {
    await firstRow(page).waitFor({ timeout: PAGE_TIMEOUT_MS });
    ms = performance.now() - started;
  } catch {
    ms = Number.POSITIVE_INFINITY;
  }
  const rows = await page.locator("main table tbody tr").count();
  await page.waitForLoadState("load");
  api.sort((a, b) => b.ms - a.ms);
  const slowest = api[0];
  await page.close();
  return {
    ms,
    rows,
    slowestApi: slowest ? `${slowest.what} ${slowest.ms.toFixed(0)} ms` : "none",
    calls: api.map((c) => `${c.what} ${c.ms.toFixed(0)} ms`),
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-dashboard-"));
  process.env.CLERK_CONFIG_DIR = dir;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  process.env.CLERK_PUBLIC_URL = url;
  let server: ChildProcess | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const store = await openStore(join(dir, "clerk.db"));
    const ctx = contextFor(store, {
      clock: systemClock,
      actor: { type: "operator", id: null, label: "operator:bench" },
    });
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    const big = await createOrg(ctx, { name: "Big Org" });
    const small = await createOrg(ctx, { name: "Small Org" });
    await addMember(ctx, { organization: small.id, email: "admin@acme.com", roles: "org:admin" });
    await makeDashboardAdmin(ctx, "admin@acme.com");
    let t = performance.now();
    await seedMembers(ctx, big.id, MEMBERS);
    const membersSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await seedAudit(ctx, big.id, EVENTS);
    const auditSeconds = (performance.now() - t) / 1000;
    const link = (await createSignInToken(ctx, { user: "admin@acme.com" })).url as string;
    await store.close();
    console.log(
      `dashboard: seeded ${MEMBERS} members through the users service and policy store in ${membersSeconds.toFixed(1)} s, ` +
        `${EVENTS} audit events of Big Org in ${auditSeconds.toFixed(1)} s`,
    );

    server = spawn(process.execPath, [resolve("bin/clerk.js"), "serve", "--port", String(port)], {
      cwd: dir,
      env: { ...process.env, CLERK_CONFIG_DIR: dir, CLERK_PUBLIC_URL: url, CLERK_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((done, fail) => {
      let err = "";
      server?.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes(`at ${url}`)) done();
      });
      server?.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
    });

    // Signing in lands on the dashboard with an empty cache: that load's scripts are the first-load JavaScript.
    const context = await browser.newContext();
    const signIn = await context.newPage();
    const sizes: Promise<number>[] = [];
    signIn.on("requestfinished", (request) => {
      if (request.resourceType() === "script") sizes.push(request.sizes().then((s) => s.responseBodySize));
    });
    await signIn.goto(link);
    await signIn.waitForURL(`${url}/dashboard`);
    await signIn.waitForLoadState("networkidle");
    const jsBytes = (await Promise.all(sizes)).reduce((a, b) => a + Math.max(0, b), 0);
    const scripts = sizes.length;
    await signIn.close();

    const memberRow = (page: Page) =>
      page.getByRole("cell", { name: /^member\d+@acme\.com$|^admin@acme\.com$/ }).first();
    const auditRow = (page: Page) => page.locator("main table tbody tr").first();
    const pages = [
      { name: "members, Small Org (1 member)", url: `${url}/dashboard/orgs/small-org`, row: memberRow },
      { name: `members, Big Org (${MEMBERS} members)`, url: `${url}/dashboard/orgs/big-org`, row: memberRow },
      { name: "audit, Small Org (a few events)", url: `${url}/dashboard/audit?org=small-org`, row: auditRow },
      { name: `audit, Big Org (${EVENTS} events)`, url: `${url}/dashboard/audit?org=big-org`, row: auditRow },
    ];
    const results = new Map<string, Load[]>();
    for (let round = 0; round < ROUNDS; round++)
      for (const p of pages) {
        const list = results.get(p.name) ?? [];
        list.push(await load(() => context.newPage(), p.url, p.row));
        results.set(p.name, list);
      }
    console.log(`dashboard: first load transferred ${kb(jsBytes)} of JavaScript in ${scripts} scripts (as served)`);
    console.log("dashboard: time to first rows visible (median of", ROUNDS, "loads, warm cache):");
    for (const p of pages) {
      const list = results.get(p.name) as Load[];
      const ms = median(list.map((l) => l.ms));
      const last = list[list.length - 1] as Load;
      console.log(
        `  ${p.name.padEnd(36)} ${Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : `no rows within ${PAGE_TIMEOUT_MS / 1000} s`}` +
          `  (${last.rows} rows rendered; slowest API call, request to response end: ${last.slowestApi})`,
      );
      if (process.env.BENCH_VERBOSE) for (const call of last.calls) console.log(`      ${call}`);
    }
    const ms = (i: number) => Math.round(median((results.get(pages[i]?.name as string) as Load[]).map((l) => l.ms)));
    console.log(
      JSON.stringify({
        bench: "dashboard",
        members: MEMBERS,
        audit_events: EVENTS,
        first_load_js_bytes: jsBytes,
        members_page_small_ms: ms(0),
        members_page_big_ms: ms(1),
        audit_page_small_ms: ms(2),
        audit_page_big_ms: ms(3),
      }),
    );
  } finally {
    await browser.close();
    server?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
