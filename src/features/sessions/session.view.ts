// The JSON shapes of sessions, signing keys and token settings: Clerk's `session` object, and our own two.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import { SIGNING_ALGORITHMS } from "./signing-key.algorithms.js";
import type { Session } from "./session.service.js";
import type { SigningKeyInfo } from "./signing-key.service.js";
import type { TokenSettings } from "./token-settings.service.js";

/** Clerk's `object: "session"` (the fields `@clerk/backend`'s Session reads that we can fill truthfully). */
export const sessionSchema = z.object({
  object: z.literal("session"),
  id: z.string(),
  user_id: z.string(),
  client_id: z.literal("").describe('Always "": sessions are created by the backend, with no browser client'),
  status: z.enum(["active", "revoked", "expired"]),
  last_active_organization_id: z.string().nullable().describe("The organization its last token made active"),
  actor: z.null().describe("Always null: no impersonation"),
  last_active_at: millis.describe("The session's last change (token mints are not recorded)"),
  expire_at: millis,
  abandon_at: millis.describe("Always expire_at: a session ends then whatever its activity"),
  created_at: millis,
  updated_at: millis,
});

export type SessionObject = z.infer<typeof sessionSchema>;

export function sessionObject(s: Session): SessionObject {
  return {
    object: "session",
    id: s.id,
    user_id: s.userId,
    client_id: "",
    status: s.status,
    last_active_organization_id: s.lastActiveOrganizationId,
    actor: null,
    last_active_at: s.updatedAt,
    expire_at: s.expireAt,
    // Our sessions end at expire_at whatever the activity, so they are abandoned then too.
    abandon_at: s.expireAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/** A public JSON Web Key as the JWKS publishes it: RSA keys carry n and e, EC keys crv, x and y, Ed25519 crv and x. */
export const publicJwkSchema = z.object({
  kty: z.string().describe("RSA, EC or OKP"),
  kid: z.string(),
  alg: z.enum(SIGNING_ALGORITHMS),
  use: z.literal("sig"),
  n: z.string().optional(),
  e: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});

/** `{ keys }`: the public keys that verify session tokens (RFC 7517). */
export const jwksSchema = z.object({ keys: z.array(publicJwkSchema) });

/** A signing key as listed: its status, its public JWK and when it leaves the JWKS, never the private half. */
export const signingKeySchema = z.object({
  object: z.literal("signing_key"),
  kid: z.string(),
  algorithm: z.enum(SIGNING_ALGORITHMS),
  status: z.enum(["current", "next", "retired"]).describe("current signs; next is published and signs later"),
  created_at: millis,
  retired_at: millis.nullable().describe("When it stopped signing (on the current key: when it will); else null"),
  published_until: millis.nullable().describe("When it leaves the JWKS; null while current or next"),
  public_jwk: publicJwkSchema,
});

export type SigningKeyObject = z.infer<typeof signingKeySchema>;

export function signingKeyObject(k: SigningKeyInfo): SigningKeyObject {
  return {
    object: "signing_key",
    kid: k.kid,
    algorithm: k.algorithm,
    status: k.status,
    created_at: k.createdAt,
    retired_at: k.retiredAt,
    published_until: k.publishedUntil,
    public_jwk: k.publicJwk as z.input<typeof publicJwkSchema>,
  };
}

export const tokenSettingsSchema = z.object({
  object: z.literal("token_settings"),
  claims_version: z.union([z.literal(1), z.literal(2)]).describe("2: Clerk's v2 claims (o, fea); 1: org_* claims"),
  token_lifetime_seconds: z.number().int(),
  size_budget: z.number().int().describe("Bytes a token may take before its permissions are left out (cx.ovf)"),
  signing_algorithm: z.enum(SIGNING_ALGORITHMS).describe("The algorithm of the next signing key"),
  issuer: z.string().describe("The iss claim"),
  session_lifetime_seconds: z.number().int(),
});

export type TokenSettingsObject = z.infer<typeof tokenSettingsSchema>;

export function tokenSettingsObject(s: TokenSettings): TokenSettingsObject {
  return {
    object: "token_settings",
    claims_version: s.claimsVersion,
    token_lifetime_seconds: s.tokenLifetimeSeconds,
    size_budget: s.sizeBudget,
    signing_algorithm: s.signingAlgorithm,
    issuer: s.issuer,
    session_lifetime_seconds: s.sessionLifetimeSeconds,
  };
}
