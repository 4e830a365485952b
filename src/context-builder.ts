// The one place a service context is built: for HTTP requests, CLI commands, the server's background work and tests.
import type { Clock } from "./clock.js";
import {
  type Actor,
  type Runtime,
  type ServiceContext,
  SYSTEM_ACTOR,
  type TxtResolver,
  createRuntime,
} from "./context.js";
import { installPrivateMetadataRule } from "./features/access/index.js";
import { installWebhookEvents } from "./features/webhooks/index.js";
import { assertOneMasterKeyFile } from "./secrets.js";
import type { Store } from "./store/index.js";

/** What a context needs besides its store. */
export interface ContextOptions {
  readonly clock: Clock;
  /** Who acts (default: clerk itself). */
  readonly actor?: Actor | undefined;
  /** The process's caches, when another part (the HTTP app) shares them (default: a fresh runtime). */
  readonly runtime?: Runtime | undefined;
  /** DNS TXT lookups for domain verification (default: node:dns/promises; tests pass their own). */
  readonly resolveTxt?: TxtResolver | undefined;
}

/**
 * A service context on `store`. The store's location is set here, once, so everything derived from it agrees
 * (the master key file beside a SQLite database, `clerk status`); a store with two master key files is
 * refused here, before any work starts, rather than when the first secret fails to open.
 */
export function contextFor(store: Store, options: ContextOptions): ServiceContext {
  assertOneMasterKeyFile(store.location);
  // Every change's audit event may become a webhook event, in its transaction: wired before any work starts.
  installWebhookEvents();
  // Private metadata is the backend's, on every transport: installed before any operation answers.
  installPrivateMetadataRule();
  return {
    db: store.db,
    dialect: store.dialect,
    clock: options.clock,
    actor: options.actor ?? SYSTEM_ACTOR,
    runtime: options.runtime ?? createRuntime(),
    storeLocation: store.location,
    ...(options.resolveTxt ? { resolveTxt: options.resolveTxt } : {}),
  };
}
