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
export { page, pageQuery, permissionObject } from "./permission.routes.js";
