// Session tokens: short-lived JWTs carrying the active organization's roles and permissions, signed per request.
import { randomBytes, sign } from "node:crypto";
import { sql } from "kysely";
import { type ServiceContext, inTransaction } from "../../context.js";
import { type CompiledPolicy, effectivePermissions, formatScope } from "../../engine/index.js";
import { isId } from "../../ids.js";
import { type ClaimsVersion, type OrgAuthorization, encodeOrgClaims } from "../../sdk/claims.js";
import { assertAllowedNow, compiledPolicy } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { resolveOrg } from "../orgs/index.js";
import { resolveUser } from "../users/index.js";
import { notAMember, sessionNotActive, sessionNotFound } from "./session.errors.js";
import type { SessionsTable } from "./session.table.js";
import { markSignedUntil, signingStateFor } from "./signing-key.service.js";
import type { LoadedKey } from "./signing.cache.js";

/** What a token request may say besides the session. */
export interface TokenRequest {
  sessionId: string;
  /** Id, slug or name of an organization to make active; null for none (the personal account); absent keeps the session's. */
  organization?: string | null | undefined;
  expiresInSeconds?: number | undefined;
  /** The `azp` claim: the origin of the app the token is for. */
  authorizedParty?: string | undefined;
}

/** A minted token and what went into it. */
export interface IssuedToken {
  jwt: string;
  kid: string;
  /** True when the permissions were left out to fit the size budget (`cx.ovf`). */
  overflow: boolean;
}

/** The session, and what the store says signs now: the current key's kid and end (if announced), the settings' version. */
type SessionRow = Pick<
  SessionsTable,
  "user_id" | "status" | "expire_at" | "last_active_organization_id" | "updated_at"
> & {
  current_kid: string | null;
  current_until: number | null;
  settings_version: number | null;
};

/** The member's standing in the organization as it will be at `atMs`, and until when that holds (the next grant expiry). */
function computeAuthorization(
  policy: CompiledPolicy,
  userId: string,
  atMs: number,
): { org: OrgAuthorization; until: number } | undefined {
  const mi = policy.members.ids.get(userId);
  const member = mi === undefined ? undefined : policy.members.members[mi];
  if (!member) return undefined;
  const roles = member.roleIds
    .map((id) => policy.roles[policy.roleIds.get(id) ?? -1]?.key)
    .filter((k): k is string => k !== undefined);
  const unscoped = new Set<string>();
  const scoped = new Map<string, Set<string>>();
  let until = Infinity;
  for (const row of effectivePermissions(policy, userId, atMs)) {
    if (row.permission.startsWith("org:sys_")) continue;
    if (row.expiresAt !== null) until = Math.min(until, row.expiresAt);
    // `admin` implies every action on its feature; Clerk's has() only knows listed keys, so list the ones this organization uses.
    const [, feature, action] = row.permission.split(":");
    const keys = [row.permission];
    if (action === "admin")
      for (const pid of policy.featurePids.get(feature ?? "") ?? []) keys.push(policy.registry.keys[pid] as string);
    for (const key of keys) {
      if (row.scopes.length === 0) unscoped.add(key);
      else {
        const set = scoped.get(key) ?? new Set<string>();
        for (const s of row.scopes) set.add(formatScope(s));
        scoped.set(key, set);
      }
    }
  }
  const scopedOnly: Record<string, string[]> = {};
  for (const [key, set] of scoped) if (!unscoped.has(key)) scopedOnly[key] = [...set].sort();
  return {
    org: {
      id: policy.organizationId,
      slug: policy.label,
      roles,
      permissions: [...unscoped].sort(),
      scoped: scopedOnly,
    },
    until,
  };
}

/** A member's claims, computed once per compiled policy and reused while no grant of theirs expires in between. */
interface ClaimsEntry {
  from: number;
  until: number;
  org: OrgAuthorization;
  /** The encoded organization claims (JSON) by `${version}:${withPermissions}`. */
  json: Map<string, string>;
}

