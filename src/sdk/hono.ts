// The SDK for Hono (`clerk/sdk/hono`): a middleware that sets c.get("auth"), and requireAuth() to guard routes.
import type { Context, MiddlewareHandler } from "hono";
import type { AuthCheck, AuthObject } from "./auth-object.js";
import { type ClerkSdkOptions, createAuthenticator } from "./authenticator.js";
import { attachAuth, getAuth as authOf } from "./get-auth.js";
import { ProtectError } from "./protect-error.js";
import { tokenFromHeaders } from "./request-token.js";

export { createRouteMatcher } from "./route-matcher.js";
export type { ClerkSdkOptions };

/** The context variables the middleware sets: `c.get("auth")`. */
export interface ClerkVariables {
  auth: AuthObject;
}

/**
 * Authenticates every request: verifies the session token (`Authorization: Bearer` or the `__session` cookie)
 * and sets `c.get("auth")` (also `getAuth(c)`). A thrown `ProtectError` has `getResponse()`, which Hono's
 * default error handler answers with.
 * @example
 * const app = new Hono<{ Variables: ClerkVariables }>();
 * app.use("*", clerkMiddleware({ jwksUrl: "http://127.0.0.1:3000/.well-known/jwks.json" }));
 * app.get("/me", (c) => c.json({ userId: c.get("auth").userId }));
 */
export function clerkMiddleware(options: ClerkSdkOptions): MiddlewareHandler<{ Variables: ClerkVariables }> {
  const authenticator = createAuthenticator(options);
  return async (c, next) => {
    const auth = await authenticator.authenticate(
      tokenFromHeaders(c.req.header("authorization"), c.req.header("cookie")),
    );
    c.set("auth", auth);
    attachAuth(c, auth);
    attachAuth(c.req.raw, auth);
    await next();
  };
}

/**
 * The auth object of a Hono request.
 * @throws TypeError when clerkMiddleware did not run for it.
 * @example
 * app.get("/me", (c) => c.json({ orgId: getAuth(c).orgId }));
 */
export function getAuth(c: Context | Request): AuthObject {
  return authOf(c);
}

/**
 * Guards a route: 401 when signed out, 404 (or `deniedStatus`) when the check fails.
 * @example
 * app.get("/repos/:name", requireAuth((c) => ({ permission: "org:code:read", resource: `repository:${c.req.param("name")}` })), handler);
 */
export function requireAuth(check?: AuthCheck | ((c: Context) => AuthCheck)): MiddlewareHandler {
  return async (c, next) => {
    try {
      authOf(c).protect(typeof check === "function" ? check(c) : check);
    } catch (error) {
      if (error instanceof ProtectError) return error.getResponse();
      throw error;
    }
    await next();
  };
}
