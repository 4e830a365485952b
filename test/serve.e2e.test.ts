// `clerk serve` as a real process: first key printed once, the API answers with it, SIGTERM shuts down cleanly.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = resolve("bin/clerk.js");

/** Starts `clerk serve` on a free port; resolves once it says where it listens. */
function serve(cwd: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], { cwd, env: { ...process.env, CLERK_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  return new Promise((done, fail) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (match) done({ child, url: match[1] as string, stderr: () => err });
    });
    child.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

describe("clerk serve", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-serve-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints a first key once, serves the API with it, and stops gracefully on SIGTERM", async () => {
    const first = await serve(dir);
    const key = /(sk_live_[0-9A-Za-z]{32})/.exec(first.stderr())?.[1];
    expect(key).toBeDefined();
    expect(first.stderr()).toContain("shown once");
    const health = await fetch(`${first.url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok" });
    const created = await fetch(`${first.url}/v1/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Engineering Team" }),
    });
    expect(created.status).toBe(200);
    const stopping = exited(first.child);
    first.child.kill("SIGTERM");
    expect(await stopping).toBe(0);

    const second = await serve(dir);
    expect(second.stderr()).not.toContain("sk_live_");
    const list = await fetch(`${second.url}/v1/organizations`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await list.json()) as { total_count: number }).total_count).toBe(1);
    const again = exited(second.child);
    second.child.kill("SIGTERM");
    expect(await again).toBe(0);
  });
});
