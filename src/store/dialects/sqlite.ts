// The embedded engine: better-sqlite3 under Kysely, tuned for durability (WAL, synchronous=FULL) and one writer.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";

/**
 * Kysely's SQLite driver opens transactions with a deferred BEGIN; a read that later upgrades to a write
 * then fails with SQLITE_BUSY when another process (the CLI beside a server) holds the lock, and
 * busy_timeout does not help. BEGIN IMMEDIATE takes the write lock up front, so it waits instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/**
 * Kysely's SQLite adapter says SQLite lacks transactional DDL, so its migrator runs each migration bare,
 * and two processes opening a new file both apply it ("table already exists"). SQLite does have
 * transactional DDL: with it, the migrator reads its state and migrates inside one BEGIN IMMEDIATE
 * transaction, and a second process waits, then finds nothing to do.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every statement anew; preparing costs more than running most of our queries. Statements
 * are reusable, so keep the most recent ones by SQL text (bounded: SQL with IN lists varies by length).
 */
function cacheStatements(database: BetterSqlite3.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, BetterSqlite3.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof database.prepare;
}

/**
 * Change tokens: `data_version` moves when another connection (another process) commits, and
 * `total_changes()` when this one writes. The first costs a few microseconds (it takes a shared lock),
 * the second almost nothing; so a request reads the first once and the second every time it asks.
 * The returned function starts one such request-long probe.
 *
 * Requests that start in the same turn of the event loop share one `data_version` read: they arrived
 * together, so a commit by another process is no more "before" one of them than another.
 */
function changeProbeOf(database: BetterSqlite3.Database): () => () => string {
  const version = database.prepare("pragma data_version").pluck();
  const changes = database.prepare("select total_changes()").pluck();
  let shared: number | undefined;
  const forget = () => {
    shared = undefined;
  };
  return () => {
    if (shared === undefined) {
      shared = version.get() as number;
      setImmediate(forget);
    }
    const others = shared;
    return () => `${others}:${changes.get() as number}`;
  };
}

/**
 * Creates the database file when missing, readable by its owner only: the directory 0700 (when clerk makes it),
 * the file 0600. SQLite gives its `-wal` and `-shm` files the database file's mode, so all three stay private
 * whatever the umask. An existing file keeps its mode (`clerk health` warns when others can read it).
 * Returns whether this call created the file.
 */
function createPrivately(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, "", { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  // A filesystem that ignored the mode gets it set explicitly.
  chmodSync(path, 0o600);
  return true;
}

/**
 * Opens (creating when missing) the SQLite file at `path` and returns the Kysely dialect for it, and whether
 * the file was new.
 */
export function sqliteDialect(path: string): {
  dialect: SqliteDialect;
  changeProbe: () => () => string;
  created: boolean;
} {
  const created = path !== ":memory:" && createPrivately(path);
  const database = new BetterSqlite3(path);
  cacheStatements(database);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  return { dialect: new ImmediateSqliteDialect({ database }), changeProbe: changeProbeOf(database), created };
}
