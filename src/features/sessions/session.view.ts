// The JSON shapes of sessions, signing keys and token settings: Clerk's `session` object, and our own two.
import type { Session } from "./session.service.js";
import type { SigningKeyInfo } from "./signing-key.service.js";
import type { TokenSettings } from "./token-settings.service.js";

/** Clerk's `object: "session"` (the fields `@clerk/backend`'s Session reads that we can fill truthfully). */
export function sessionObject(s: Session) {
  return {
    object: "session" as const,
    id: s.id,
    user_id: s.userId,
    status: s.status,
    last_active_organization_id: s.lastActiveOrganizationId,
    actor: null,
    expire_at: s.expireAt,
    // Our sessions end at expire_at whatever the activity, so they are abandoned then too.
    abandon_at: s.expireAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/** A signing key as listed: its status, its public JWK and when it leaves the JWKS, never the private half. */
export function signingKeyObject(k: SigningKeyInfo) {
  return {
    object: "signing_key" as const,
    kid: k.kid,
    algorithm: k.algorithm,
    status: k.status,
    created_at: k.createdAt,
    retired_at: k.retiredAt,
    published_until: k.publishedUntil,
    public_jwk: k.publicJwk,
  };
}

export function tokenSettingsObject(s: TokenSettings) {
  return {
    object: "token_settings" as const,
    claims_version: s.claimsVersion,
    token_lifetime_seconds: s.tokenLifetimeSeconds,
    size_budget: s.sizeBudget,
    signing_algorithm: s.signingAlgorithm,
    issuer: s.issuer,
    session_lifetime_seconds: s.sessionLifetimeSeconds,
  };
}
