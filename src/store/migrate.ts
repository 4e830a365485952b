// Applies the migrations on open: recorded in a table, idempotent, and safe from two processes at once.
import { type Kysely, type MigrationProvider, Migrator, sql } from "kysely";
import type { Database } from "./database.js";
import { MIGRATIONS } from "./migrations/index.js";

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema up to date. Kysely holds a lock while it runs (a PostgreSQL advisory lock; on
 * SQLite the BEGIN IMMEDIATE transaction) and re-reads what has run, so a second process waits and
 * then finds nothing to do. Returns how many migrations ran.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<number> {
  if (await isUpToDate(db)) return 0;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "clerk_migrations",
    migrationLockTableName: "clerk_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return results?.filter((r) => r.status === "Success").length ?? 0;
}

/**
 * Whether every migration has run: one read, where the migrator would take its lock (on SQLite, the write lock a
 * running server holds between its transactions) and sort its list, for every CLI command. Applied migrations
 * are never undone, so a store that has them all needs nothing; any doubt (no table yet) goes to the migrator.
 */
async function isUpToDate(db: Kysely<Database>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from clerk_migrations`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return Object.keys(MIGRATIONS).every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/** How many migrations a new store runs. */
export const MIGRATION_COUNT = Object.keys(MIGRATIONS).length;
