// MCP benchmark: the `check` tool over Streamable HTTP (POST /mcp, stateless) next to POST /v1/check, same server, same run.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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

/** The server process's CPU time so far in ms (Linux /proc; undefined elsewhere): steadier than req/s on a shared machine. */
function cpuMs(pid: number | undefined): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return undefined;
  const fields = readFileSync(stat, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
}

async function load(
  options: autocannon.Options,
  pid?: number,
): Promise<{ rps: number; p99: number; bad: number; cpuUs: number | undefined }> {
  const before = cpuMs(pid);
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  const after = cpuMs(pid);
  const cpuUs =
    before === undefined || after === undefined ? undefined : ((after - before) * 1000) / result.requests.total;
  return { rps: result.requests.average, p99: result.latency.p99, bad: result.errors + result.non2xx, cpuUs };
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
    const a = await load(api, target.child.pid);
    const m = await load(mcp, target.child.pid);
    if (a.bad || m.bad) throw new Error(`errors or non-2xx answers: api ${a.bad}, mcp ${m.bad}`);
    console.log(`\nMCP check (${CONNECTIONS} connections, ${SECONDS} s each, one server in its own process)`);
    const cpu = (us: number | undefined) => (us === undefined ? "-" : us.toFixed(0)).padStart(14);
    console.log("call                          req/s       p99 ms  server CPU µs/req");
    console.log(
      `POST /v1/check             ${a.rps.toFixed(0).padStart(8)}  ${a.p99.toFixed(2).padStart(10)}  ${cpu(a.cpuUs)}`,
    );
    console.log(
      `MCP tools/call check       ${m.rps.toFixed(0).padStart(8)}  ${m.p99.toFixed(2).padStart(10)}  ${cpu(m.cpuUs)}`,
    );
    console.log(
      JSON.stringify({
        bench: "mcp",
        api_check_rps: Math.round(a.rps),
        mcp_check_rps: Math.round(m.rps),
        ratio: Number((m.rps / a.rps).toFixed(3)),
        api_p99_ms: a.p99,
        mcp_p99_ms: m.p99,
        api_cpu_us_per_req: a.cpuUs === undefined ? null : Math.round(a.cpuUs),
        mcp_cpu_us_per_req: m.cpuUs === undefined ? null : Math.round(m.cpuUs),
      }),
    );
  } finally {
    target.child.kill();
  }
}
