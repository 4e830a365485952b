// The access engine's public face: a pure policy core with no I/O, for the services to call.
export { check, drainUsage } from "./check.js";
export { compilePolicy } from "./compile.js";
export type { CompiledPolicy } from "./compile.js";
export { EngineInputError } from "./errors.js";
export { explain } from "./explain.js";
export { parsePermissionKey, roleKeyFromName } from "./keys.js";
export type { PermissionKey } from "./keys.js";
export { effectivePermissions, membersWithRole, whoCan } from "./queries.js";
export { withRoleChanged } from "./recompile.js";
export { findInheritanceCycle } from "./role-graph.js";
export type { RoleNode } from "./role-graph.js";
export { formatScope, parseResource, parseScope, parseScopes, scopeMatches } from "./scope.js";
export type { Scope } from "./scope.js";
export type {
  CheckQuery,
  Decision,
  EffectivePermission,
  ExplainStep,
  Explanation,
  OrgPolicy,
  PolicyAncestor,
  PolicyGrant,
  PolicyMember,
  PolicyRole,
  WhoCanEntry,
} from "./types.js";
