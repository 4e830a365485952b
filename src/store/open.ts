// Opens the store named by a flag, CLERK_DATABASE_URL or the default file, and migrates it.
import { join, resolve } from "node:path";
import { type Dialect, Kysely } from "kysely";
import { locateConfigDir } from "../config-dir.js";
import type { Database } from "./database.js";
import { type DialectCapabilities, POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from "./dialect.js";
import type { ChangeFeed } from "./change-feed.js";
import { MIGRATION_COUNT, migrateToLatest } from "./migrate.js";

/** The database file's name in the config directory, when no location is given. */
export const DATABASE_FILE = "clerk.db";

/** How a store's location was chosen. */
export type StoreSource = "flag" | "env" | "config-dir" | "found" | "new";

/**
 * The store to open, and why: `--database`, else `CLERK_DATABASE_URL`, else `clerk.db` in the config directory
 * (`CLERK_CONFIG_DIR`, else the nearest `.clerk/` in the current directory or above, else a new `./.clerk/`).
 */
export function chooseStore(flag?: string): { location: string; source: StoreSource } {
  if (flag !== undefined) return { location: flag, source: "flag" };
  const fromEnv = process.env.CLERK_DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== "") return { location: fromEnv, source: "env" };
  const { dir, source } = locateConfigDir();
  return { location: join(dir, DATABASE_FILE), source: source === "env" ? "config-dir" : source };
}

/** An open store: the Kysely instance, what its engine can do, and how to close it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectCapabilities;
  /** A printable location with any password removed. */
  readonly location: string;
  /**
   * Starts a change probe for one request: a function returning a token that changes whenever the data
   * may have changed (other processes' commits as of the probe's start, this process's writes live).
   * Absent where the engine offers none (PostgreSQL).
   */
  readonly changeProbe?: (() => () => string) | undefined;
  /**
   * Starts hearing other servers' commits (a LISTEN connection of its own); present where the engine can
   * announce commits (`supportsNotify`). A server starts one; one-shot CLI commands need none.
   */
  readonly changeFeed?: ((onError?: (error: unknown) => void) => ChangeFeed) | undefined;
  /** The connection pool's use, where there is a pool (PostgreSQL). */
  readonly poolStats?: (() => { total: number; idle: number; waiting: number; max: number }) | undefined;
  /** Whether opening created it: a new SQLite file, or a PostgreSQL database that had none of clerk's tables. */
  readonly created: boolean;
  close(): Promise<void>;
}

/** Which engine a location names, and how to reach it. */
export type StoreTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/**
 * Reads a location: `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:<path>`, `sqlite::memory:`
 * or a bare file path is SQLite. Anything else that looks like a URL is refused with the accepted forms.
 */
export function parseStoreLocation(location: string): StoreTarget {
  const value = location.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: "postgres", url: value };
  if (/^sqlite:/i.test(value)) {
    const rest = value.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (rest === "")
      throw new Error('The SQLite location "sqlite:" names no file; use sqlite:./path/to/clerk.db or sqlite::memory:.');
    return { kind: "sqlite", path: rest === ":memory:" ? ":memory:" : resolve(rest) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new Error(
      `Unsupported database URL "${redact(value)}": use postgres://user@host:5432/db, sqlite:./clerk.db or a file path.`,
    );
  }
  if (value === "")
    throw new Error("The database location is empty: use a file path, sqlite:./clerk.db or postgres://….");
  return { kind: "sqlite", path: value === ":memory:" ? ":memory:" : resolve(value) };
}

/** Hides the password of a URL for printing. */
export function redact(location: string): string {
  return location.replace(/(\/\/[^:/@]+):[^@/]*@/, "$1:***@");
}

/** Opens and migrates the store at `location` (default: as `chooseStore` decides). */
export async function openStore(location?: string): Promise<Store> {
  const target = parseStoreLocation(chooseStore(location).location);
  // Each engine's driver (and the change feed, which needs pg) is loaded when a store of that kind opens: a CLI
  // command on SQLite never loads pg.
  const sqlite =
    target.kind === "sqlite" ? (await import("./dialects/sqlite.js")).sqliteDialect(target.path) : undefined;
  const postgres =
    target.kind === "postgres" ? (await import("./dialects/postgres.js")).postgresDialect(target.url) : undefined;
  const PostgresChangeFeed =
    target.kind === "postgres" ? (await import("./change-feed.js")).PostgresChangeFeed : undefined;
  const db = new Kysely<Database>({
    dialect: sqlite ? sqlite.dialect : (postgres as { dialect: Dialect }).dialect,
  });
  const dialect = target.kind === "postgres" ? POSTGRES_CAPABILITIES : SQLITE_CAPABILITIES;
  let applied: number;
  try {
    applied = await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    db,
    dialect,
    location: target.kind === "postgres" ? redact(target.url) : target.path,
    changeProbe: sqlite?.changeProbe,
    changeFeed:
      target.kind === "postgres" && dialect.supportsNotify && PostgresChangeFeed
        ? (onError) => new PostgresChangeFeed(target.url, onError)
        : undefined,
    poolStats: postgres
      ? () => ({
          total: postgres.pool.totalCount,
          idle: postgres.pool.idleCount,
          waiting: postgres.pool.waitingCount,
          max: postgres.pool.options.max ?? 10,
        })
      : undefined,
    created: sqlite ? sqlite.created : applied === MIGRATION_COUNT,
    close: () => db.destroy(),
  };
}
