// Backups of a live store: SQLite's online backup API (consistent while servers write), restore with checks.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { chooseStore, parseStoreLocation, redact } from "./open.js";
import { MIGRATION_COUNT } from "./migrate.js";

/** What a backup or a restore did, for printing. */
export interface BackupReport {
  readonly kind: "sqlite" | "postgres";
  /** The SQLite file written, or for PostgreSQL the commands to run (clerk does not run pg_dump itself). */
  readonly file?: string;
  readonly bytes?: number;
  readonly organizations?: number;
  readonly auditEvents?: number;
  readonly commands?: readonly string[];
}

/** Reads a SQLite file as a clerk store: integrity checked, clerk's tables present; else a message saying what is wrong. */
function inspect(path: string): { organizations: number; auditEvents: number; migrations: number } {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`${path} is damaged: SQLite's integrity check says ${String(integrity)}.`);
    const has = (table: string) =>
      db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table) !== undefined;
    if (!has("clerk_migrations") || !has("organizations"))
      throw new Error(`${path} is a SQLite file but not a clerk store (it has no clerk_migrations table).`);
    const count = (sql: string) => Number(db.prepare(sql).pluck().get());
    return {
      organizations: count("select count(*) from organizations"),
      auditEvents: has("audit_events") ? count("select count(*) from audit_events") : 0,
      migrations: count("select count(*) from clerk_migrations"),
    };
  } finally {
    db.close();
  }
}

/**
 * Backs up the store at `location` (as `chooseStore` picks it) to `file`. SQLite: the online backup API copies
 * a consistent snapshot page by page, WAL included, while servers keep writing (a plain copy of a running
 * store's file can miss everything still in its -wal file). PostgreSQL: the pg_dump invocation to run.
 */
export async function backupStore(location: string | undefined, file: string): Promise<BackupReport> {
  const target = parseStoreLocation(chooseStore(location).location);
  if (target.kind === "postgres") {
    const url = redact(target.url);
    return {
      kind: "postgres",
      commands: [
        `pg_dump --format=custom --no-owner --file=${shellQuote(file)} ${shellQuote(url)}`,
        `pg_restore --clean --if-exists --no-owner --dbname=${shellQuote(url)} ${shellQuote(file)}`,
      ],
    };
  }
  if (target.path === ":memory:") throw new Error("An in-memory store has nothing to back up.");
  if (!existsSync(target.path)) throw new Error(`No store at ${target.path}; name it with --database.`);
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file (a backup never overwrites).`);
  const source = new BetterSqlite3(target.path, { fileMustExist: true });
  const partial = `${file}.partial`;
  try {
    source.pragma("busy_timeout = 5000");
    await source.backup(partial);
  } finally {
    source.close();
  }
  // The copy holds everything the store does (hashed keys, sealed secrets, the audit log): its owner's only.
  chmodSync(partial, 0o600);
  const { organizations, auditEvents } = inspect(partial);
  renameSync(partial, file);
  return { kind: "sqlite", file, bytes: statSync(file).size, organizations, auditEvents };
}

/**
 * Restores a SQLite backup into the store at `location`: checked first (integrity, a clerk store, not from a
 * newer clerk), then copied with the backup API into a new file that replaces the store (and its -wal and -shm
 * files) in one rename. An existing store is replaced only with `force`; servers using it must be stopped.
 */
export async function restoreStore(
  location: string | undefined,
  file: string,
  force: boolean,
  masterKey?: { from: string; to: string },
): Promise<BackupReport> {
  const target = parseStoreLocation(chooseStore(location).location);
  if (target.kind === "postgres")
    return {
      kind: "postgres",
      commands: [
        `pg_restore --clean --if-exists --no-owner --dbname=${shellQuote(redact(target.url))} ${shellQuote(file)}`,
      ],
    };
  if (target.path === ":memory:") throw new Error("Restore into a file, not an in-memory store.");
  const found = inspect(file);
  if (found.migrations > MIGRATION_COUNT)
    throw new Error(
      `${file} was written by a newer clerk (${found.migrations} migrations; this one knows ${MIGRATION_COUNT}); restore it with that version.`,
    );
  if (masterKey !== undefined && !existsSync(masterKey.from))
    throw new Error(`No master key file at ${masterKey.from}.`);
  if (existsSync(target.path) && !force)
    throw new Error(
      `${target.path} exists; stop every server using it and run again with --force to replace it (keep a backup of it first).`,
    );
  mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
  const staged = `${target.path}.restoring`;
  rmSync(staged, { force: true });
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(staged);
  } finally {
    source.close();
  }
  chmodSync(staged, 0o600);
  if (masterKey !== undefined && resolve(masterKey.from) !== resolve(masterKey.to)) {
    if (
      existsSync(masterKey.to) &&
      readFileSync(masterKey.to, "utf8") !== readFileSync(masterKey.from, "utf8") &&
      !force
    )
      throw new Error(`${masterKey.to} holds another master key; run again with --force to replace it.`);
    copyFileSync(masterKey.from, masterKey.to);
    chmodSync(masterKey.to, 0o600);
  }
  for (const suffix of ["-wal", "-shm"]) rmSync(`${target.path}${suffix}`, { force: true });
  renameSync(staged, target.path);
  return {
    kind: "sqlite",
    file: target.path,
    bytes: statSync(target.path).size,
    organizations: found.organizations,
    auditEvents: found.auditEvents,
  };
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
