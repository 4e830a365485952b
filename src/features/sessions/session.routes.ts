// Sessions and tokens over HTTP: Clerk's /v1/sessions endpoints, the JWKS, signing-key rotation and token settings.
import type { FastifyInstance } from "fastify";
import { endpoint, mountAll, undeclaredRoute as route } from "../../http/route.js";
import {
  createSessionBody,
  listSessionsQuery,
  rotateBody,
  sessionParams,
  tokenBody,
  tokenSettingsBody,
} from "./session.schema.js";
import { createSession, getSession, listSessions, revokeSession } from "./session.service.js";
import { publishedKeys, rotateSigningKey } from "./signing-key.service.js";
import { issueToken } from "./token.service.js";
import { readTokenSettings, updateTokenSettings } from "./token-settings.service.js";
import { sessionObject, signingKeyObject, tokenSettingsObject } from "./session.view.js";
import { assertInstanceAdmin } from "./session.guard.js";
import type { ServiceContext } from "../../context.js";

const tag = "Sessions";

const jwks = async ({ ctx }: { ctx: ServiceContext }) => ({ keys: await publishedKeys(ctx) });

/** The session and token operations, served under /v1 and called by the CLI. */
export const sessionEndpoints = {
  create: endpoint(
    {
      method: "POST",
      url: "/sessions",
      tag,
      summary: "Create an active session for a user (user_id: id or e-mail)",
      body: createSessionBody,
    },
    async ({ ctx, body }) => sessionObject(await createSession(ctx, { user: body.user_id })),
  ),

  list: endpoint(
    {
      method: "GET",
      url: "/sessions",
      tag,
      summary: "List sessions, newest first (filter by user_id and status)",
      query: listSessionsQuery,
    },
    async ({ ctx, query }) => {
      const page = await listSessions(ctx, {
        user: query.user_id,
        status: query.status,
        limit: query.limit,
        offset: query.offset,
      });
      return { data: page.data.map(sessionObject), total_count: page.totalCount };
    },
  ),

  get: endpoint(
    { method: "GET", url: "/sessions/:session_id", tag, summary: "Get a session", params: sessionParams },
    async ({ ctx, params }) => sessionObject(await getSession(ctx, params.session_id)),
  ),

  revoke: endpoint(
    {
      method: "POST",
      url: "/sessions/:session_id/revoke",
      tag,
      summary: "Revoke a session: it mints no more tokens",
      params: sessionParams,
    },
    async ({ ctx, params }) => sessionObject(await revokeSession(ctx, params.session_id)),
  ),

  token: endpoint(
    {
      method: "POST",
      url: "/sessions/:session_id/tokens",
      tag,
      summary: "Mint a session token (organization_id makes an organization active; the user must be a member)",
      params: sessionParams,
      body: tokenBody,
    },
    async ({ ctx, params, body }) => {
      const token = await issueToken(ctx, {
        sessionId: params.session_id,
        organization: body.organization_id,
        expiresInSeconds: body.expires_in_seconds,
        authorizedParty: body.authorized_party,
      });
      return { object: "token" as const, jwt: token.jwt };
    },
  ),

  jwks: endpoint(
    { method: "GET", url: "/jwks", tag, summary: "The public keys that verify session tokens (public; no key needed)" },
    jwks,
  ),

  rotateSigningKey: endpoint(
    {
      method: "POST",
      url: "/signing_keys/rotate",
      tag,
      summary:
        "Publish a new signing key now and sign with it after pre_announce_seconds (default 600), or at once with now: true; the old key stays in the JWKS until its tokens expire",
      body: rotateBody,
    },
    async ({ ctx, body }) => {
      const { current, previous, signsFrom } = await rotateSigningKey(ctx, {
        algorithm: body.algorithm,
        preAnnounceMs: body.pre_announce_seconds === undefined ? undefined : body.pre_announce_seconds * 1000,
        now: body.now,
      });
      return {
        current: signingKeyObject(current),
        previous: previous ? signingKeyObject(previous) : null,
        signs_from: signsFrom,
      };
    },
  ),

  settings: endpoint(
    {
      method: "GET",
      url: "/tokens/settings",
      tag,
      summary:
        'Session token settings (defaults: v2 claims, 60 s tokens, 4096-byte budget, RS256, issuer "clerk", 7-day sessions)',
    },
    async ({ ctx }) => {
      assertInstanceAdmin(ctx, "read token settings");
      return tokenSettingsObject(await readTokenSettings(ctx));
    },
  ),

  updateSettings: endpoint(
    {
      method: "PATCH",
      url: "/tokens/settings",
      tag,
      summary: "Change session token settings",
      body: tokenSettingsBody,
    },
    async ({ ctx, body }) =>
      tokenSettingsObject(
        await updateTokenSettings(ctx, {
          claimsVersion: body.claims_version,
          tokenLifetimeSeconds: body.token_lifetime_seconds,
          sizeBudget: body.size_budget,
          signingAlgorithm: body.signing_algorithm,
          issuer: body.issuer,
          sessionLifetimeSeconds: body.session_lifetime_seconds,
        }),
      ),
  ),
};

/** Mounts the /v1 endpoints. */
export function registerSessionRoutes(app: FastifyInstance): void {
  mountAll(app, sessionEndpoints);
}

/** The JWKS at its well-known address (mount at the root, not under /v1). */
export function registerJwksRoute(app: FastifyInstance): void {
  route(
    app,
    {
      method: "GET",
      url: "/.well-known/jwks.json",
      tag,
      summary: "The public keys that verify session tokens (public; no key needed)",
    },
    jwks,
  );
}