const CLAIMS_CACHE = "sessions.claims";

function cachedClaims(
  ctx: ServiceContext,
  policy: CompiledPolicy,
  userId: string,
  atMs: number,
): ClaimsEntry | undefined {
  let byPolicy = ctx.runtime.caches.get(CLAIMS_CACHE) as WeakMap<CompiledPolicy, Map<string, ClaimsEntry>> | undefined;
  if (!byPolicy) {
    byPolicy = new WeakMap();
    ctx.runtime.caches.set(CLAIMS_CACHE, byPolicy);
  }
  let byUser = byPolicy.get(policy);
  if (!byUser) {
    byUser = new Map();
    byPolicy.set(policy, byUser);
  }
  const hit = byUser.get(userId);
  // Rows left out at `from` (expired by then) stay out later; rows kept stay until the earliest expiry among them.
  if (hit && atMs >= hit.from && atMs < hit.until) return hit;
  const computed = computeAuthorization(policy, userId, atMs);
  if (!computed) return undefined;
  const entry: ClaimsEntry = { from: atMs, until: computed.until, org: computed.org, json: new Map() };
  if (byUser.size > 10_000) byUser.clear();
  byUser.set(userId, entry);
  return entry;
}

function orgClaimsJson(entry: ClaimsEntry | undefined, version: ClaimsVersion, withPermissions: boolean): string {
  if (!entry) return JSON.stringify(encodeOrgClaims(undefined, version));
  const key = `${version}:${withPermissions}`;
  let json = entry.json.get(key);
  if (json === undefined) {
    json = JSON.stringify(encodeOrgClaims(entry.org, version, withPermissions));
    entry.json.set(key, json);
  }
  return json;
}

async function readSession(ctx: ServiceContext, id: string): Promise<SessionRow | undefined> {
  // The one read every token costs, a plain statement (the query builder costs more than the read). It also
  // fetches the current kid and settings version, so a cached key or setting is never used past a change.
  const { rows } = await sql<SessionRow>`
    select user_id, status, expire_at, last_active_organization_id, updated_at,
      (select kid from signing_keys where is_current = 1) as current_kid,
      (select retired_at from signing_keys where is_current = 1) as current_until,
      (select version from token_settings where id = 1) as settings_version
    from sessions where id = ${id}`.execute(ctx.db);
  return rows[0];
}

async function organizationIdOf(ctx: ServiceContext, ref: string): Promise<string> {
  const value = ref.trim();
  // An id goes straight to the policy (whose load finds a missing organization); slugs and names are looked up.
  return isId(value, "org") ? value : (await resolveOrg(ctx, value)).id;
}

/** Persists the organization a token request made active (rare: only when it changes), audited. */
async function activate(
  ctx: ServiceContext,
  sessionId: string,
  userId: string,
  from: string | null,
  to: string | null,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .updateTable("sessions")
      .set({ last_active_organization_id: to, updated_at: tx.clock.now() })
      .where("id", "=", sessionId)
      .execute();
    await recordAudit(tx, {
      organizationId: null,
      action: "session.organization_activated",
      target: { type: "session", id: sessionId, label: userId },
      before: { last_active_organization_id: from },
      after: { last_active_organization_id: to },
    });
  });
}

/** `{...base, ...org}` as base64url JSON, joining the two JSON texts instead of building and encoding one object. */
function encodePayload(baseJson: string, orgJson: string): string {
  const json = orgJson === "{}" ? baseJson : `${baseJson.slice(0, -1)},${orgJson.slice(1)}`;
  return Buffer.from(json, "utf8").toString("base64url");
}

/**
 * Signs on libuv's thread pool for RSA (about a millisecond a signature, which would stall every other
 * request on the event loop, and lets concurrent requests sign on several cores); ES256 and EdDSA sign
 * in a few tens of microseconds, less than the hop to the pool would cost, so they sign in place.
 */
