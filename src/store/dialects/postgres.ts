// The scale-out engine: node-postgres under Kysely, with 64-bit integers read back as numbers.
import pg from "pg";
import { PostgresDialect } from "kysely";

const INT8_OID = 20;

/**
 * Our bigint columns hold Unix milliseconds and counters, all far below 2^53, so they are parsed as
 * numbers; node-postgres would hand them back as strings. Set per pool, not on pg's global registry.
 */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A Kysely dialect over a pg pool for `url`, and the pool (its counts feed the metrics). */
export function postgresDialect(url: string, maxConnections = 10): { dialect: PostgresDialect; pool: pg.Pool } {
  // Named per process, so pg_stat_activity tells which server holds a connection (or a lock).
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    types,
    application_name: `clerk:${process.pid}`,
  });
  return { dialect: new PostgresDialect({ pool }), pool };
}
