// Why a session token was refused: one error class with a stable reason code for each rule.

/**
 * The stable reason codes of {@link TokenVerificationError}, named like `@clerk/backend`'s where one exists,
 * so code that branches on Clerk's reasons keeps working.
 */
export type TokenVerificationReason =
  /** Not three strict base64url parts (no padding, spaces or other junk), or a header or payload that is not a JSON object. */
  | "token-invalid"
  /** `alg` is `none`, HMAC, unsupported, or differs from the algorithm of the key named by `kid`. */
  | "token-invalid-algorithm"
  /** The header lists `crit` extensions, which we do not understand. */
  | "token-invalid-header"
  | "token-invalid-signature"
  /** `sub` is missing or not a string. */
  | "token-invalid-subject"
  /** `exp` is missing, not a number, or past (beyond the clock skew). */
  | "token-expired"
  /** `nbf` is later than now plus the clock skew. */
  | "token-not-active-yet"
  /** `iat` is later than now plus the clock skew. */
  | "token-iat-in-the-future"
  /** `iss` differs from the `issuer` option. */
  | "token-invalid-issuer"
  /** `authorizedParties` is set and `azp` is missing or not listed. */
  | "token-invalid-authorized-parties"
  /** No key in the JWKS has the token's `kid`, even after a refresh. */
  | "jwk-kid-mismatch"
  /** `verifySync` was asked for a key that is not loaded yet; `verify` would fetch it. */
  | "jwk-not-loaded"
  /** The JWKS could not be fetched (network error or non-2xx answer). */
  | "jwk-remote-failed-to-load"
  /** The JWKS answer is not `{ keys: [...] }`. */
  | "jwk-remote-invalid";

/**
 * Thrown by `verifyToken` and `createVerifier().verify` for a token that must not be trusted. Branch on
 * `reason`; the message is for people. It is not a `ClerkError`: the SDK runs inside apps, apart from
 * the server's error table.
 * @example
 * try {
 *   await verifyToken(token, { jwksUrl });
 * } catch (error) {
 *   if (error instanceof TokenVerificationError && error.reason === "token-expired") refreshSession();
 * }
 */
export class TokenVerificationError extends Error {
  readonly reason: TokenVerificationReason;

  constructor(reason: TokenVerificationReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.reason = reason;
  }
}
