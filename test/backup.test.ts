// `clerk backup` of a SQLite store while another process writes to it, `clerk restore`, and `clerk audit verify`
// on the result; a restore refuses damaged or foreign files and never replaces a store unasked.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const exec = promisify(execFile);

async function clerk(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd, env: childEnv(cwd) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("sqlite: backup and restore", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-backup-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a backup taken while another process writes restores into a store whose audit log verifies", async () => {
    const live = join(dir, "clerk.db");
    const writer: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/crash-writer.ts", live, "1"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let acked = 0;
    const ackedAtLeast = (n: number) =>
      new Promise<void>((done) => {
        const onData = () => {
          if (acked >= n) {
            writer.stdout?.off("data", onData);
            done();
          }
        };
        writer.stdout?.on("data", onData);
        onData();
      });
    writer.stdout?.on("data", (chunk: Buffer) => {
      acked += chunk.toString().split("\n").filter(Boolean).length;
    });
    await ackedAtLeast(20);
    const before = acked;
    const backup = await clerk(dir, ["backup", join(dir, "backup.db"), "--database", live]);
    await ackedAtLeast(acked + 5);
    writer.kill("SIGKILL");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/Backed up \d+ organizations and \d+ audit events/);
    expect(backup.stderr).toContain("master key");

    const restored = join(dir, "restored", "clerk.db");
    // Restored beside no master key: said loudly, since the audit checkpoints are signed with it.
    const keyless = join(dir, "keyless", "clerk.db");
    const warned = await clerk(dir, ["restore", join(dir, "backup.db"), "--database", keyless]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain("Warning: no master key");
    const restore = await clerk(dir, [
      "restore",
      join(dir, "backup.db"),
      "--database",
      restored,
      "--master-key",
      join(dir, "master.key"),
    ]);
    expect(restore.code).toBe(0);
    expect(restore.stderr).not.toContain("Warning");
    const db = new BetterSqlite3(restored, { readonly: true });
    const orgs = Number(db.prepare("select count(*) from organizations").pluck().get());
    db.close();
    // Everything acknowledged before the backup began is in it (each writer step is one org and one member).
    expect(orgs).toBeGreaterThanOrEqual(before);
    const verify = await clerk(dir, ["audit", "verify", "--database", restored, "--format", "json"]);
    expect(verify.stdout + verify.stderr).toContain('"ok": true');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('"ok": true');

    // Never a silent overwrite: of the backup file, or of an existing store.
    expect((await clerk(dir, ["backup", join(dir, "backup.db"), "--database", live])).stderr).toContain(
      "exists already",
    );
    const again = await clerk(dir, ["restore", join(dir, "backup.db"), "--database", restored]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("--force");
    expect((await clerk(dir, ["restore", join(dir, "backup.db"), "--database", restored, "--force"])).code).toBe(0);
  });

  it("refuses to restore a file that is not a clerk store, and prints pg_dump (without the password) for PostgreSQL", async () => {
    writeFileSync(join(dir, "notes.db"), "not a database at all, just text that is long enough to look like one");
    const junk = await clerk(dir, ["restore", join(dir, "notes.db"), "--database", join(dir, "x", "clerk.db")]);
    expect(junk.code).not.toBe(0);
    const empty = join(dir, "empty.db");
    new BetterSqlite3(empty).exec("create table t (x)");
    const foreign = await clerk(dir, ["restore", empty, "--database", join(dir, "y", "clerk.db")]);
    expect(foreign.stderr).toContain("not a clerk store");
    const pgBackup = await clerk(dir, [
      "backup",
      "dump.pgc",
      "--database",
      "postgres://clerk:s3cret@db.internal:5432/clerk",
    ]);
    expect(pgBackup.code).toBe(0);
    expect(pgBackup.stdout).toContain("pg_dump --format=custom --no-owner --file=dump.pgc");
    expect(pgBackup.stdout).not.toContain("s3cret");
  });
});
