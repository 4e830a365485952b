// The SDK for Fastify (`clerk/sdk/fastify`): a plugin that sets request.auth, and requireAuth() as a preHandler.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { AuthCheck, AuthObject } from "./auth-object.js";
import { type ClerkSdkOptions, createAuthenticator } from "./authenticator.js";
import { attachAuth, getAuth } from "./get-auth.js";
import { ProtectError } from "./protect-error.js";
import { tokenFromHeaders } from "./request-token.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by clerkPlugin. */
    auth: AuthObject;
  }
}

export { createRouteMatcher } from "./route-matcher.js";
export { getAuth };
export type { ClerkSdkOptions };

const plugin: FastifyPluginAsync<ClerkSdkOptions> = async (app, options) => {
  const authenticator = createAuthenticator(options);
  app.decorateRequest("auth", null as unknown as AuthObject);
  app.addHook("onRequest", async (request) => {
    const auth = await authenticator.authenticate(
      tokenFromHeaders(request.headers.authorization, request.headers.cookie),
    );
    request.auth = auth;
    attachAuth(request, auth);
    attachAuth(request.raw, auth);
  });
};
// What fastify-plugin does: no encapsulation, so the hook and decorator reach every route of the app.
Object.assign(plugin, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "clerk-sdk" });

/**
 * The Fastify plugin: verifies each request's session token (`Authorization: Bearer` or the `__session`
 * cookie) and sets `request.auth`. Registered at the root, it covers every route. A `ProtectError` thrown by
 * `request.auth.protect()` carries `statusCode`, which Fastify's default error handler answers with (in its own
 * body format; {@link clerkErrorHandler} sends the SDK's JSON body instead).
 * @example
 * const app = Fastify();
 * await app.register(clerkPlugin, { jwksUrl: "http://127.0.0.1:3000/.well-known/jwks.json" });
 * app.get("/me", async (request) => ({ userId: request.auth.userId }));
 */
export const clerkPlugin: FastifyPluginAsync<ClerkSdkOptions> = plugin;

/**
 * A preHandler guarding a route: 401 when signed out, 404 (or `deniedStatus`) when the check fails.
 * @example
 * app.get("/repos/:name", { preHandler: requireAuth((req) => ({ permission: "org:code:read", resource: `repository:${(req.params as { name: string }).name}` })) }, handler);
 */
export function requireAuth(check?: AuthCheck | ((request: FastifyRequest) => AuthCheck)): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      getAuth(request).protect(typeof check === "function" ? check(request) : check);
    } catch (error) {
      if (error instanceof ProtectError) return reply.code(error.status).send(error.body);
      throw error;
    }
  };
}

/**
 * An error handler that answers a `ProtectError` with its status and the SDK's JSON body and hands any other
 * error on to Fastify's default handler (by rethrowing). Call it from your own handler if you have one.
 * @example
 * app.setErrorHandler(clerkErrorHandler);
 */
export async function clerkErrorHandler(
  error: unknown,
  _request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  if (error instanceof ProtectError) return reply.code(error.status).send(error.body);
  throw error;
}
