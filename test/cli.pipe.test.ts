// `clerk … | head`: a reader that closes the pipe early must not turn into a crash with a stack trace.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

describe("the CLI writing into a closed pipe", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-pipe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 quietly when the reader stops after the first chunk", async () => {
    const child = spawn(process.execPath, [resolve("bin/clerk.js"), "role", "--help"], {
      cwd: dir,
      env: childEnv(dir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
