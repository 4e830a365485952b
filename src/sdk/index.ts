// The SDK for apps (`clerk/sdk`): verify session tokens without a network call, and decide access from their claims.
export {
  type AuthCheck,
  type AuthObject,
  type AuthObjectOptions,
  type MemberPermission,
  type RemoteDecision,
  type RemoteQuery,
  authObject,
  signedOutAuthObject,
} from "./auth-object.js";
export { type Authenticator, type ClerkSdkOptions, createAuthenticator } from "./authenticator.js";
export {
  type ClaimsVersion,
  type ClerkExtensionClaim,
  type DecodedOrg,
  type OrgAuthorization,
  type V1OrgClaims,
  type V2OrgClaims,
  decodeOrgClaims,
  encodeOrgClaims,
} from "./claims.js";
export { attachAuth, getAuth } from "./get-auth.js";
export { JwksCache, type JwksCacheOptions } from "./jwks-cache.js";
export { type TokenAlgorithm, type VerificationKey, importJwk, importLocalKey } from "./jwt-keys.js";
export { type AuthedHandler, type WithAuthOptions, withAuth } from "./node.js";
export { ProtectError, type ProtectStatus } from "./protect-error.js";
export {
  type PermissionCache,
  RemoteApiError,
  type RemoteApiOptions,
  MAX_BATCH,
  checkRemote,
  checkRemoteBatch,
  createPermissionCache,
  createRemoteChecker,
  fetchMemberPermissions,
} from "./remote-api.js";
export { tokenFromHeaders } from "./request-token.js";
export { type RouteInput, type RoutePattern, createRouteMatcher } from "./route-matcher.js";
export { TokenVerificationError, type TokenVerificationReason } from "./token-errors.js";
export {
  type SessionTokenPayload,
  type TokenVerifier,
  type VerifiedToken,
  type VerifyTokenOptions,
  createVerifier,
  verifyToken,
} from "./verify-token.js";
