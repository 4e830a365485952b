// The store's files on this machine: a database or master key file that other users can read is a finding.
import { statSync } from "node:fs";
import { isAbsolute } from "node:path";
import type { ServiceContext } from "../../context.js";
import { MASTER_KEY_ENV, masterKeyFileFor } from "../../secrets.js";

/** A store file readable by its group or by everyone (part of `clerk health`, for instance admins). */
export interface StoreFileFinding {
  check: "store.file_permissions";
  organization: string;
  path: string;
  /** The file's permission bits in octal, e.g. "0644". */
  mode: string;
  summary: string;
  fix: string[];
}

/** The files holding this context's store: a SQLite database with its WAL and shared memory, and the key file. */
function storeFiles(ctx: ServiceContext): { path: string; holds: string }[] {
  const files: { path: string; holds: string }[] = [];
  const location = ctx.storeLocation;
  if (location !== undefined && isAbsolute(location)) {
    const holds = "every organization's data";
    files.push({ path: location, holds }, { path: `${location}-wal`, holds }, { path: `${location}-shm`, holds });
  }
  const fromEnv = process.env[MASTER_KEY_ENV];
  if (fromEnv === undefined || fromEnv === "")
    files.push({ path: masterKeyFileFor(location), holds: "the key that opens every stored secret" });
  return files;
}

/** The store's files that users other than their owner can read, each with the chmod that fixes it. */
export function storeFileFindings(ctx: ServiceContext, organization: string): StoreFileFinding[] {
  if (process.platform === "win32") return [];
  const out: StoreFileFinding[] = [];
  for (const { path, holds } of storeFiles(ctx)) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) === 0) continue;
    const who = (mode & 0o007) !== 0 ? "every user of this machine" : "its group";
    const octal = mode.toString(8).padStart(4, "0");
    out.push({
      check: "store.file_permissions",
      organization,
      path,
      mode: octal,
      summary: `${path} (mode ${octal}) holds ${holds} and can be read by ${who}; only clerk's own user should.`,
      fix: [`chmod 600 ${path}`],
    });
  }
  return out;
}
