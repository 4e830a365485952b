// The two server calls the SDK makes: a member's effective permissions (for overflowed tokens) and POST /v1/check.
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
    body: {
      organization_id: query.organizationId,
      user_id: query.userId,
      permission: query.permission,
      ...(query.resource === undefined ? {} : { resource: query.resource }),
      ...(query.atLeast === undefined ? {} : { at_least: query.atLeast }),
    },
  })) as { allowed?: unknown; reason?: unknown } | null;
  if (typeof body?.allowed !== "boolean")
    throw new RemoteApiError("POST /v1/check did not answer { allowed, reason }.", 200);
  return { allowed: body.allowed, reason: typeof body.reason === "string" ? body.reason : "" };
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
