// The SDK for Express (`clerk/sdk/express`): a middleware that sets req.auth, and requireAuth() to guard routes.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import type { AuthCheck, AuthObject } from "./auth-object.js";
import { type ClerkSdkOptions, createAuthenticator } from "./authenticator.js";
import { attachAuth, getAuth } from "./get-auth.js";
import { ProtectError } from "./protect-error.js";
import { tokenFromHeaders } from "./request-token.js";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point for request fields.
  namespace Express {
    interface Request {
      /** Set by clerkMiddleware(). */
      auth: AuthObject;
    }
  }
}

export { createRouteMatcher } from "./route-matcher.js";
export { getAuth };
export type { ClerkSdkOptions };

/**
 * Authenticates every request: verifies the session token (`Authorization: Bearer` or the `__session` cookie)
 * and sets `req.auth` (also `getAuth(req)`). Never refuses by itself; guard routes with {@link requireAuth} or
 * `req.auth.protect()`, whose ProtectError Express answers with its status (and, with {@link clerkErrorHandler}
 * installed, with the JSON body).
 * @example
 * const app = express();
 * app.use(clerkMiddleware({ jwksUrl: "http://127.0.0.1:3000/.well-known/jwks.json" }));
 * app.get("/me", (req, res) => res.json({ userId: req.auth.userId }));
 */
export function clerkMiddleware(options: ClerkSdkOptions): RequestHandler {
  const authenticator = createAuthenticator(options);
  return (req: Request, _res: Response, next: NextFunction) => {
    authenticator.authenticate(tokenFromHeaders(req.headers.authorization, req.headers.cookie)).then((auth) => {
      req.auth = auth;
      attachAuth(req, auth);
      next();
    }, next);
  };
}

/**
 * Guards a route: 401 when signed out, 404 (or `deniedStatus`) when the check fails, as a JSON error body.
 * @example
 * app.get("/repos/:name", requireAuth((req) => ({ permission: "org:code:read", resource: `repository:${req.params.name}` })), handler);
 * app.delete("/admin/users/:id", requireAuth({ role: "org:admin" }), handler);
 */
export function requireAuth(check?: AuthCheck | ((req: Request) => AuthCheck)): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      getAuth(req).protect(typeof check === "function" ? check(req) : check);
    } catch (error) {
      if (error instanceof ProtectError) return void res.status(error.status).json(error.body);
      return next(error);
    }
    next();
  };
}

/**
 * An error handler that answers a `ProtectError` thrown by `req.auth.protect()` with its status and JSON body
 * (Express's own handler would send HTML); other errors pass on. Install it after the routes.
 * @example
 * app.get("/reports", (req, res) => res.json(load(req.auth.protect({ permission: "org:reports:read" }).orgId)));
 * app.use(clerkErrorHandler());
 */
export function clerkErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof ProtectError && !res.headersSent) return void res.status(error.status).json(error.body);
    next(error);
  };
}
