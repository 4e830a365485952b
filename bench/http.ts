// HTTP benchmark: POST /v1/check and POST /v1/check/batch (API-key auth, warm policy) vs a bare Fastify hello-world,
// same load, same run: requests per second, and checks per second through single requests and through batches.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Checks per batch request (the endpoint takes up to 100). */
const BATCH = Number(process.env.BENCH_BATCH ?? 100);

interface Target {
  child: ChildProcess;
  info: { url: string; secret?: string; organizationId?: string; userId?: string };
}

/** Each server gets its own process, so the load generator does not share its event loop. */
async function start(mode: "check" | "hello"): Promise<Target> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./support/http-target.ts", import.meta.url).pathname, mode],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${mode} server exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
  });
  return { child, info: JSON.parse(line) as Target["info"] };
}

async function load(
  options: autocannon.Options,
): Promise<{ rps: number; p99: number; errors: number; non2xx: number }> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

export async function run(): Promise<void> {
  const check = await start("check");
  const hello = await start("hello");
  try {
    const body = JSON.stringify({
      organization_id: check.info.organizationId,
      user_id: check.info.userId,
      permission: "org:code:read",
    });
    const checkOptions = {
      url: `${check.info.url}/v1/check`,
      method: "POST" as const,
      headers: { authorization: `Bearer ${check.info.secret}`, "content-type": "application/json" },
      body,
    };
    const probe = await fetch(checkOptions.url, { method: "POST", headers: checkOptions.headers, body });
    const answer = (await probe.json()) as { allowed?: boolean };
    if (probe.status !== 200 || answer.allowed !== true)
      throw new Error(
        `the check endpoint answered ${probe.status} ${JSON.stringify(answer)}; the bench would measure the wrong thing`,
      );
    // A batch of distinct questions (each permission asked of the member, allowed and denied alike).
    const permissions = ["org:code:read", "org:code:write", "org:reviews:read", "org:deployments:write"];
    const batchBody = JSON.stringify({
      checks: Array.from({ length: BATCH }, (_, i) => ({
        correlation_id: String(i),
        organization_id: check.info.organizationId,
        user_id: check.info.userId,
        permission: permissions[i % permissions.length],
      })),
    });
    const batchOptions = { ...checkOptions, url: `${check.info.url}/v1/check/batch`, body: batchBody };
    const batchProbe = await fetch(batchOptions.url, {
      method: "POST",
      headers: checkOptions.headers,
      body: batchBody,
    });
    const batchAnswer = (await batchProbe.json()) as { results?: { object: string }[] };
    if (batchProbe.status !== 200 || batchAnswer.results?.filter((r) => r.object === "check").length !== BATCH)
      throw new Error(`the batch endpoint answered ${batchProbe.status}; the bench would measure the wrong thing`);
    await load({ ...checkOptions, duration: 2 });
    await load({ url: hello.info.url, method: "POST", duration: 2 });
    const c = await load(checkOptions);
    const h = await load({ url: hello.info.url, method: "POST" });
    const b = await load(batchOptions);
    if (c.errors || c.non2xx) throw new Error(`check run had ${c.errors} errors and ${c.non2xx} non-2xx answers`);
    if (b.errors || b.non2xx) throw new Error(`batch run had ${b.errors} errors and ${b.non2xx} non-2xx answers`);
    console.log(`\nHTTP (${CONNECTIONS} connections, ${SECONDS} s each, servers in their own processes)`);
    console.log("server                     req/s       p99 ms");
    console.log(`POST /v1/check (clerk)  ${c.rps.toFixed(0).padStart(8)}  ${c.p99.toFixed(2).padStart(10)}`);
    console.log(`bare Fastify hello      ${h.rps.toFixed(0).padStart(8)}  ${h.p99.toFixed(2).padStart(10)}`);
    console.log(
      `POST /v1/check/batch    ${b.rps.toFixed(0).padStart(8)}  ${b.p99.toFixed(2).padStart(10)}   (${BATCH} checks each)`,
    );
    console.log(
      `checks/s: ${c.rps.toFixed(0)} through single requests, ${(b.rps * BATCH).toFixed(0)} through batches of ${BATCH}`,
    );
    console.log(
      JSON.stringify({
        bench: "http",
        check_rps: Math.round(c.rps),
        hello_rps: Math.round(h.rps),
        ratio: Number((c.rps / h.rps).toFixed(3)),
        check_p99_ms: c.p99,
        hello_p99_ms: h.p99,
        batch_size: BATCH,
        batch_rps: Math.round(b.rps),
        batch_p99_ms: b.p99,
        checks_per_s_single: Math.round(c.rps),
        checks_per_s_batched: Math.round(b.rps * BATCH),
      }),
    );
  } finally {
    check.child.kill();
    hello.child.kill();
  }
}
