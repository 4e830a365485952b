// `clerk serve` on an absolute database path, started from another directory than the CLI that configured it:
// its background dispatcher opens the provider's sealed secret with the key beside the database and delivers.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

/** Starts `clerk serve` in `cwd` on `database`; resolves once it says where it listens. */
function serve(
  cwd: string,
  database: string,
  options: { implicitConfigDir?: boolean } = {},
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const env = childEnv(cwd, { CLERK_LOG_LEVEL: "warn", CLERK_DATABASE_URL: database });
  // As a user without CLERK_CONFIG_DIR runs it: the config directory is the .clerk/ found from `cwd`.
  if (options.implicitConfigDir) delete env.CLERK_CONFIG_DIR;
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  return new Promise((done, fail) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      if (/at http:\/\/127\.0\.0\.1:\d+/.test(err)) done({ child, stderr: () => err });
    });
    child.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

describe("clerk serve on an absolute database path, from another directory", () => {
  const root = mkdtempSync(join(tmpdir(), "clerk-serve-notify-"));
  const database = join(root, "data", "clerk.db");
  const cliDir = join(root, "cli");
  const serverDir = join(root, "server");
  const got: { path: string; body: string }[] = [];
  let receiver: Server;
  let hookUrl: string;

  beforeAll(async () => {
    mkdirSync(cliDir);
    mkdirSync(serverDir);
    receiver = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        got.push({ path: req.url ?? "", body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", () => done()));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/clerk`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => receiver.close(() => done()));
    rmSync(root, { recursive: true, force: true });
  });

  const clerk = (...args: string[]) =>
    run(process.execPath, [BIN, "--format", "json", ...args], {
      cwd: cliDir,
      env: childEnv(cliDir, { CLERK_DATABASE_URL: database }),
    });

  it("delivers a webhook configured with the CLI (the dispatcher uses the master key beside the database)", async () => {
    await clerk("org", "create", "--name", "Eng");
    await clerk("role", "create", "--name", "Code Reviewer", "--organization", "eng");
    await clerk("org", "member", "add", "--organization", "eng", "--email", "rev@acme.com", "--role", "Code Reviewer");
    await clerk(
      "workflow",
      "create",
      "--name",
      "PR",
      "--organization",
      "eng",
      "--trigger",
      "event:pull_request_opened",
    );
    await clerk("workflow", "stage", "add", "--workflow", "pr", "--name", "Review", "--requires-role", "Code Reviewer");
    await clerk("notify", "configure", "--provider", "webhook", "--name", "ci", "--url", hookUrl, "--allow-insecure");
    await clerk(
      "workflow",
      "notify",
      "--workflow",
      "pr",
      "--on",
      "stage:assigned",
      "--message",
      "Review {pr.title}",
      "--channel",
      "webhook:ci",
    );
    expect(existsSync(join(root, "data", "master.key"))).toBe(true);

    const server = await serve(serverDir, database);
    try {
      await clerk(
        "event",
        "emit",
        "--organization",
        "eng",
        "--type",
        "pull_request_opened",
        "--data",
        JSON.stringify({ pr: { title: "Rotate keys" } }),
      );
      // The server dispatches every 250 ms; give it a few seconds on a busy machine.
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((done) => setTimeout(done, 100));
      expect(got).toHaveLength(1);
      expect(got[0]?.path).toBe("/hooks/clerk");
      expect(JSON.parse(got[0]?.body as string)).toMatchObject({
        type: "stage:assigned",
        data: { message: "Review Rotate keys" },
      });
      const log = JSON.parse((await clerk("notify", "log")).stdout) as { outcome: string }[];
      expect(log.map((l) => l.outcome)).toEqual(["delivered"]);
      // No second key was made in the server's own directory.
      expect(existsSync(join(serverDir, ".clerk", "master.key"))).toBe(false);
    } finally {
      const stopping = exited(server.child);
      server.child.kill("SIGTERM");
      expect(await stopping).toBe(0);
    }
  });

  it("refuses to start when a second master key file sits in the config directory, naming both", async () => {
    const stray = join(serverDir, ".clerk", "master.key");
    mkdirSync(join(serverDir, ".clerk"), { recursive: true });
    writeFileSync(stray, `${Buffer.alloc(32, 1).toString("base64")}\n`, { mode: 0o600 });
    await expect(serve(serverDir, database, { implicitConfigDir: true })).rejects.toThrow(
      new RegExp(`Two master key files.*${join(root, "data", "master.key")}.*${stray}`),
    );
  });
});
