// Where clerk keeps its small local files (the CLI's `org use` state, the master key without a database file).
import { resolve } from "node:path";

/** `CLERK_CONFIG_DIR`, else ./.clerk beside the default database. */
export function configDir(): string {
  return resolve(process.env.CLERK_CONFIG_DIR ?? ".clerk");
}
