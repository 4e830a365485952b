// The session cookie as a credential: its token is verified against this instance's own signing keys, and its
// session must still be active (a revoked or expired session stops counting at once, whatever the token says).
import type { JsonWebKey } from "node:crypto";
import { type Actor, type ServiceContext, SYSTEM_ACTOR } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { type TokenVerifier, createVerifier } from "../../sdk/verify-token.js";
import { issueToken, publishedKeys } from "../sessions/index.js";
import { resolveUser } from "../users/index.js";
import { isDashboardAdmin } from "./dashboard-admin.service.js";

const VERIFIERS = "dashboard.cookie-verifiers";

const refused = (why: string) =>
  new ClerkError("auth.unauthenticated", `The session cookie is not valid (${why}); sign in again at /sign-in.`);

function headerKid(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as {
      kid?: unknown;
    };
    return typeof header.kid === "string" ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

async function verifierFor(ctx: ServiceContext, kid: string): Promise<TokenVerifier | undefined> {
  let cache = ctx.runtime.caches.get(VERIFIERS) as Map<string, TokenVerifier> | undefined;
  if (!cache) {
    cache = new Map();
    ctx.runtime.caches.set(VERIFIERS, cache);
  }
  const hit = cache.get(kid);
  if (hit) return hit;
  const jwk = (await publishedKeys(ctx)).find((k) => (k as { kid?: string }).kid === kid);
  if (!jwk) return undefined;
  const verifier = createVerifier({ jwtKey: jwk as JsonWebKey, clock: ctx.clock });
  cache.set(kid, verifier);
  return verifier;
}

/**
 * How long a cookie's token lasts: an hour, renewed on use once half of it is gone. Longer than a token's usual
 * minute (which would sign a browser out after a minute), but short, because a signing key stays published until
 * the tokens it signed expire: a rotated key must not linger for a session's week.
 */
export const COOKIE_TOKEN_SECONDS = 3600;

/**
 * The token a session's cookie carries: signed like any session token, lasting COOKIE_TOKEN_SECONDS (never past
 * the session; the session row, read on every request, is what decides). Minted by clerk itself, since whoever
 * signs in is not an instance admin.
 */
export async function sessionCookieToken(ctx: ServiceContext, sessionId: string): Promise<string> {
  const session = await ctx.db
    .selectFrom("sessions")
    .select("expire_at")
    .where("id", "=", sessionId)
    .executeTakeFirst();
  const left = Math.floor(((session?.expire_at ?? 0) - ctx.clock.now()) / 1000);
  const seconds = Math.max(1, Math.min(COOKIE_TOKEN_SECONDS, left));
  return (await issueToken({ ...ctx, actor: SYSTEM_ACTOR }, { sessionId, expiresInSeconds: seconds })).jwt;
}

/**
 * The session a cookie's token names, once verified: signed by a published key of this instance, unexpired,
 * and its session active. Refuses (401) anything else.
 */
export async function sessionOfCookie(
  ctx: ServiceContext,
  token: string,
): Promise<{ sessionId: string; userId: string; tokenExpiresAt: number; sessionExpiresAt: number }> {
  const kid = headerKid(token);
  const verifier = kid === undefined ? undefined : await verifierFor(ctx, kid);
  if (!verifier) throw refused("not signed by this instance");
  let sid: unknown;
  let sub: string;
  let exp: number;
  try {
    const { payload } = await verifier.verify(token);
    sid = payload.sid;
    sub = payload.sub;
    exp = payload.exp;
  } catch (error) {
    throw refused((error as { reason?: string }).reason ?? "unverifiable");
  }
  if (typeof sid !== "string") throw refused("no session");
  const session = await ctx.db
    .selectFrom("sessions")
    .select(["user_id", "status", "expire_at"])
    .where("id", "=", sid)
    .executeTakeFirst();
  if (!session || session.user_id !== sub) throw refused("unknown session");
  if (session.status !== "active") throw refused("session revoked");
  if (session.expire_at <= ctx.clock.now()) throw refused("session expired");
  return { sessionId: sid, userId: sub, tokenExpiresAt: exp * 1000, sessionExpiresAt: session.expire_at };
}

/**
 * The actor a session cookie stands for (its user; an instance admin when a dashboard admin), and a renewed
 * token when half of this one's hour is gone and the session outlasts it.
 */
export async function actorForSessionCookie(
  ctx: ServiceContext,
  token: string,
): Promise<{ actor: Actor; renewed: string | undefined }> {
  const session = await sessionOfCookie(ctx, token);
  const user = await resolveUser(ctx, session.userId);
  const admin = await isDashboardAdmin(ctx.db, user.id);
  const actor: Actor = admin
    ? { type: "user", id: user.id, label: user.email, admin: true, sessionId: session.sessionId }
    : { type: "user", id: user.id, label: user.email, sessionId: session.sessionId };
  const halfGone = session.tokenExpiresAt - ctx.clock.now() < (COOKIE_TOKEN_SECONDS * 1000) / 2;
  const renewable = session.sessionExpiresAt > session.tokenExpiresAt;
  return { actor, renewed: halfGone && renewable ? await sessionCookieToken(ctx, session.sessionId) : undefined };
}
