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
import { type Store, openStore } from "../store/index.js";
import { type Api, localApi, remoteApi } from "./api.js";

/** Global options every command accepts. */
export interface GlobalOptions {
  database?: string;
  format?: string;
  as?: string;
}

interface CliState {
  organization?: string;
}

function statePath(): string {
  return join(configDir(), "context.json");
}

export function readState(): CliState {
  const path = statePath();
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as CliState;
  } catch {
    return {};
  }
}

/** Saves the state atomically (write then rename), so a crash never leaves half a file. */
export function writeState(state: CliState): void {
  const path = statePath();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
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
  if (remote) return { api: remoteApi({ ...remote, actAs: options.as }), close: async () => undefined };
  const { store, ctx } = await openLocal(options);
  return {
    api: localApi(ctx),
    close: async () => {
      // Checks count usage in memory; a CLI process is short-lived, so flush before closing.
      await flushUsage(ctx).catch(() => undefined);
      await store.close();
    },
  };
}

/** Opens the store, prepares the instance, and resolves the actor. */
export async function openLocal(options: GlobalOptions): Promise<{ store: Store; ctx: ServiceContext }> {
  const clock = cliClock();
  const store = await openStore(options.database);
  try {
    const base = contextFor(store, { clock, actor: operator() });
    await ensureInstance({ ...base, actor: SYSTEM_ACTOR });
    if (options.as === undefined) return { store, ctx: base };
    const user = await resolveUser(base, options.as);
    return { store, ctx: { ...base, actor: { type: "user", id: user.id, label: user.email } } };
  } catch (error) {
    await store.close();
    throw error;
  }
}
