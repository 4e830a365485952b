// The browser side of SSO, which an operation cannot express: the identity-first /sign-in page, the redirect to
// the IdP, the SAML ACS (a form POST), the session cookie and the redirect back. All logic is in features/sso.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ServiceContext } from "../context.js";
import { escapeHtml } from "../features/notifications/index.js";
import {
  type SignedIn,
  checkedRedirect,
  connectionForEmail,
  finishOidcSignIn,
  finishSamlSignIn,
  onLoopback,
  oidcCallbackUrl as oidcCallback,
  publicUrl,
  spMetadata,
  startOidcSignIn,
  startSamlSignIn,
} from "../features/sso/index.js";
import { ClerkError, isClerkError } from "../errors.js";
import { sessionCookieOf } from "./auth.js";
import { consumeSignInToken, csrfRefused, sessionCookieToken, sessionOfCookie } from "../features/dashboard/index.js";
import { revokeSession } from "../features/sessions/index.js";

/** Paths any browser or IdP may reach without a key: the page, the IdP's endpoints. */
export function isSignInPath(path: string): boolean {
  return path === "/sign-in" || path === "/sign-out" || path.startsWith("/sso/");
}

/** The cookie @clerk/backend's authenticateRequest reads the session token from. */
export const SESSION_COOKIE = "__session";

/** Sign-in endpoints take at most this many requests a minute from one address. */
const SIGN_IN_RATE = { max: 30, timeWindow: 60_000 };

const HEADERS = {
  "content-security-policy":
    "default-src 'none'; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
} as const;

function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  const html =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`;
  return reply.status(status).headers(HEADERS).type("text/html; charset=utf-8").send(html);
}

function signInForm(redirectUrl: string, message = ""): string {
  return (
    (message ? `<p role="alert">${escapeHtml(message)}</p>` : "") +
    `<form method="post" action="/sign-in">` +
    `<label>Work e-mail <input type="email" name="email_address" autocomplete="username" required autofocus></label>` +
    `<input type="hidden" name="redirect_url" value="${escapeHtml(redirectUrl)}">` +
    `<button type="submit">Continue</button></form>`
  );
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure unless the server is plain http on loopback. */
export function sessionCookie(signedIn: Pick<SignedIn, "token">): string {
  const secure = !(onLoopback() && publicUrl().startsWith("http:"));
  return [
    `${SESSION_COOKIE}=${signedIn.token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Mounts /sign-in and /sso/… (they need no key; `app.ts` lets them through, rate-limited per address). */
export async function registerSignIn(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    // IdPs and the sign-in form post form-encoded bodies; only here is that accepted.
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const config = { rateLimit: SIGN_IN_RATE };
    const ctxOf = (request: { ctx: ServiceContext }) => request.ctx;

    scope.get("/sign-in", { config }, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const ticket = text(query.__clerk_ticket);
      if (ticket !== undefined) {
        // A sign-in link (Clerk's sign-in token): it signs its user in once, then lands on the dashboard.
        const redirectUrl = checkedRedirect(text(query.redirect_url) ?? "/dashboard");
        try {
          const signedIn = await consumeSignInToken(ctxOf(request), ticket);
          return reply.header("set-cookie", sessionCookie(signedIn)).redirect(redirectUrl, 303);
        } catch (error) {
          if (!isClerkError(error) || error.code !== "sign_in_token.unusable") throw error;
          return sendPage(reply, 401, "Sign in", signInForm(redirectUrl, error.message));
        }
      }
      const redirectUrl = checkedRedirect(text(query.redirect_url));
      return sendPage(reply, 200, "Sign in", signInForm(redirectUrl));
    });

    // Identity first: the e-mail's domain decides the route; a domain with a connection always goes to its IdP.
    scope.post("/sign-in", { config }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const redirectUrl = checkedRedirect(text(body.redirect_url));
      const email = (text(body.email_address) ?? "").trim();
      const connection = email.includes("@") ? await connectionForEmail(ctxOf(request), email) : undefined;
      if (!connection)
        return sendPage(
          reply,
          404,
          "Sign in",
          signInForm(redirectUrl, "No single sign-on is set up for that address's domain."),
        );
      const begin = connection.provider.startsWith("saml_") ? startSamlSignIn : startOidcSignIn;
      const start = await begin(ctxOf(request), connection.id, { redirectUrl });
      return reply.redirect(start.url, 303);
    });

    // Sign-out revokes the cookie's session (so a copy of the cookie is worthless too) and clears the cookie. Only
    // the dashboard's own pages may ask (its header), or any site could sign a browser out.
    scope.post("/sign-out", { config }, async (request, reply) => {
      if (request.headers["x-clerk-dashboard"] !== "1") throw csrfRefused("sign-out without x-clerk-dashboard: 1");
      const token = sessionCookieOf(request);
      const session =
        token === undefined ? undefined : await sessionOfCookie(ctxOf(request), token).catch(() => undefined);
      if (session) await revokeSession(ctxOf(request), session.sessionId);
      return reply
        .header("set-cookie", `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`)
        .status(204)
        .send();
    });

    scope.get("/sso/saml/:id/metadata", { config }, async (request, reply) => {
      const { id } = request.params as { id: string };
      return reply.type("application/samlmetadata+xml").send(await spMetadata(ctxOf(request), id));
    });

    scope.get("/sso/saml/:id/start", { config }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as Record<string, unknown>;
      const start = await startSamlSignIn(ctxOf(request), id, { redirectUrl: text(query.redirect_url) });
      return reply.redirect(start.url, 302);
    });

    scope.post("/sso/saml/:id/acs", { config }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (typeof body.SAMLResponse !== "string")
        throw new ClerkError("input.missing", "The IdP must POST a form with SAMLResponse.", { param: "SAMLResponse" });
      const signedIn = await finishSamlSignIn(ctxOf(request), id, {
        SAMLResponse: body.SAMLResponse,
        RelayState: text(body.RelayState),
      });
      const cookie = sessionCookie({ token: await sessionCookieToken(ctxOf(request), signedIn.sessionId) });
      return reply.header("set-cookie", cookie).redirect(signedIn.redirectUrl, 303);
    });

    scope.get("/sso/oidc/:id/start", { config }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as Record<string, unknown>;
      const start = await startOidcSignIn(ctxOf(request), id, { redirectUrl: text(query.redirect_url) });
      return reply.redirect(start.url, 302);
    });

    scope.get("/sso/oidc/:id/callback", { config }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const at = request.url.indexOf("?");
      const query = at < 0 ? "" : request.url.slice(at);
      const signedIn = await finishOidcSignIn(ctxOf(request), id, `${oidcCallback(id)}${query}`);
      const cookie = sessionCookie({ token: await sessionCookieToken(ctxOf(request), signedIn.sessionId) });
      return reply.header("set-cookie", cookie).redirect(signedIn.redirectUrl, 303);
    });
  });
}
