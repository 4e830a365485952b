// The SDK for plain node:http servers: a handler wrapper that authenticates each request and answers protect()'s refusals.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthObject } from "./auth-object.js";
import { type ClerkSdkOptions, createAuthenticator } from "./authenticator.js";
import { attachAuth } from "./get-auth.js";
import { ProtectError } from "./protect-error.js";
import { tokenFromHeaders } from "./request-token.js";

/** A node:http handler that also receives the request's auth object. */
export type AuthedHandler = (req: IncomingMessage, res: ServerResponse, auth: AuthObject) => unknown;

/** Options of {@link withAuth}: the SDK options plus what to do with an unexpected error. */
export interface WithAuthOptions extends ClerkSdkOptions {
  /** Called with an error the handler threw that is not a ProtectError, after a 500 answer. Default: console.error. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

/**
 * Wraps a node:http handler: the token (`Authorization: Bearer` or the `__session` cookie) is verified, the auth
 * object is passed in and attached for `getAuth(req)`, and a thrown `ProtectError` becomes its 401/403/404/503.
 * @example
 * import { createServer } from "node:http";
 * createServer(withAuth({ jwksUrl }, (req, res, auth) => {
 *   auth.protect({ permission: "org:reports:read" });
 *   res.end(`hello ${auth.userId}`);
 * })).listen(8080);
 */
export function withAuth(
  options: WithAuthOptions,
  handler: AuthedHandler,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const authenticator = createAuthenticator(options);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  return async (req, res) => {
    try {
      const auth = await authenticator.authenticate(tokenFromHeaders(req.headers.authorization, req.headers.cookie));
      attachAuth(req, auth);
      await handler(req, res, auth);
    } catch (error) {
      if (error instanceof ProtectError) return send(res, error.status, error.body);
      send(res, 500, { errors: [{ code: "internal_error", message: "Internal error." }] });
      onError(error, req);
    }
  };
}
