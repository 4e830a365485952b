// The grants feature's public face.
export { parseExpiry, parseScopeList } from "./grant.schema.js";
export { grantNotFound } from "./grant.errors.js";
export { type Grant, type GrantHolder, grantsOf, removeGrant, removeGrantsOf, upsertGrant } from "./grant.service.js";
export { describeGrant, grantObject } from "./grant.view.js";
