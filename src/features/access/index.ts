// The access feature's public face.
export {
  type AccessQuery,
  assertMayGrant,
  checkAccess,
  compiledPolicy,
  effectivePermissionsOf,
  explainAccess,
  flushUsage,
  followPolicyChanges,
  type PolicyRead,
  type GrantRequest,
  isMemberOf,
  keepingManagers,
  membersHoldingRole,
  organizationsWhereActorMay,
  usageOf,
  validateResource,
  whoCanIn,
} from "./access.service.js";
export {
  type AuthorizationDecision,
  type OrgRef,
  type Requirement,
  actingUserId,
  assertActorMay,
  assertAllowed,
  assertAllowedNow,
  authorize,
  denialError,
  isInstanceAdmin,
} from "./authorize.js";
export { installPrivateMetadataRule } from "./private-metadata.js";
