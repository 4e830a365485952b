// The SCIM feature's public face: the service provider's routes, tokens and group mappings.
export { MAX_PAYLOAD as MAX_SCIM_PAYLOAD } from "./scim.discovery.js";
export {
  SCIM_PREFIX,
  SCIM_ROUTES,
  type ScimCall,
  type ScimRoute,
  isScimPath,
  projectOne,
  scimErrorBody,
} from "./scim.endpoints.js";
export { ScimError } from "./scim.errors.js";
export type { ScimScope } from "./scim.users.js";
export { scimOperations } from "./scim.operations.js";
export { authenticateScimToken, createScimToken, listScimTokens, revokeScimToken } from "./scim.tokens.js";
export { listGroupMappings, mapGroup, unmapGroup } from "./scim.mappings.js";
export { deactivateMember, reactivateMember } from "./scim.access.js";
