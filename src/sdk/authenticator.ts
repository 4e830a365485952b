// What every framework adapter does with a request's token: verify it, build the auth object, fetch overflowed permissions.
import { type Clock, systemClock } from "../clock.js";
import { type AuthObject, type MemberPermission, authObject, signedOutAuthObject } from "./auth-object.js";
import {
  type PermissionCache,
  type RemoteApiOptions,
  createPermissionCache,
  createRemoteChecker,
} from "./remote-api.js";
import { TokenVerificationError } from "./token-errors.js";
import { type TokenVerifier, type VerifyTokenOptions, createVerifier } from "./verify-token.js";

/** Options of every middleware: where keys come from, claim rules, and the API for overflowed tokens. */
export interface ClerkSdkOptions extends VerifyTokenOptions {
  /** With `secretKey`: the API used for overflowed tokens and `checkRemote` (and the JWKS when no `jwksUrl`/`jwtKey`). */
  apiUrl?: string;
  secretKey?: string;
  /** What `protect()` answers a signed-in request that fails its check. Default 404. */
  deniedStatus?: 403 | 404;
}

/** Turns a request's token into its auth object. */
export interface Authenticator {
  /** The auth object for `token`; signed out (with `tokenError`) for a missing or refused token. */
  authenticate(token: string | null | undefined): Promise<AuthObject>;
  readonly verifier: TokenVerifier;
}

/**
 * Builds the authenticator the middlewares share. A token whose permissions were left out (`cx.ovf`) costs one
 * API call, cached until the token expires; then `has()` is synchronous and exact again. Without `apiUrl` and
 * `secretKey`, such a token's permission checks are false and `protect()` answers 503.
 * @example
 * const authenticator = createAuthenticator({ jwksUrl, apiUrl, secretKey });
 * const auth = await authenticator.authenticate(tokenFromHeaders(req.headers.authorization, req.headers.cookie));
 */
export function createAuthenticator(options: ClerkSdkOptions): Authenticator {
  const clock: Clock = options.clock ?? systemClock;
  const verifier = createVerifier(options);
  const api: RemoteApiOptions | undefined =
    options.apiUrl && options.secretKey
      ? { apiUrl: options.apiUrl, secretKey: options.secretKey, fetch: options.fetch }
      : undefined;
  const cache: PermissionCache | undefined = api && createPermissionCache(api, clock);
  // Checks asked in the same turn of the event loop share one POST /v1/check/batch.
  const remote = api && createRemoteChecker(api);
  const base = { deniedStatus: options.deniedStatus, clock, checkRemote: remote };

  return {
    verifier,
    async authenticate(token) {
      if (!token) return signedOutAuthObject();
      let verified;
      try {
        verified = await verifier.verify(token);
      } catch (error) {
        if (error instanceof TokenVerificationError) return signedOutAuthObject(error.reason);
        throw error;
      }
      const { payload, org } = verified;
      let permissions: MemberPermission[] | undefined;
      if (org.overflow && org.orgId !== null && cache !== undefined) {
        try {
          permissions = await cache.get(payload, org.orgId);
        } catch {
          // Fail closed: permission checks are false and protect() answers 503 (auth.permissionsUnavailable).
        }
      }
      return authObject(payload, { ...base, org, permissions });
    },
  };
}
