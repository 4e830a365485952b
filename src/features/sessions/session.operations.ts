// Sessions and tokens as operations: Clerk's /v1/sessions endpoints, the JWKS, signing-key rotation and token settings.
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { millis, operation } from "../../operations/index.js";
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
import {
  type publicJwkSchema,
  jwksSchema,
  sessionObject,
  sessionSchema,
  signingKeyObject,
  signingKeySchema,
  tokenSettingsObject,
  tokenSettingsSchema,
} from "./session.view.js";
import { assertInstanceAdmin } from "./session.guard.js";

const tag = "Sessions";

const jwks = async ({ ctx }: { ctx: ServiceContext }) => ({
  keys: (await publishedKeys(ctx)) as z.input<typeof publicJwkSchema>[],
});
const jwksSummary = "The public keys that verify session tokens (public; no key needed)";

/** The session and token operations, served under /v1 and called by the CLI. */
export const sessionOperations = {
  create: operation(
    {
      method: "POST",
      url: "/sessions",
      tag,
      summary: "Create an active session for a user (user_id: id or e-mail)",
      body: createSessionBody,
      output: sessionSchema,
    },
    async ({ ctx, body }) =>
      sessionObject(await createSession(ctx, { user: body.user_id, activeOrganization: body.active_organization_id })),
  ),

  list: operation(
    {
      method: "GET",
      url: "/sessions",
      tag,
      summary: "List sessions, newest first (filter by user_id and status); a bare array, as Clerk answers",
      query: listSessionsQuery,
      output: z.array(sessionSchema),
    },
    async ({ ctx, query }) => {
      const page = await listSessions(ctx, {
        user: query.user_id,
        status: query.status,
        limit: query.limit,
        offset: query.offset,
      });
      return page.data.map(sessionObject);
    },
  ),

  get: operation(
    {
      method: "GET",
      url: "/sessions/:session_id",
      tag,
      summary: "Get a session",
      params: sessionParams,
      output: sessionSchema,
    },
    async ({ ctx, params }) => sessionObject(await getSession(ctx, params.session_id)),
  ),

  revoke: operation(
    {
      method: "POST",
      url: "/sessions/:session_id/revoke",
      tag,
      summary: "Revoke a session: it mints no more tokens",
      params: sessionParams,
      output: sessionSchema,
    },
    async ({ ctx, params }) => sessionObject(await revokeSession(ctx, params.session_id)),
  ),

  token: operation(
    {
      method: "POST",
      url: "/sessions/:session_id/tokens",
      tag,
      summary: "Mint a session token (organization_id makes an organization active; the user must be a member)",
      params: sessionParams,
      body: tokenBody,
      output: z.object({ object: z.literal("token"), jwt: z.string().describe("The session token") }),
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

  jwks: operation({ method: "GET", url: "/jwks", tag, summary: jwksSummary, output: jwksSchema }, jwks),

  rotateSigningKey: operation(
    {
      method: "POST",
      url: "/signing_keys/rotate",
      tag,
      summary:
        "Publish a new signing key now and sign with it after pre_announce_seconds (default 600), or at once with now: true; the old key stays in the JWKS until its tokens expire",
      body: rotateBody,
      output: z.object({
        current: signingKeySchema.describe("The new key: next (signing from signs_from) or, with now, current"),
        previous: signingKeySchema.nullable().describe("The key it replaces, published until its tokens expire"),
        signs_from: millis.describe("When the new key starts signing"),
      }),
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

  settings: operation(
    {
      method: "GET",
      url: "/tokens/settings",
      tag,
      summary:
        'Session token settings (defaults: v2 claims, 60 s tokens, 4096-byte budget, RS256, issuer "clerk", 7-day sessions)',
      output: tokenSettingsSchema,
    },
    async ({ ctx }) => {
      assertInstanceAdmin(ctx, "read token settings");
      return tokenSettingsObject(await readTokenSettings(ctx));
    },
  ),

  updateSettings: operation(
    {
      method: "PATCH",
      url: "/tokens/settings",
      tag,
      summary: "Change session token settings",
      body: tokenSettingsBody,
      output: tokenSettingsSchema,
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

/** The JWKS at its well-known address: served at the root, not under /v1 (so outside the catalogue). */
export const wellKnownJwks = operation(
  { method: "GET", url: "/.well-known/jwks.json", tag, summary: jwksSummary, output: jwksSchema },
  jwks,
);
