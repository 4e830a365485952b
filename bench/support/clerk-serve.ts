// Starts the built `clerk serve` (bin/clerk.js; run `npm run build` first) on a store, for the benchmarks that
// measure a real server process: it answers once the server says where it listens.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

export interface ClerkServer {
  child: ChildProcess;
  url: string;
}

/** `clerk serve` on `database` (a file path or a postgres:// URL), on a free port, with rate limits out of the way. */
export function startClerkServe(database: string): Promise<ClerkServer> {
  const child = spawn(process.execPath, [resolve("bin/clerk.js"), "serve", "--port", "0", "--database", database], {
    env: { ...process.env, CLERK_LOG_LEVEL: "warn", CLERK_RATE_LIMIT_PER_MINUTE: "100000000" },
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
