// The context every service takes: the database (or the open transaction), the clock, and who is acting.
import type { Kysely } from "kysely";
import type { Clock } from "./clock.js";
import { ClerkError } from "./errors.js";
import type { Database } from "./store/database.js";
import type { ChangeFeed } from "./store/change-feed.js";
import type { DialectCapabilities } from "./store/dialect.js";

/**
 * Who performs an operation. `operator` is the local CLI user without `--as`, an instance admin;
 * `user` acts as a member and is held to that member's permissions; `system` is clerk's own jobs.
 */
export interface Actor {
  readonly type: "operator" | "user" | "api_key" | "system";
  readonly id: string | null;
  readonly label: string;
  /**
   * A signed-in dashboard admin (`clerk dashboard login`): a user actor who is also an instance admin. The audit
   * log records the user; authorize() lets them do what the operator may.
   */
  readonly admin?: true;
  /**
   * Who acts for this actor when it is impersonated: the instance key that sent `Clerk-Act-As`, or the local
   * operator behind `--as`; or the transport it came through when that is worth recording (`mcp`: a tool call of
   * an MCP client). The actor is held to its own permissions; the audit log records both.
   */
  readonly via?: { readonly type: "operator" | "api_key" | "mcp"; readonly id: string | null; readonly label: string };
  /** The session a session token (Bearer or the dashboard's cookie) speaks for: it may mint its own next tokens. */
  readonly sessionId?: string;
}

/** Per-process state shared by every request: caches that must outlive one call. */
export interface Runtime {
  /** Compiled policies by organization, owned by the access feature. */
  readonly caches: Map<string, unknown>;
  /** Other servers' committed policy changes, heard live (a server on PostgreSQL); absent elsewhere. */
  changeFeed?: ChangeFeed | undefined;
  /** Counters for `GET /metrics` (a server); absent in the CLI. */
  metrics?: RuntimeMetrics | undefined;
  /** Set when a server begins to shut down: /readyz then fails so load balancers stop sending. */
  draining?: boolean | undefined;
}

/** What services count for `GET /metrics`; the HTTP layer implements it with prom-client. */
export interface RuntimeMetrics {
  /** A compiled policy was (re)built from the store. */
  policyCompiled(): void;
  /** An organization's policy versions were read to confirm a cached policy (the per-check query the change feed saves). */
  versionsRead(): void;
  /** A check was decided (POST /v1/check). */
  checked(allowed: boolean): void;
}

/** A policy version a committed write moved: the organization's id (`*`: the instance's) and its new version. */
export interface PolicyChange {
  readonly key: string;
  readonly version: number;
}

/** What a service function needs. `db` is a transaction when the caller already opened one. */
export interface ServiceContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectCapabilities;
  readonly clock: Clock;
  readonly actor: Actor;
  readonly runtime: Runtime;
  readonly requestId?: string | undefined;
  readonly ip?: string | undefined;
  /** The policy versions the open transaction moved, reported once it commits (set by `inTransaction`). */
  readonly pendingChanges?: PolicyChange[] | undefined;
  /** The policy versions this request's committed writes moved: the consistency token it answers with. */
  readonly writes?: PolicyChange[] | undefined;
  /** The store's change token (SQLite), letting hot paths reuse what they read while nothing changed. */
  readonly changeToken?: (() => string) | undefined;
  /** Where the store lives, printable (any password removed), for `clerk status`. */
  readonly storeLocation?: string | undefined;
  /** Looks up a host name's TXT records (domain verification); default node:dns/promises `resolveTxt`. */
  readonly resolveTxt?: TxtResolver | undefined;
}

/** A DNS TXT lookup: each record as its character-strings (node:dns's shape). */
export type TxtResolver = (hostname: string) => Promise<string[][]>;

/** The built-in actor for clerk's own work (jobs, first-run setup). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ type: "system", id: null, label: "system" });

/** A fresh runtime for one process. */
export function createRuntime(): Runtime {
  return { caches: new Map() };
}

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was undone and may simply run again. */
const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Runs `fn` in a transaction, or inside the caller's when there is one, so a service that calls another
 * keeps one atomic unit: the change, its audit event and its policy-version bump commit together. A transaction
 * the store undid for a deadlock or a serialization failure runs once more (nothing of it was kept); a second
 * failure is a 409 `store.conflict`, never a 500.
 */
export async function inTransaction<T>(ctx: ServiceContext, fn: (tx: ServiceContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  for (let attempt = 1; ; attempt++) {
    try {
      const changes: PolicyChange[] = [];
      const result = await ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx, pendingChanges: changes }));
      if (changes.length > 0) policyCommitted(ctx, changes);
      return result;
    } catch (error) {
      if (attempt === 1 && RETRYABLE.has((error as { code?: string }).code ?? "")) continue;
      throw asConflict(error) ?? error;
    }
  }
}

/**
 * Tells this process's caches about policy changes it just committed (other servers hear them through the
 * store's NOTIFY), before the request that made them answers, and records them as the request's writes.
 */
export function policyCommitted(ctx: ServiceContext, changes: readonly PolicyChange[]): void {
  for (const change of changes) {
    ctx.runtime.changeFeed?.announceLocal(change.key);
    ctx.writes?.push(change);
  }
}

/**
 * Services check uniqueness before they write, but two writers can pass the check at once (PostgreSQL,
 * read committed); the constraint then stops the second. That is a conflict to retry, not a crash; so is a
 * deadlock or serialization failure that happened again on the second try.
 */
function asConflict(error: unknown): ClerkError | undefined {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (RETRYABLE.has(e.code ?? ""))
    return new ClerkError(
      "store.conflict",
      "Other changes held the same rows at the same time, twice; nothing was written. Run the command again.",
      { cause: error },
    );
  const unique =
    e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  if (!unique) return undefined;
  const what = e.constraint ?? /UNIQUE constraint failed: (.*)$/.exec(e.message ?? "")?.[1] ?? "a unique value";
  return new ClerkError(
    "store.conflict",
    `Another change wrote the same ${what} at the same time; nothing was written. Run the command again.`,
    { cause: error },
  );
}
