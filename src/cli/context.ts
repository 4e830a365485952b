// Builds the service context for one CLI invocation: the store, the actor (--as), the default organization.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { userInfo } from "node:os";
import { type Clock, systemClock } from "../clock.js";
import { configDir } from "../config-dir.js";
import { ClerkError } from "../errors.js";
import { type Actor, type ServiceContext, SYSTEM_ACTOR } from "../context.js";
import { contextFor } from "../context-builder.js";
import { flushUsage } from "../features/access/index.js";
import { ensureInstance } from "../features/roles/index.js";
import { noOrganization } from "../features/orgs/index.js";
import { resolveUser } from "../features/users/index.js";
import { DATABASE_FILE, type Store, type StoreSource, chooseStore, openStore } from "../store/index.js";
import { type Api, localApi, remoteApi } from "./api.js";

/** Global options every command accepts. */
export interface GlobalOptions {
  database?: string;
  format?: string;
  as?: string;
}

/** What the CLI remembers for one store: the organization chosen with `clerk org use`. */
interface CliState {
  organization?: string;
}

/**
 * `context.json`: the state of each store by its location (a file path, a PostgreSQL URL without password, or
 * a server's URL), since an organization id means nothing in another store. A top-level `organization` is the
 * older, shared form: it belonged to the default store of its directory.
 */
interface StateFile {
  stores?: Record<string, CliState>;
  organization?: string;
}

/** The store this invocation's commands run against, set when its session opens. */
let sessionStore: string | undefined;

function statePath(): string {
  return join(configDir(), "context.json");
}

function readStateFile(): StateFile {
  const path = statePath();
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as StateFile;
  } catch {
    return {};
  }
}

/** The older, shared state applies to the store that was then the default: clerk.db beside the file. */
const isLegacyDefault = (store: string) => store === join(configDir(), DATABASE_FILE);

/** What the CLI remembers for the store of this invocation (nothing before a session opens). */
export function readState(): CliState {
  if (sessionStore === undefined) return {};
  const file = readStateFile();
  const own = file.stores?.[sessionStore];
  if (own) return own;
  return file.organization !== undefined && isLegacyDefault(sessionStore) ? { organization: file.organization } : {};
}

/** Saves the state of this invocation's store atomically (write then rename), so a crash never leaves half a file. */
export function writeState(state: CliState): void {
  if (sessionStore === undefined) throw new TypeError("writeState before a session is open");
  const file = readStateFile();
  const next: StateFile = { ...file, stores: { ...file.stores, [sessionStore]: state } };
  if (isLegacyDefault(sessionStore)) delete next.organization;
  const path = statePath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The --organization given, else the one chosen with `clerk org use`, else an error saying how to give one. */
export function organizationOrDefault(given: string | undefined): string {
  const chosen = given ?? readState().organization;
  if (!chosen) throw noOrganization();
  return chosen;
}

/** What a command runs against: the API, in this process or on a server, and how to let go of it. */
export interface CliSession {
  api: Api;
  close(): Promise<void>;
}

const operator = (): Actor => ({ type: "operator", id: null, label: `operator:${safeUserName()}` });

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "local";
  }
}

/**
 * The wall clock, or a fixed instant from CLERK_CLOCK (an ISO time) for reproducible demos and tests:
 * the seed walkthrough's dates, such as --expires 2026-06-30, only lie in the future before mid-2026.
 */
export function cliClock(): Clock {
  const fixed = process.env.CLERK_CLOCK;
  if (!fixed) return systemClock;
  const at = Date.parse(fixed);
  if (!Number.isFinite(at))
    throw new ClerkError("input.invalid", `CLERK_CLOCK="${fixed}" is not an ISO time such as 2026-01-15T09:00:00Z.`);
  return { now: () => at };
}

/** The server to talk to, when CLERK_API_URL is set: then every command goes over HTTP. */
export function remoteTarget(options: GlobalOptions): { url: string; secretKey: string } | undefined {
  const url = process.env.CLERK_API_URL?.trim();
  if (!url) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw new ClerkError(
      "remote.misconfigured",
      `CLERK_API_URL="${url}" is not an http(s) URL such as http://127.0.0.1:3000.`,
    );
  const secretKey = process.env.CLERK_SECRET_KEY?.trim();
  if (!secretKey)
    throw new ClerkError(
      "remote.misconfigured",
      "CLERK_API_URL is set but CLERK_SECRET_KEY is not; set it to a key from `clerk keys create` on the server.",
    );
  if (options.database !== undefined) {
    throw new ClerkError(
      "remote.misconfigured",
      `--database has no effect with CLERK_API_URL set (the server at ${url} chooses its store); drop one of them.`,
      { param: "database" },
    );
  }
  return { url, secretKey };
}

/** Opens the API: a server's when CLERK_API_URL is set, else the local store's, as the operator or --as. */
export async function openSession(options: GlobalOptions): Promise<CliSession> {
  const remote = remoteTarget(options);
  if (remote) {
    sessionStore = remote.url.replace(/\/+$/, "");
    return { api: remoteApi({ ...remote, actAs: options.as }), close: async () => undefined };
  }
  const { store, ctx } = await openLocal(options);
  sessionStore = store.location;
  return {
    api: localApi(ctx),
    close: async () => {
      // Checks count usage in memory; a CLI process is short-lived, so flush before closing.
      await flushUsage(ctx).catch(() => undefined);
      await store.close();
    },
  };
}

const WHY: Record<StoreSource, (dir: string) => string> = {
  flag: () => "named by --database",
  env: () => "named by CLERK_DATABASE_URL",
  "config-dir": () => "in CLERK_CONFIG_DIR",
  found: () => "in the nearest .clerk/ directory, which held no store yet",
  new: (dir) => `no .clerk/ directory in ${dir} or above, so one was made here`,
};

/**
 * Opens the store chosen by `chooseStore` (--database, CLERK_DATABASE_URL, the nearest .clerk/, a new ./.clerk/)
 * and says so on stderr when that created it: an empty answer from a store made by mistake must not pass as
 * the real one's.
 */
export async function openChosenStore(database: string | undefined): Promise<Store> {
  const { location, source } = chooseStore(database);
  const store = await openStore(location);
  if (store.created)
    process.stderr.write(
      `clerk: created a new, empty store at ${store.location} (${WHY[source](process.cwd())}). For an existing store, run clerk in its directory or name it with --database or CLERK_DATABASE_URL.\n`,
    );
  return store;
}

/** Opens the store, prepares the instance, and resolves the actor. */
export async function openLocal(options: GlobalOptions): Promise<{ store: Store; ctx: ServiceContext }> {
  const clock = cliClock();
  const store = await openChosenStore(options.database);
  try {
    const base = contextFor(store, { clock, actor: operator() });
    await ensureInstance({ ...base, actor: SYSTEM_ACTOR });
    if (options.as === undefined) return { store, ctx: base };
    const user = await resolveUser(base, options.as);
    const { id, label } = base.actor;
    return {
      store,
      ctx: { ...base, actor: { type: "user", id: user.id, label: user.email, via: { type: "operator", id, label } } },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
