// The permissions feature's public face.
export {
  createPermission,
  deletePermission,
  ensurePermission,
  ensureSystemPermissions,
  listPermissions,
  normalizePermissionKey,
  type Permission,
  resolvePermission,
  SYSTEM_PERMISSIONS,
  updatePermission,
} from "./permission.service.js";
