// The sessions feature's public face: sessions, session tokens, signing keys and their settings.
export {
  type Session,
  type SessionFilter,
  type SessionStatus,
  createSession,
  getSession,
  listSessions,
  revokeSession,
  revokeSessionsOfSuspendedMember,
} from "./session.service.js";
export { type SigningAlgorithm, SIGNING_ALGORITHMS } from "./signing-key.algorithms.js";
export {
  DEFAULT_PRE_ANNOUNCE_MS,
  type Rotation,
  type RotationInput,
  type SigningKeyInfo,
  type SigningKeyStatus,
  listSigningKeys,
  publishedKeys,
  rotateSigningKey,
} from "./signing-key.service.js";
export { type IssuedToken, type TokenRequest, issueToken } from "./token.service.js";
export {
  DEFAULT_TOKEN_SETTINGS,
  type TokenSettings,
  readTokenSettings,
  updateTokenSettings,
} from "./token-settings.service.js";
export {
  type SessionObject,
  type SigningKeyObject,
  type TokenSettingsObject,
  jwksSchema,
  sessionObject,
  sessionSchema,
  signingKeySchema,
  tokenSettingsSchema,
} from "./session.view.js";
