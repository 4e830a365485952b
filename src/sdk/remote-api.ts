// The server calls the SDK makes: a member's effective permissions (for overflowed tokens), and POST /v1/check or,
// for checks asked together, POST /v1/check/batch.
import type { Clock } from "../clock.js";
import type { MemberPermission, RemoteDecision, RemoteQuery } from "./auth-object.js";
import type { SessionTokenPayload } from "./verify-token.js";

/** Where the clerk API is and the instance secret key that may read it. */
export interface RemoteApiOptions {
  /** e.g. `http://127.0.0.1:3000` (no `/v1`). */
  apiUrl: string;
  secretKey: string;
  fetch?: typeof fetch;
  /** Give up on one call after this long. Default 5 seconds. */
  timeoutMs?: number;
}

/**
 * A call to the clerk API failed: the network, or a non-2xx answer (`status`), or an answer of the wrong shape.
 * @example
 * try { await checkRemote(api, query); } catch (error) { if (error instanceof RemoteApiError && error.status === 401) rotateKey(); }
 */
export class RemoteApiError extends Error {
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;

  constructor(message: string, status: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.status = status;
  }
}

async function call(
  options: RemoteApiOptions,
  path: string,
  init: { method: string; body?: unknown },
): Promise<unknown> {
  const url = `${options.apiUrl.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: init.method,
      headers: {
        authorization: `Bearer ${options.secretKey}`,
        accept: "application/json",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (cause) {
    throw new RemoteApiError(`${init.method} ${url} failed: ${(cause as Error).message}.`, null, { cause });
  }
  if (!response.ok) throw new RemoteApiError(`${init.method} ${url} answered ${response.status}.`, response.status);
  try {
    return await response.json();
  } catch (cause) {
    throw new RemoteApiError(`${init.method} ${url} did not answer JSON.`, response.status, { cause });
  }
}

const isPermissionRow = (row: unknown): row is MemberPermission => {
  const r = row as MemberPermission | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.permission === "string" &&
    Array.isArray(r.scopes) &&
    r.scopes.every((s) => typeof s === "string") &&
    (r.expires_at === null || r.expires_at === undefined || typeof r.expires_at === "number")
  );
};

/**
 * A member's effective permissions in an organization, from `GET /v1/organizations/{org}/memberships/{user}/permissions`.
 * @throws RemoteApiError when the call fails or the answer is not `{ data: [...] }` of permission rows.
 * @example
 * const rows = await fetchMemberPermissions({ apiUrl, secretKey }, "org_123", "user_456");
 */
export async function fetchMemberPermissions(
  options: RemoteApiOptions,
  organizationId: string,
  userId: string,
): Promise<MemberPermission[]> {
  const path = `/v1/organizations/${encodeURIComponent(organizationId)}/memberships/${encodeURIComponent(userId)}/permissions`;
  const body = (await call(options, path, { method: "GET" })) as { data?: unknown } | null;
  const data = body?.data;
  if (!Array.isArray(data) || !data.every(isPermissionRow))
    throw new RemoteApiError(`GET ${path} did not answer { data: [permission rows] }.`, 200);
  return data.map((r) => ({
    permission: r.permission,
    scopes: r.scopes,
    expires_at: r.expires_at ?? null,
    sources: r.sources,
  }));
}

/**
 * Asks the server whether a member may do something (on a resource): `POST /v1/check`. Use it for what a token
 * cannot answer, e.g. `org:sys_*` permissions; `auth.checkRemote()` fills in the organization and user.
 * @throws RemoteApiError when the call fails or the answer has no boolean `allowed`.
 * @example
 * const { allowed, reason } = await checkRemote({ apiUrl, secretKey }, { organizationId, userId, permission: "org:code:write", resource: "path:docs/a.md" });
 * // Right after a change made elsewhere: pass the token its response carried.
 * const fresh = await checkRemote({ apiUrl, secretKey }, { organizationId, userId, permission: "org:code:write", atLeast: res.headers.get("clerk-consistency-token") ?? undefined });
 */
export async function checkRemote(options: RemoteApiOptions, query: RemoteQuery): Promise<RemoteDecision> {
  const body = (await call(options, "/v1/check", {
    method: "POST",
    body: checkBodyOf(query),
  })) as { allowed?: unknown; reason?: unknown } | null;
  if (typeof body?.allowed !== "boolean")
    throw new RemoteApiError("POST /v1/check did not answer { allowed, reason }.", 200);
  return { allowed: body.allowed, reason: typeof body.reason === "string" ? body.reason : "" };
}

const checkBodyOf = (query: RemoteQuery) => ({
  organization_id: query.organizationId,
  user_id: query.userId,
  permission: query.permission,
  ...(query.resource === undefined ? {} : { resource: query.resource }),
  ...(query.atLeast === undefined ? {} : { at_least: query.atLeast }),
});

/** The most checks one `POST /v1/check/batch` carries (the server's limit). */
export const MAX_BATCH = 100;

type BatchResult =
  | { correlation_id?: unknown; object: "check"; allowed?: unknown; reason?: unknown }
  | { correlation_id?: unknown; object: "error"; error?: { code?: unknown; message?: unknown } };

/**
 * Asks several checks in one request, `POST /v1/check/batch` (at most {@link MAX_BATCH}): one decision per query, in
 * order; a query the server refused on its own (an unknown member, a bad resource) is a RemoteApiError in its place.
 * @throws RemoteApiError when the call fails or the answer does not hold one result per query.
 * @example
 * const [read, write] = await checkRemoteBatch(api, [{ organizationId, userId, permission: "org:code:read" }, { organizationId, userId, permission: "org:code:write" }]);
 */
export async function checkRemoteBatch(
  options: RemoteApiOptions,
  queries: readonly RemoteQuery[],
): Promise<(RemoteDecision | RemoteApiError)[]> {
  const body = (await call(options, "/v1/check/batch", {
    method: "POST",
    body: { checks: queries.map((q, i) => ({ correlation_id: String(i), ...checkBodyOf(q) })) },
  })) as { results?: BatchResult[] } | null;
  const results = body?.results;
  if (!Array.isArray(results) || results.length !== queries.length)
    throw new RemoteApiError(`POST /v1/check/batch did not answer ${queries.length} results.`, 200);
  const byId = new Map(results.map((r) => [r?.correlation_id, r]));
  return queries.map((_, i) => {
    const r = byId.get(String(i));
    if (r?.object === "check" && typeof r.allowed === "boolean")
      return { allowed: r.allowed, reason: typeof r.reason === "string" ? r.reason : "" };
    if (r?.object === "error")
      return new RemoteApiError(`POST /v1/check/batch refused check ${i}: ${String(r.error?.message)}`, 200);
    return new RemoteApiError(`POST /v1/check/batch answered no result for check ${i}.`, 200);
  });
}

/** Runs `fn` once the current turn of the event loop is done (also where setImmediate is missing). */
const later: (fn: () => void) => void =
  typeof setImmediate === "function" ? (fn) => void setImmediate(fn) : (fn) => void setTimeout(fn, 0);

/**
 * A remote check that batches: the checks asked in the same turn of the event loop (one request's
 * `Promise.all`, or several requests being served at once) travel together in one `POST /v1/check/batch`;
 * a check asked alone is a plain `POST /v1/check`.
 * @example
 * const check = createRemoteChecker({ apiUrl, secretKey });
 * const [a, b] = await Promise.all([check(q1), check(q2)]); // one request
 */
export function createRemoteChecker(options: RemoteApiOptions): (query: RemoteQuery) => Promise<RemoteDecision> {
  let queue: { query: RemoteQuery; resolve: (d: RemoteDecision) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    const asked = queue;
    queue = [];
    for (let start = 0; start < asked.length; start += MAX_BATCH) {
      const part = asked.slice(start, start + MAX_BATCH);
      if (part.length === 1) {
        const [one] = part as [(typeof part)[number]];
        checkRemote(options, one.query).then(one.resolve, one.reject);
        continue;
      }
      checkRemoteBatch(
        options,
        part.map((p) => p.query),
      ).then(
        (answers) =>
          answers.forEach((answer, i) =>
            answer instanceof RemoteApiError ? part[i]?.reject(answer) : part[i]?.resolve(answer),
          ),
        (error: unknown) => part.forEach((p) => p.reject(error)),
      );
    }
  };
  return (query) =>
    new Promise<RemoteDecision>((resolve, reject) => {
      if (queue.length === 0) later(flush);
      queue.push({ query, resolve, reject });
    });
}

/** Fetched permissions, one entry per token, kept until the token expires. */
export interface PermissionCache {
  /** The permissions of the token's member in its organization; one fetch per token, shared by concurrent requests. */
  get(payload: SessionTokenPayload, organizationId: string): Promise<MemberPermission[]>;
}

/**
 * Caches {@link fetchMemberPermissions} per token until the token's `exp`, so an overflowed token costs one
 * API call however many requests carry it. Failures are not cached.
 * @example
 * const cache = createPermissionCache({ apiUrl, secretKey }, systemClock);
 * const rows = await cache.get(payload, org.orgId);
 */
export function createPermissionCache(options: RemoteApiOptions, clock: Clock, maxEntries = 10_000): PermissionCache {
  const entries = new Map<string, { until: number; rows: Promise<MemberPermission[]> }>();
  const sweep = (now: number) => {
    for (const [key, entry] of entries) if (entry.until <= now) entries.delete(key);
    // Still full: drop the oldest (insertion order) so memory stays bounded.
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  };
  return {
    get(payload, organizationId) {
      const key = `${payload.jti ?? ""}|${payload.sid ?? ""}|${payload.sub}|${organizationId}|${payload.iat ?? ""}|${payload.exp}`;
      const now = clock.now();
      const hit = entries.get(key);
      if (hit !== undefined && hit.until > now) return hit.rows;
      if (entries.size >= maxEntries) sweep(now);
      const rows = fetchMemberPermissions(options, organizationId, payload.sub);
      entries.set(key, { until: payload.exp * 1000, rows });
      rows.catch(() => entries.delete(key));
      return rows;
    },
  };
}
