// Cluster benchmark: three `clerk serve` on one throwaway PostgreSQL. How long after a role change through A
// do B and C answer the new decision (p50/p99), and checks/s spread over three servers against one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { systemClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { ensureInstance } from "../src/features/roles/index.js";
import { openStore } from "../src/store/index.js";
import startPostgres from "../test/setup/postgres.js";
import { type ClerkServer, startClerkServe } from "./support/clerk-serve.js";

const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

export async function run(): Promise<void> {
  // The instance's master key file (PostgreSQL keeps it in the config directory): a throwaway one, never ./.clerk.
  const configDir = mkdtempSync(join(tmpdir(), "clerk-bench-cluster-"));
  process.env.CLERK_CONFIG_DIR = configDir;
  let admin: string | null = null;
  const stopPostgres = await startPostgres({
    provide: (_key: string, value: string | null) => {
      admin = value;
    },
  } as never);
  const servers: ClerkServer[] = [];
  try {
    if (admin === null) throw new Error("no PostgreSQL for the cluster benchmark");
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query("CREATE DATABASE clerk_bench TEMPLATE clerk_template");
    await client.end();
    const location = (admin as string).replace(/\/[^/]*$/, "/clerk_bench");
    const store = await openStore(location);
    const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "bench" } });
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    const org = await createOrganization(ctx, { name: "Bench" });
    await addMember(ctx, { organization: org.id, email: "lead@bench.test", roles: "org:admin" });
    const userId = (await addMember(ctx, { organization: org.id, email: "dev@bench.test", roles: "org:member" })).user
      .id;
    const { secret } = await createKey(ctx, { name: "bench" });
    await store.close();
    servers.push(...(await Promise.all([0, 1, 2].map(() => startClerkServe(location)))));
    const [a, b, c] = servers as [ClerkServer, ClerkServer, ClerkServer];
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const body = JSON.stringify({ organization_id: org.id, user_id: userId, permission: "org:sys_memberships:manage" });
    const allowedOn = async (s: ClerkServer) =>
      ((await (await fetch(`${s.url}/v1/check`, { method: "POST", headers, body })).json()) as { allowed: boolean })
        .allowed;

    // Propagation: after A answers the change (it has committed), each of B and C is asked until it agrees.
    const delays: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const admin = i % 2 === 0;
      await Promise.all([allowedOn(b), allowedOn(c)]); // warm: both have the current policy compiled
      const response = await fetch(`${a.url}/v1/organizations/${org.id}/memberships/${userId}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ role: admin ? "org:admin" : "org:member" }),
      });
      if (response.status !== 200) throw new Error(`role change answered ${response.status}`);
      const t0 = performance.now();
      await Promise.all(
        [b, c].map(async (s) => {
          while ((await allowedOn(s)) !== admin) {
            if (performance.now() - t0 > 5_000) throw new Error("a server did not see the change within 5 s");
          }
          delays.push(performance.now() - t0);
        }),
      );
    }
    delays.sort((x, y) => x - y);

    // Throughput: the same load (32 connections) on one server, then spread over the three.
    const load = async (urls: string[]) => {
      const result = await autocannon({
        // autocannon spreads connections over several URLs; its types only name one.
        url: urls.map((u) => `${u}/v1/check`) as unknown as string,
        method: "POST",
        headers,
        body,
        connections: 30,
        duration: SECONDS,
      });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
      return result.requests.average;
    };
    const one = await load([a.url]);
    const three = await load(servers.map((s) => s.url));

    console.log(`\ncluster: three clerk serve on one PostgreSQL (${CHANGES} role changes through A)`);
    console.log(
      `  time until B and C answer the new decision: p50 ${quantile(delays, 0.5).toFixed(1)} ms, p99 ${quantile(delays, 0.99).toFixed(1)} ms, max ${(delays.at(-1) as number).toFixed(1)} ms (goal: p99 ≤ 100 ms)`,
    );
    console.log(
      `  POST /v1/check, 30 connections, ${SECONDS} s: one server ${Math.round(one)}/s, three servers ${Math.round(three)}/s (×${(three / one).toFixed(2)}; ${(await import("node:os")).availableParallelism()} cores for servers, PostgreSQL and the load)`,
    );
    console.log(
      JSON.stringify({
        bench: "cluster",
        propagation_p50_ms: Number(quantile(delays, 0.5).toFixed(1)),
        propagation_p99_ms: Number(quantile(delays, 0.99).toFixed(1)),
        checks_per_s_one: Math.round(one),
        checks_per_s_three: Math.round(three),
      }),
    );
  } finally {
    for (const s of servers) s.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await stopPostgres();
    rmSync(configDir, { recursive: true, force: true });
  }
}
