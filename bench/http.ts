// HTTP benchmark: POST /v1/check (API-key auth, warm policy) vs a bare Fastify hello-world, same load, same run.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

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
    await load({ ...checkOptions, duration: 2 });
    await load({ url: hello.info.url, method: "POST", duration: 2 });
    const c = await load(checkOptions);
    const h = await load({ url: hello.info.url, method: "POST" });
    if (c.errors || c.non2xx) throw new Error(`check run had ${c.errors} errors and ${c.non2xx} non-2xx answers`);
    console.log(`\nHTTP (${CONNECTIONS} connections, ${SECONDS} s each, servers in their own processes)`);
    console.log("server                     req/s       p99 ms");
    console.log(`POST /v1/check (clerk)  ${c.rps.toFixed(0).padStart(8)}  ${c.p99.toFixed(2).padStart(10)}`);
    console.log(`bare Fastify hello      ${h.rps.toFixed(0).padStart(8)}  ${h.p99.toFixed(2).padStart(10)}`);
    console.log(
      JSON.stringify({
        bench: "http",
        check_rps: Math.round(c.rps),
        hello_rps: Math.round(h.rps),
        ratio: Number((c.rps / h.rps).toFixed(3)),
        check_p99_ms: c.p99,
        hello_p99_ms: h.p99,
      }),
    );
  } finally {
    check.child.kill();
    hello.child.kill();
  }
}
