// Where middleware leaves the auth object of a request, so any code holding the request can read it.
import type { AuthObject } from "./auth-object.js";

const attached = new WeakMap<object, AuthObject>();

/** Records `auth` for a request object (the middleware calls this; apps normally do not). */
export function attachAuth(request: object, auth: AuthObject): void {
  attached.set(request, auth);
}

/**
 * The auth object the middleware attached to this request (an Express/Node request, a Fastify request or its
 * `raw`, a Hono context or its `req.raw`).
 * @throws TypeError when no clerk middleware ran for this request: a wiring mistake, not a signed-out user.
 * @example
 * app.get("/invoices", (req, res) => {
 *   const { userId, orgId, has } = getAuth(req);
 *   res.json({ canEdit: has({ permission: "org:invoices:write" }) });
 * });
 */
export function getAuth(request: object): AuthObject {
  const auth = attached.get(request);
  if (auth === undefined)
    throw new TypeError(
      "getAuth(req) found no auth object: add the clerk middleware (clerkMiddleware, clerkPlugin or withAuth) before this handler.",
    );
  return auth;
}
