// The store's public face: open a store, its types and capability flags.
export type { Database } from "./database.js";
export type { DialectCapabilities } from "./dialect.js";
export { DEFAULT_DATABASE, openStore, parseStoreLocation, redact, type Store, type StoreTarget } from "./open.js";
