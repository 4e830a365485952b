// The grants feature's public face: parsing and showing grants (the policy store keeps them).
export { parseExpiry, parseScopeList } from "./grant.schema.js";
export { grantNotFound } from "./grant.errors.js";
export { type Grant, type GrantHolder, grantsOf } from "../policy/index.js";
export { describeGrant, type GrantObject, grantObject, grantSchema } from "./grant.view.js";
