// OpenID Connect relying party with openid-client: authorization code flow with PKCE, `state` and `nonce`
// remembered per request (the verifier sealed), the ID token's signature, issuer, audience, nonce and times
// checked by the library; the e-mail from the ID token or, when absent, from userinfo.
import type * as Oidc from "openid-client";
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { sealSecret, unsealSecret } from "../../secrets.js";
import { type Connection, clientSecretPurpose, connectionForSignIn, toConnection } from "./connection.service.js";
import { type SignInFailure, signInRefused } from "./sso.errors.js";
import { type SignedIn, attemptSignIn, completeSignIn } from "./signin.service.js";
import type { SsoConnectionsTable } from "./sso.table.js";
import { checkedRedirect, oidcCallbackUrl } from "./sso.urls.js";

const REQUEST_TTL_MS = 10 * 60_000;

/** openid-client loads with the first OIDC request, not with every process that knows SSO (the CLI). */
const openidClient = () => import("openid-client");
const verifierPurpose = (requestId: string) => `sso-pkce-verifier:${requestId}`;

function activeOidc(row: SsoConnectionsTable): Connection {
  const connection = toConnection(row);
  if (!connection.active || connection.provider.startsWith("saml_"))
    throw signInRefused("connection_inactive", `Enterprise connection ${row.id} is not an active OIDC connection.`);
  return connection;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The provider's configuration from its discovery document; plain http only for a provider on loopback. */
async function configFor(ctx: ServiceContext, row: SsoConnectionsTable): Promise<Oidc.Configuration> {
  const server = new URL(row.oidc_discovery_url as string);
  const secret =
    row.oidc_client_secret === null
      ? undefined
      : unsealSecret(ctx, row.oidc_client_secret, clientSecretPurpose(row.id)).toString("utf8");
  const insecure = server.protocol === "http:" && LOOPBACK.has(server.hostname);
  const oidc = await openidClient();
  try {
    return await oidc.discovery(
      server,
      row.oidc_client_id as string,
      undefined,
      secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret),
      // The ID token's signature is checked against the provider's published keys even though it comes straight
      // from the token endpoint (openid-client skips that by default, trusting TLS): a key the provider does not
      // publish, or `alg: none`, is refused.
      {
        execute: insecure
          ? [oidc.enableNonRepudiationChecks, oidc.allowInsecureRequests]
          : [oidc.enableNonRepudiationChecks],
        timeout: 10,
      },
    );
  } catch (cause) {
    throw signInRefused(
      "oidc_rejected",
      `The OIDC provider's discovery document could not be read: ${message(cause)}`,
      cause,
    );
  }
}

/** The provider's discovery document, as `clerk sso test` checks it (throws what configFor throws). */
export async function oidcServerMetadata(
  ctx: ServiceContext,
  row: SsoConnectionsTable,
): Promise<ReturnType<Oidc.Configuration["serverMetadata"]>> {
  return (await configFor(ctx, row)).serverMetadata();
}

/** The library's message, with the provider's error code and the claim at fault when its causes name them. */
function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const parts = [e.message];
  let cause: unknown = e;
  for (let depth = 0; depth < 3 && typeof cause === "object" && cause !== null; depth++) {
    const x = cause as { error?: unknown; error_description?: unknown; claim?: unknown; cause?: unknown };
    if (depth > 0 && cause instanceof Error && cause.message) parts.push(cause.message);
    if (typeof x.error === "string")
      parts.push(typeof x.error_description === "string" ? `${x.error}: ${x.error_description}` : x.error);
    if (typeof x.claim === "string") parts.push(`claim "${x.claim}"`);
    cause = x.cause;
  }
  return parts.join("; ");
}

/** The reason word for what openid-client refused, from the error codes and claim names its causes carry. */
function failureOf(e: unknown): SignInFailure {
  const codes: unknown[] = [];
  const claims: unknown[] = [];
  let cause: unknown = e;
  for (let depth = 0; depth < 4 && typeof cause === "object" && cause !== null; depth++) {
    const x = cause as { code?: unknown; claim?: unknown; cause?: unknown };
    codes.push(x.code);
    claims.push(x.claim);
    cause = x.cause;
  }
  if (codes.includes("OAUTH_JWT_CLAIM_COMPARISON_FAILED")) {
    if (claims.includes("iss")) return "wrong_issuer";
    if (claims.includes("aud") || claims.includes("azp")) return "wrong_audience";
    if (claims.includes("nonce")) return "wrong_nonce";
  }
  if (codes.includes("OAUTH_KEY_SELECTION_FAILED")) return "invalid_signature";
  if (codes.includes("OAUTH_JWT_TIMESTAMP_CHECK_FAILED")) return "expired";
  if (/signature verification failed|"alg"|JWS algorithm/i.test(message(e))) return "invalid_signature";
  return "oidc_rejected";
}

