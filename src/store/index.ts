// The store's public face: open a store, its types and capability flags.
export type { Database } from "./database.js";
export type { DialectCapabilities } from "./dialect.js";
export { type ChangeFeed, POLICY_CHANNEL, PostgresChangeFeed } from "./change-feed.js";
export {
  DATABASE_FILE,
  chooseStore,
  openStore,
  parseStoreLocation,
  redact,
  type Store,
  type StoreSource,
  type StoreTarget,
} from "./open.js";
