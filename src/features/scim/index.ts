// The SCIM feature's public face: the service provider's routes, tokens and group mappings.
export { SCIM_PREFIX, SCIM_ROUTES, isScimPath, registerScim, scimErrorBody } from "./scim.routes.js";
export { scimOperations } from "./scim.operations.js";
export { authenticateScimToken, createScimToken, listScimTokens, revokeScimToken } from "./scim.tokens.js";
export { listGroupMappings, mapGroup, unmapGroup } from "./scim.mappings.js";
export { deactivateMember, reactivateMember } from "./scim.access.js";
