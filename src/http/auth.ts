// Authentication: an instance secret key or an agent key (Bearer) becomes the request's actor; so does the
// dashboard's session cookie, on state-changing requests only with proof the request came from our own pages.
import type { FastifyRequest } from "fastify";
import type { Actor } from "../context.js";
import { ClerkError } from "../errors.js";
import { assertAllowedNow } from "../features/access/index.js";
import { actorForSessionCookie, csrfRefused } from "../features/dashboard/index.js";
import { authenticate } from "../features/keys/index.js";
import { publicUrl } from "../features/sso/index.js";
import { resolveUser } from "../features/users/index.js";
import type { ServiceContext } from "../context.js";

/** Reads `Authorization: Bearer <key>`; anything else is a 401 in Clerk's envelope. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header)
    throw new ClerkError(
      "auth.unauthenticated",
      "Missing Authorization header; send Authorization: Bearer <secret key>.",
    );
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
  if (!match) throw new ClerkError("auth.unauthenticated", "Authorization header must be 'Bearer <secret key>'.");
  return match[1] as string;
}

/**
 * The actor for a request's key. An instance secret key may name a member in `Clerk-Act-As` to be held to
 * that member's permissions (what the CLI's --as does remotely); it only ever narrows what the key may do.
 */
export async function actorFor(base: ServiceContext, request: FastifyRequest): Promise<Actor> {
  const token = bearerToken(request);
  // A session token (a JWT: three dot-separated parts) stands for its signed-in user, as the cookie does.
  if (token.split(".").length === 3) return (await actorForSessionCookie(base, token)).actor;
  const actor = await authenticate(base, token);
  const actAs = request.headers["clerk-act-as"];
  if (actAs === undefined) return actor;
  assertAllowedNow({ ...base, actor }, { kind: "act_as" });
  if (typeof actAs !== "string" || actAs.trim() === "")
    throw new ClerkError("input.invalid", "Clerk-Act-As must name one member by e-mail or user id.", {
      param: "Clerk-Act-As",
    });
  const user = await resolveUser(base, actAs.trim());
  return { type: "user", id: user.id, label: user.email, via: { type: "api_key", id: actor.id, label: actor.label } };
}

/** The header the dashboard sends on every call; a cross-site form cannot set it, nor a cross-site fetch without CORS. */
export const DASHBOARD_HEADER = "x-clerk-dashboard";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The `__session` cookie's value, when the request carries one. */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === "__session") return part.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The actor of a cookie-authenticated request. A state-changing method must carry the dashboard's header and,
 * when the browser names it, an Origin equal to this server's public origin (CSRF: SameSite=Lax already keeps
 * the cookie off cross-site POSTs; this holds even for same-site neighbours and older browsers). A token past
 * half its hour is renewed through `onRenewed` (the caller sets the cookie on its answer).
 */
export async function cookieActor(
  base: ServiceContext,
  request: FastifyRequest,
  token: string,
  onRenewed: (token: string) => void,
): Promise<Actor> {
  if (!SAFE_METHODS.has(request.method)) {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== new URL(publicUrl()).origin)
      throw csrfRefused(`${request.method} from ${origin}`);
    if (request.headers[DASHBOARD_HEADER] !== "1")
      throw csrfRefused(`${request.method} without ${DASHBOARD_HEADER}: 1`);
  }
  const { actor, renewed } = await actorForSessionCookie(base, token);
  if (renewed !== undefined) onRenewed(renewed);
  return actor;
}
