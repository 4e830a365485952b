// The users feature's public face.
export { emailSchema, userKindSchema } from "./user.schema.js";
export {
  countUsers,
  createUser,
  deleteUserRecord,
  ensureUser,
  listUsers,
  parseEmail,
  resolveUser,
  syncUserProfile,
  toUser,
  updateUser,
  type User,
  type UserSummary,
  updateUserMetadata,
} from "./user.service.js";
export { type UserObject, userObject, userSchema } from "./user.view.js";
export { userOperations } from "./user.operations.js";
