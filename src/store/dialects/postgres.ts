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

/** A Kysely dialect over a pg pool for `url`. */
export function postgresDialect(url: string, maxConnections = 10): PostgresDialect {
  return new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: maxConnections, types }) });
}
