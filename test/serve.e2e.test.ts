// `clerk serve` as a real process: first key printed once, the API answers with it, SIGTERM shuts down cleanly.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

/** Starts `clerk serve` on a free port; resolves once it says where it listens. */
function serve(cwd: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
    cwd,
    env: childEnv(cwd, { CLERK_LOG_LEVEL: "warn" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
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

    // Changes made by another process (the CLI on the same file) reach the running server's next request,
    // although it caches keys and compiled policies.
    const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir) });
    await cli(
      "role",
      "create",
      "--name",
      "Developer",
      "--organization",
      "engineering-team",
      "--permissions",
      "read:code",
    );
    const member = JSON.parse(
      (
        await cli(
          "org",
          "member",
          "add",
          "--organization",
          "engineering-team",
          "--email",
          "dev@acme.com",
          "--role",
          "Developer",
        )
      ).stdout,
    ) as { public_user_data: { user_id: string } };
    const ask = async (permission: string) => {
      const res = await fetch(`${second.url}/v1/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({
          organization_id: "engineering-team",
          user_id: member.public_user_data.user_id,
          permission,
        }),
      });
      return ((await res.json()) as { allowed: boolean }).allowed;
    };
    expect(await ask("org:code:write")).toBe(false);
    await cli("role", "update", "--role", "Developer", "--add-permissions", "write:code");
    expect(await ask("org:code:write")).toBe(true);
    const keys = JSON.parse((await cli("keys", "list")).stdout) as { key: string }[];
    await cli("keys", "revoke", keys[0]?.key as string);
    expect(
      (await fetch(`${second.url}/v1/organizations`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401);
    const again = exited(second.child);
    second.child.kill("SIGTERM");
    expect(await again).toBe(0);
  });
});
