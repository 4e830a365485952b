// The access feature's public face.
export {
  type AccessQuery,
  assertActorMay,
  assertMayGrant,
  checkAccess,
  compiledPolicy,
  effectivePermissionsOf,
  explainAccess,
  flushUsage,
  type GrantRequest,
  isMemberOf,
  keepingManagers,
  membersHoldingRole,
  organizationsWhereActorMay,
  usageOf,
  validateResource,
  whoCanIn,
} from "./access.service.js";
