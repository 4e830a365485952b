// The keys feature's public face.
export {
  type ApiKey,
  authenticate,
  createKey,
  hasActiveKey,
  listKeys,
  removeKeysOfUser,
  revokeKey,
  touchKey,
} from "./key.service.js";
