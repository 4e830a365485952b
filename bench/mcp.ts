// MCP benchmark: the `check` tool over Streamable HTTP (POST /mcp, stateless) next to POST /v1/check, same server, same run.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Target {
  child: ChildProcess;
  info: { url: string; secret: string; organizationId: string; userId: string };
}

/** The same seeded server bench/http.ts measures, in its own process. */
async function start(): Promise<Target> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./support/http-target.ts", import.meta.url).pathname, "check"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
  });
  return { child, info: JSON.parse(line) as Target["info"] };
}

async function load(options: autocannon.Options): Promise<{ rps: number; p99: number; bad: number }> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return { rps: result.requests.average, p99: result.latency.p99, bad: result.errors + result.non2xx };
}

export async function run(): Promise<void> {
  const target = await start();
  try {
    const { url, secret, organizationId, userId } = target.info;
    const question = { organization_id: organizationId, user_id: userId, permission: "org:code:read" };
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const api = { url: `${url}/v1/check`, method: "POST" as const, headers, body: JSON.stringify(question) };
    const mcp = {
      url: `${url}/mcp`,
      method: "POST" as const,
      headers: { ...headers, accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "check", arguments: question },
      }),
    };
    const probe = await fetch(mcp.url, mcp);
    const answer = (await probe.json()) as { result?: { structuredContent?: { allowed?: boolean } } };
    if (probe.status !== 200 || answer.result?.structuredContent?.allowed !== true)
      throw new Error(
        `/mcp answered ${probe.status} ${JSON.stringify(answer)}; the bench would measure the wrong thing`,
      );
    await load({ ...api, duration: 2 });
    await load({ ...mcp, duration: 2 });
    const a = await load(api);
    const m = await load(mcp);
    if (a.bad || m.bad) throw new Error(`errors or non-2xx answers: api ${a.bad}, mcp ${m.bad}`);
    console.log(`\nMCP check (${CONNECTIONS} connections, ${SECONDS} s each, one server in its own process)`);
    console.log("call                          req/s       p99 ms");
    console.log(`POST /v1/check             ${a.rps.toFixed(0).padStart(8)}  ${a.p99.toFixed(2).padStart(10)}`);
    console.log(`MCP tools/call check       ${m.rps.toFixed(0).padStart(8)}  ${m.p99.toFixed(2).padStart(10)}`);
    console.log(
      JSON.stringify({
        bench: "mcp",
        api_check_rps: Math.round(a.rps),
        mcp_check_rps: Math.round(m.rps),
        ratio: Number((m.rps / a.rps).toFixed(3)),
        api_p99_ms: a.p99,
        mcp_p99_ms: m.p99,
      }),
    );
  } finally {
    target.child.kill();
  }
}