function signToken(key: LoadedKey, input: string): Promise<string> | string {
  const data = Buffer.from(input, "utf8");
  if (key.algorithm !== "RS256") return sign(key.digest, data, key.signingKey).toString("base64url");
  return new Promise((resolve, reject) => {
    sign(key.digest, data, key.signingKey, (error, signature) =>
      error ? reject(error) : resolve(signature.toString("base64url")),
    );
  });
}

/**
 * Mints a session token. Costs one read (the session, with the current kid and settings version) beyond the
 * cached settings, key and policy, and a
 * write only when the active organization changes or the key's signed_until mark must move (once a minute).
 * Not audited per token: tokens live a minute and are minted on every page load, so a row each would bury
 * the audit log and cost a write per request; what a token can say is audited where it changes (sessions,
 * memberships, roles, grants, keys, settings).
 */
export async function issueToken(ctx: ServiceContext, request: TokenRequest): Promise<IssuedToken> {
  assertAllowedNow(ctx, {
    kind: "own_session_or_instance_admin",
    sessionId: request.sessionId,
    what: "mint tokens of another session",
  });
  const session = await readSession(ctx, request.sessionId);
  if (!session) throw sessionNotFound(request.sessionId);
  const { settings, key } = await signingStateFor(ctx, {
    kid: session.current_kid,
    settingsVersion: session.settings_version,
    until: session.current_until,
  });
  const now = ctx.clock.now();
  if (session.status !== "active") throw sessionNotActive(request.sessionId, "revoked", session.updated_at);
  if (session.expire_at <= now) throw sessionNotActive(request.sessionId, "expired", session.expire_at);

  const lifetimeMs = (request.expiresInSeconds ?? settings.tokenLifetimeSeconds) * 1000;
  // A token never outlives its session.
  const expMs = Math.min(now + lifetimeMs, session.expire_at);
  const exp = Math.floor(expMs / 1000);
  const iat = Math.floor(now / 1000);

  const requested =
    request.organization === undefined
      ? undefined
      : request.organization === null || request.organization.trim() === ""
        ? null
        : await organizationIdOf(ctx, request.organization);
  const organizationId = requested === undefined ? session.last_active_organization_id : requested;
  let entry: ClaimsEntry | undefined;
  if (organizationId !== null) {
    entry = cachedClaims(ctx, await compiledPolicy(ctx, organizationId), session.user_id, exp * 1000);
    // A named organization must be the user's; the session's remembered one may have lost them since (then: none).
    if (!entry && requested !== undefined)
      throw notAMember((await resolveUser(ctx, session.user_id)).email, request.organization ?? organizationId);
  }
  if (requested !== undefined && requested !== session.last_active_organization_id) {
    await activate(ctx, request.sessionId, session.user_id, session.last_active_organization_id, requested);
  }

  const baseJson = JSON.stringify({
    ...(request.authorizedParty ? { azp: request.authorizedParty } : {}),
    exp,
    iat,
    iss: settings.issuer,
    jti: randomBytes(10).toString("hex"),
    nbf: iat,
    sid: request.sessionId,
    sub: session.user_id,
  });
  let orgJson = orgClaimsJson(entry, settings.claimsVersion, true);
  let payload = encodePayload(baseJson, orgJson);
  const size = (p: string) => key.header.length + 1 + p.length + 1 + key.signatureLength;
  let overflow = false;
  if (entry && size(payload) > settings.sizeBudget) {
    // Too big for a header: keep the organization and role, drop permissions, and say so (`cx.ovf`).
    orgJson = orgClaimsJson(entry, settings.claimsVersion, false);
    payload = encodePayload(baseJson, orgJson);
    overflow = true;
  }
  await markSignedUntil(ctx, key, exp * 1000);
  const input = `${key.header}.${payload}`;
  return { jwt: `${input}.${await signToken(key, input)}`, kid: key.kid, overflow };
}
