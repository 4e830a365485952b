// The users feature's public face.
export { emailSchema, userKindSchema } from "./user.schema.js";
export {
  countUsers,
  createUser,
  ensureUser,
  listUsers,
  parseEmail,
  resolveUser,
  toUser,
  type User,
} from "./user.service.js";
export { type UserObject, userObject, userSchema } from "./user.view.js";
