// CLI cold start: whole `clerk` processes (--version, --help, a local command on SQLite) against `node -e 0`,
// interleaved in the same run, through bin/clerk.js (the bundle) and through the unbundled dist/cli/main.js.
// Needs `npm run build` first.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BIN = resolve("bin/clerk.js");
/** The compiled CLI without the bundle or the help manifest: what bin/clerk.js ran before. */
const UNBUNDLED_RUNNER = `const { main } = await import(${JSON.stringify(pathToFileURL(resolve("dist/cli/main.js")).href)});\nawait main(process.argv.slice(2));\n`;

interface Case {
  name: string;
  args: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-cli-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CLERK_CONFIG_DIR: join(dir, ".clerk") };
  for (const key of Object.keys(env)) if (key.startsWith("CLERK_") && key !== "CLERK_CONFIG_DIR") delete env[key];
  const exec = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, env, stdio: "pipe" });
  exec([BIN, "org", "create", "--name", "Engineering Team"]);
  const unbundled = join(dir, "unbundled.mjs");
  writeFileSync(unbundled, UNBUNDLED_RUNNER);
  const cases: Case[] = [
    { name: "node -e 0", args: ["-e", "0"] },
    { name: "clerk --version", args: [BIN, "--version"] },
    { name: "clerk --help", args: [BIN, "--help"] },
    { name: "clerk org list --help", args: [BIN, "org", "list", "--help"] },
    { name: "clerk org list (SQLite)", args: [BIN, "org", "list"] },
    { name: "unbundled --version", args: [unbundled, "--version"] },
    { name: "unbundled org list", args: [unbundled, "org", "list"] },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const start = performance.now();
      exec(c.args);
      times.get(c.name)?.push(performance.now() - start);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const ms = (name: string) => median(times.get(name) ?? []);
  const base = ms("node -e 0");
  console.log(`\nCLI cold start (median of ${ROUNDS} interleaved rounds, whole processes)`);
  console.log("command                        ms     × node -e 0");
  for (const c of cases)
    console.log(
      `${c.name.padEnd(28)} ${ms(c.name).toFixed(0).padStart(5)}   ${(ms(c.name) / base).toFixed(2).padStart(6)}`,
    );
  const ratio = (name: string) => Number((ms(name) / base).toFixed(2));
  console.log(
    JSON.stringify({
      bench: "cli",
      node_ms: Math.round(base),
      version_x: ratio("clerk --version"),
      help_x: ratio("clerk --help"),
      command_help_x: ratio("clerk org list --help"),
      org_list_x: ratio("clerk org list (SQLite)"),
      unbundled_version_x: ratio("unbundled --version"),
      unbundled_org_list_x: ratio("unbundled org list"),
    }),
  );
}
