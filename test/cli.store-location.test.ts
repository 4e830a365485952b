// Where the CLI's data lives: the nearest .clerk/ here or above (like git), a warning when a command creates a
// new store, and `clerk org use` remembered per store.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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

/** Runs the CLI in `cwd` with no CLERK_CONFIG_DIR, so it looks for .clerk/ as a user's shell would. */
async function clerkIn(cwd: string, ...args: string[]): Promise<Result> {
  const env = childEnv(cwd);
  delete env.CLERK_CONFIG_DIR;
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "--format", "json", ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("clerk's store location", () => {
  const root = mkdtempSync(join(tmpdir(), "clerk-where-"));
  const project = join(root, "project");
  const deep = join(project, "src", "deep");
  const elsewhere = join(root, "elsewhere");
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(() => {
    mkdirSync(deep, { recursive: true });
    mkdirSync(elsewhere);
    // The walk goes up to /: a .clerk/ above the temporary directory would be found by every case here.
    for (let dir = root; dirname(dir) !== dir; dir = dirname(dir))
      expect(existsSync(join(dirname(dir), ".clerk")), `${dirname(dir)}/.clerk exists`).toBe(false);
  });

  it("creates ./.clerk/clerk.db where none is found above, and says so on stderr", async () => {
    const created = await clerkIn(project, "org", "create", "--name", "Eng");
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`clerk: created a new, empty store at ${join(project, ".clerk", "clerk.db")}`);
    expect(created.stderr).toContain(`no .clerk/ directory in ${project} or above`);
    const again = await clerkIn(project, "org", "list");
    expect(again.stderr).toBe("");
  });

  it("finds the project's store from a subdirectory, and the organization chosen there", async () => {
    expect((await clerkIn(project, "org", "use", "eng")).code).toBe(0);
    const status = await clerkIn(deep, "status");
    expect(status.stderr).toBe("");
    expect(JSON.parse(status.stdout)).toMatchObject({
      database: join(project, ".clerk", "clerk.db"),
      organizations: 1,
    });
    const info = await clerkIn(deep, "org", "info");
    expect(info.stderr).toBe("");
    expect(JSON.parse(info.stdout)).toMatchObject({ slug: "eng" });
  });

  it("warns when run elsewhere creates a new, empty store instead of answering [] silently", async () => {
    const list = await clerkIn(elsewhere, "org", "list");
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(list.stderr).toContain(`created a new, empty store at ${join(elsewhere, ".clerk", "clerk.db")}`);
  });

  it("keeps the chosen organization per store: another store has none chosen, and the first keeps its own", async () => {
    const other = join(root, "other.db");
    const ops = await clerkIn(project, "--database", other, "org", "create", "--name", "Ops");
    expect(ops.stderr).toContain(`created a new, empty store at ${other} (named by --database)`);
    const none = await clerkIn(project, "--database", other, "org", "info");
    expect(none.code).toBe(2);
    expect(none.stderr).not.toContain("org_");
    expect(JSON.parse(none.stderr)).toMatchObject({ error: { code: "context.no_organization" } });
    expect((await clerkIn(project, "--database", other, "org", "use", "ops")).code).toBe(0);
    expect(JSON.parse((await clerkIn(project, "--database", other, "org", "info")).stdout)).toMatchObject({
      slug: "ops",
    });
    // The project's own store still answers for eng.
    const mine = await clerkIn(project, "org", "info");
    expect(JSON.parse(mine.stdout)).toMatchObject({ slug: "eng" });
  });

  it("reads the older, shared context.json as the choice of its directory's default store", async () => {
    const legacy = join(root, "legacy");
    mkdirSync(join(legacy, ".clerk"), { recursive: true });
    const web = JSON.parse((await clerkIn(legacy, "org", "create", "--name", "Web")).stdout) as { id: string };
    writeFileSync(join(legacy, ".clerk", "context.json"), JSON.stringify({ organization: web.id }));
    expect(JSON.parse((await clerkIn(legacy, "org", "info")).stdout)).toMatchObject({ slug: "web" });
    const elsewhereDb = await clerkIn(legacy, "--database", join(root, "third.db"), "org", "info");
    expect(JSON.parse(elsewhereDb.stderr.split("\n").at(-2) as string)).toMatchObject({
      error: { code: "context.no_organization" },
    });
  });
});
