// The users feature's public face.
export { findUsersByIds, type UserRow } from "./user.repository.js";
export { emailSchema, userKindSchema } from "./user.schema.js";
export { createUser, ensureUser, listUsers, parseEmail, resolveUser, toUser, type User } from "./user.service.js";
