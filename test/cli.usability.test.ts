// What a first-time user of the CLI ran into (issue 15): a verdict printed twice, a command's subject named as an
// argument in one command and an option in the next, a busy port without its number, a first key sent to the logs.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe("clerk CLI usability", () => {
  let dir: string;
  const clerk = async (...args: string[]): Promise<Result> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir) });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
  const ok = async (...args: string[]) => {
    const r = await clerk(...args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clerk-usability-"));
    // The first command creates the store and says so (on stderr); every later one is quiet there.
    const first = await clerk("org", "create", "--name", "Engineering Team");
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^clerk: created a new, empty store at /);
    await ok(
      "role",
      "create",
      "--name",
      "Developer",
      "--organization",
      "engineering-team",
      "--permissions",
      "read:code",
    );
    await ok(
      "role",
      "create",
      "--name",
      "Code Reviewer",
      "--organization",
      "engineering-team",
      "--extends",
      "Developer",
    );
    await ok(
      "org",
      "member",
      "add",
      "--organization",
      "engineering-team",
      "--email",
      "alice@acme.com",
      "--role",
      "Developer",
    );
    await ok(
      "org",
      "member",
      "add",
      "--organization",
      "engineering-team",
      "--email",
      "bob@acme.com",
      "--role",
      "Code Reviewer",
    );
    await ok(
      "org",
      "member",
      "add",
      "--organization",
      "engineering-team",
      "--email",
      "carol@acme.com",
      "--role",
      "Code Reviewer",
    );
    await ok(
      "workflow",
      "create",
      "--name",
      "PR",
      "--organization",
      "engineering-team",
      "--trigger",
      "event:pr_opened",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("clerk check says allowed or denied once", async () => {
    const check = ["check", "--organization", "engineering-team", "--member", "alice@acme.com", "--format", "table"];
    const allowed = await clerk(...check, "--permission", "read:code");
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^allowed: role Developer grants org:code:read/);
    expect(allowed.stdout).not.toContain("allowed: allowed:");
    const denied = await clerk(...check, "--permission", "write:code");
    expect(denied.code).toBe(4);
    expect(denied.stdout).toMatch(/^denied: /);
    expect(denied.stdout).not.toContain("denied: denied:");
  });

  it("takes a workflow as an argument or as --workflow alike", async () => {
    await ok("workflow", "stage", "add", "pr", "--name", "Review", "--requires-role", "Code Reviewer");
    const byArgument = JSON.parse((await ok("workflow", "show", "pr", "--format", "json")).stdout);
    const byOption = JSON.parse((await ok("workflow", "show", "--workflow", "pr", "--format", "json")).stdout);
    expect(byArgument.stages.map((s: { name: string }) => s.name)).toEqual(["Review"]);
    expect(byOption).toEqual(byArgument);
  });

  it("takes a task as an argument or as --task alike", async () => {
    for (const n of [1, 2]) {
      const emitted = ["event", "emit", "--organization", "engineering-team", "--type", "pr_opened"];
      await ok(...emitted, "--requester", "alice@acme.com", "--data", JSON.stringify({ pr: { number: n } }));
    }
    const tasks = async () => {
      const mine = await ok("task", "list", "--organization", "engineering-team", "--format", "json");
      return JSON.parse(mine.stdout) as { id: string; assignee: string | null }[];
    };
    const [first, second] = await tasks();
    const asAssignee = (t: { assignee: string | null } | undefined) => String(t?.assignee);
    await ok("task", "approve", String(first?.id), "--as", asAssignee(first), "--format", "json");
    await ok("task", "approve", "--task", String(second?.id), "--as", asAssignee(second), "--format", "json");
    expect(await tasks()).toEqual([]);
  });

  it("refuses two different subjects, and says both spellings when the subject is missing", async () => {
    const both = await clerk("workflow", "show", "pr", "--workflow", "other");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('"pr" and --workflow "other" name two different objects');
    const neither = await clerk("workflow", "show");
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("missing the workflow: clerk workflow show <workflow>, or --workflow <workflow>");
    const noTask = await clerk("task", "show");
    expect(noTask.code).toBe(2);
    expect(noTask.stderr).toContain("--task <task>");
  });

  it("says the first key goes to the logs and offers clerk keys create", async () => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
      cwd: dir,
      env: childEnv(dir, { CLERK_LOG_LEVEL: "warn" }),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    await new Promise<void>((done, fail) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes("clerk is serving")) done();
      });
      child.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
    });
    child.kill("SIGTERM");
    expect(err).toMatch(/sk_live_[0-9A-Za-z]{32}/);
    expect(err).toContain("in the logs");
    expect(err).toContain("clerk keys create");
  });

  it("names the busy port and suggests --port", async () => {
    const busy: Server = createServer();
    await new Promise<void>((done) => busy.listen(0, "127.0.0.1", done));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await clerk("serve", "--port", String(port));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(r.stderr).toContain(`--port ${port + 1}`);
    } finally {
      busy.close();
    }
  });
});