/** Starts a sign-in: remembers state, nonce and the sealed PKCE verifier, and answers the provider's URL. */
export async function startOidcSignIn(
  ctx: ServiceContext,
  connectionId: string,
  input: { redirectUrl?: string | undefined },
): Promise<{ url: string }> {
  const row = await connectionForSignIn(ctx, connectionId);
  const connection = activeOidc(row);
  const redirectUrl = checkedRedirect(input.redirectUrl);
  const config = await configFor(ctx, row);
  const oidc = await openidClient();
  const now = ctx.clock.now();
  const id = newId("ssor", now);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  await ctx.db.deleteFrom("sso_requests").where("expire_at", "<=", now).execute();
  await ctx.db
    .insertInto("sso_requests")
    .values({
      id,
      connection_id: connection.id,
      request_key: state,
      nonce,
      code_verifier: sealSecret(ctx, verifier, verifierPurpose(id)),
      redirect_url: redirectUrl,
      expire_at: now + REQUEST_TTL_MS,
      created_at: now,
    })
    .execute();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: oidcCallbackUrl(connection.id),
    scope: "openid email profile",
    state,
    nonce,
    ...(connection.requiresPkce
      ? { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" }
      : {}),
  });
  return { url: url.href };
}

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter(
    (v): v is string => typeof v === "string",
  );

/**
 * The callback: the request its `state` names is used up, the code exchanged and the ID token verified by the
 * library, then the user signed in. Any failure undoes everything and leaves one `sso.signin_failed` event.
 */
export async function finishOidcSignIn(
  ctx: ServiceContext,
  connectionId: string,
  callbackUrl: string,
): Promise<SignedIn> {
  const row = await connectionForSignIn(ctx, connectionId);
  return attemptSignIn(ctx, { id: row.id, organizationId: row.organization_id }, async (tx) => {
    const connection = activeOidc(row);
    const current = new URL(callbackUrl);
    const state = current.searchParams.get("state") ?? "";
    const request = await tx.db
      .selectFrom("sso_requests")
      .selectAll()
      .where("connection_id", "=", connection.id)
      .where("request_key", "=", state)
      .where("expire_at", ">", tx.clock.now())
      .executeTakeFirst();
    if (!request) throw signInRefused("unknown_request", "The callback's state matches no sign-in of ours.");
    await tx.db.deleteFrom("sso_requests").where("id", "=", request.id).execute();
    const config = await configFor(tx, row);
    const oidc = await openidClient();
    let tokens: Awaited<ReturnType<typeof Oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        expectedState: state,
        expectedNonce: request.nonce ?? "",
        idTokenExpected: true,
        ...(connection.requiresPkce && request.code_verifier
          ? { pkceCodeVerifier: unsealSecret(tx, request.code_verifier, verifierPurpose(request.id)).toString("utf8") }
          : {}),
      });
    } catch (cause) {
      throw signInRefused(failureOf(cause), `The OIDC provider's answer was refused: ${message(cause)}`, cause);
    }
    const claims = tokens.claims();
    if (!claims) throw signInRefused("oidc_rejected", "The OIDC provider answered without an ID token.");
    let profile: Record<string, unknown> = claims;
    const emailClaim = connection.attributeMapping.email_address ?? "email";
    if (strings(profile[emailClaim]).length === 0) {
      try {
        profile = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      } catch (cause) {
        throw signInRefused(
          "oidc_rejected",
          `The OIDC provider's userinfo could not be read: ${message(cause)}`,
          cause,
        );
      }
    }
    if (profile.email_verified === false)
      throw signInRefused("email_missing", "The OIDC provider says the e-mail address is not verified.");
    return completeSignIn(
      tx,
      connection,
      {
        email: strings(profile[emailClaim])[0] ?? "",
        groups: strings(profile[connection.attributeMapping.groups ?? "groups"]),
        proof: `${claims.iss}#${claims.sub}`,
      },
      request.redirect_url,
    );
  });
}
