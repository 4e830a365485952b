// Vitest global setup: a throwaway PostgreSQL cluster for the run, with a migrated template database.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openStore } from "../../src/store/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the test cluster, or null when PostgreSQL is explicitly skipped (CLERK_TEST_PG=skip). */
    postgresUrl: string | null;
  }
}

function findBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, "bin", "initdb"))) return join(root, v, "bin");
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes clusters left behind by a killed run (their server is stopped first). A cluster whose owning
 * test process still runs belongs to a concurrent run and is left alone.
 */
function removeStale(bin: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith("clerk-pgtest-")) continue;
    const dir = join(tmpdir(), name);
    const owner = Number.parseInt(
      existsSync(join(dir, "owner.pid")) ? readFileSync(join(dir, "owner.pid"), "utf8") : "",
      10,
    );
    if (Number.isInteger(owner) && alive(owner)) continue;
    if (existsSync(join(dir, "data", "postmaster.pid"))) {
      spawnSync(...asPostgres(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "-w", "stop"]));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const isRoot = () => userInfo().uid === 0;

/** PostgreSQL refuses to run as root; sessions and CI are root, so the server runs as the postgres user. */
function asPostgres(cmd: string, args: string[]): [string, string[], { stdio: "pipe" }] {
  return isRoot()
    ? ["runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" }]
    : [cmd, args, { stdio: "pipe" }];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dialects = (process.env.DIALECTS ?? "sqlite,postgres").split(",");
  if (!dialects.includes("postgres")) {
    project.provide("postgresUrl", null);
    return async () => {};
  }
  if (process.env.DATABASE_URL) {
    project.provide("postgresUrl", process.env.DATABASE_URL);
    await prepareTemplate(process.env.DATABASE_URL);
    return async () => {};
  }
  const bin = findBin();
  if (!bin) {
    if (process.env.CLERK_TEST_PG === "skip" && !process.env.CI) {
      process.stderr.write("PostgreSQL tests skipped (CLERK_TEST_PG=skip).\n");
      project.provide("postgresUrl", null);
      return async () => {};
    }
    throw new Error(
      "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin. Install them with: apt-get install -y postgresql (or set DATABASE_URL).",
    );
  }
  removeStale(bin);
  const dir = mkdtempSync(join(tmpdir(), "clerk-pgtest-"));
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, "owner.pid"), String(process.pid));
  if (isRoot()) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(...asPostgres(join(bin, cmd), args));
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr?.toString() ?? ""}${r.stdout?.toString() ?? ""}`);
  };
  run("initdb", ["-D", join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run("pg_ctl", ["-D", join(dir, "data"), "-l", join(dir, "server.log"), "-w", "-t", "30", "start", "-o", opts]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await prepareTemplate(url);
  project.provide("postgresUrl", url);
  return async () => {
    spawnSync(...asPostgres(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "fast", "-w", "stop"]));
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Migrates one database that every test then copies (CREATE DATABASE … TEMPLATE), so tests start fast. */
async function prepareTemplate(adminUrl: string): Promise<void> {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query("DROP DATABASE IF EXISTS clerk_template");
  await client.query("CREATE DATABASE clerk_template");
  await client.end();
  const store = await openStore(adminUrl.replace(/\/[^/]*$/, "/clerk_template"));
  await store.close();
}
