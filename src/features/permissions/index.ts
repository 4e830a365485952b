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
export { page, pageQuery } from "./permission.page.js";
export { type PermissionObject, permissionObject, permissionSchema } from "./permission.view.js";
