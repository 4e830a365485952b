// The roles feature's public face.
export { ensureInstance, getRoleDefaults, type RoleDefaults, setRoleDefaults } from "./role.defaults.js";
export { createRoleSchema, listSchema, updateRoleSchema } from "./role.schema.js";
export {
  createRole,
  deleteRole,
  type EffectiveGrant,
  listRoles,
  permissionsOfRoles,
  resolveRole,
  type Role,
  type RoleRef,
  updateRole,
} from "./role.service.js";
export { type AssignInput, assignPermission, assignPermissions, revokePermission } from "./role-grant.service.js";
export { type RoleObject, roleObject, roleSchema } from "./role.view.js";
