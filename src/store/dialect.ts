// What the two storage engines can do differently; features branch on these flags, never on the engine's name.

/** Capability flags of the open store (Kysely's DialectAdapter style). */
export interface DialectCapabilities {
  readonly name: "sqlite" | "postgres";
  /** `SELECT … FOR UPDATE` row locks; SQLite serialises writers with BEGIN IMMEDIATE instead. */
  readonly supportsForUpdate: boolean;
  /** `FOR UPDATE SKIP LOCKED`, for job and outbox claims shared by several processes. */
  readonly supportsSkipLocked: boolean;
  /** Several processes may write at once (so in-memory caches must watch versions in the store). */
  readonly multiWriter: boolean;
  /** Transaction-scoped advisory locks (pg_advisory_xact_lock), for work with no row to lock yet. */
  readonly supportsAdvisoryLocks: boolean;
  /** LISTEN/NOTIFY: a commit can announce itself to every other server on the same database. */
  readonly supportsNotify: boolean;
}

export const SQLITE_CAPABILITIES: DialectCapabilities = Object.freeze({
  name: "sqlite",
  supportsForUpdate: false,
  supportsSkipLocked: false,
  multiWriter: false,
  supportsAdvisoryLocks: false,
  supportsNotify: false,
});

export const POSTGRES_CAPABILITIES: DialectCapabilities = Object.freeze({
  name: "postgres",
  supportsForUpdate: true,
  supportsSkipLocked: true,
  multiWriter: true,
  supportsAdvisoryLocks: true,
  supportsNotify: true,
});
