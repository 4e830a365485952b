// `clerk --help` and every command's --help come from the command table as data (dist/cli-bundle/commands.json):
// the help it prints, its version and its usage errors must be the full program's, word for word.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type Command, CommanderError } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { type CommandManifest, describeCommand, programFromManifest } from "../src/cli/manifest.js";
import { VERSION } from "../src/version.js";
import { childEnv } from "./helpers/cli.js";

/** What commander prints for `argv` on `program` (help goes to stdout, errors to stderr), and how it exits. */
function outcome(program: Command, argv: string[]): { out: string; err: string; code: string } {
  let out = "";
  let err = "";
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s), getOutHelpWidth: () => 100 });
    for (const sub of c.commands) configure(sub);
  };
  configure(program);
  try {
    program.parse(argv, { from: "user" });
    return { out, err, code: "parsed" };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out, err, code: error.code };
  }
}

function paths(c: Command, prefix: string[] = []): string[][] {
  return c.commands.flatMap((sub) => [[...prefix, sub.name()], ...paths(sub, [...prefix, sub.name()])]);
}

const fromManifest = (): Command =>
  programFromManifest(JSON.parse(JSON.stringify(describeCommand(buildProgram()))) as CommandManifest, () => undefined);

describe("the command table as data", () => {
  const all = paths(buildProgram());

  it("covers every command, groups and leaves", () => {
    expect(all.length).toBeGreaterThan(50);
    expect(paths(fromManifest())).toEqual(all);
  });

  it("prints every command's help as the full program does", () => {
    // --help prints the command's outputHelp() and exits: asked of one full program, command by command.
    const full = buildProgram();
    const manifest = JSON.stringify(describeCommand(full));
    let out = "";
    const configure = (c: Command) => {
      c.configureOutput({ writeOut: (s) => (out += s), getOutHelpWidth: () => 100 });
      c.commands.forEach(configure);
    };
    configure(full);
    for (const path of [[], ...all]) {
      const command = path.reduce((c, name) => c.commands.find((s) => s.name() === name) as Command, full);
      out = "";
      command.outputHelp();
      const argv = [...path, "--help"];
      const got = outcome(
        programFromManifest(JSON.parse(manifest) as CommandManifest, () => undefined),
        argv,
      );
      expect(got, argv.join(" ")).toEqual({ out, err: "", code: "commander.helpDisplayed" });
    }
  });

  it("answers --version, and the same usage errors, as the full program does", () => {
    for (const argv of [["--version"], [], ["rol", "--help"], ["org", "--bogus", "--help"], ["help", "role"]]) {
      const want = outcome(buildProgram(), argv);
      expect(outcome(fromManifest(), argv), argv.join(" ")).toEqual(want);
    }
  });
});

describe("bin/clerk.js on the built bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-help-"));
  const run = promisify(execFile);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const clerk = (...args: string[]) =>
    run(process.execPath, [resolve("bin/clerk.js"), ...args], { cwd: dir, env: childEnv(dir) });

  it("prints the version and a command's help without opening a store", async () => {
    expect((await clerk("--version")).stdout).toBe(`${VERSION}\n`);
    const { stdout } = await clerk("role", "create", "--help");
    expect(stdout).toContain("Usage: clerk role create [options]");
    expect(stdout).toContain("--permissions");
    await expect(run("ls", [join(dir, ".clerk")])).rejects.toThrow();
  });

  it("still runs a command whose option value is --help", async () => {
    // `--name --help` names an organization "--help": help is not asked for, so the full program runs it.
    const { stdout } = await clerk("org", "create", "--name", "--help", "--format", "json");
    expect(JSON.parse(stdout)).toMatchObject({ name: "--help" });
  });
});
