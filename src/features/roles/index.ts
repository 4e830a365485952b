// The roles feature's public face.
export { ensureInstance, getRoleDefaults, type RoleDefaults, setRoleDefaults } from "./role.defaults.js";
export { createRoleSchema, listSchema, updateRoleSchema } from "./role.schema.js";
export {
  type AssignInput,
  assignPermission,
  createRole,
  deleteRole,
  listRoles,
  permissionsOfRoles,
  resolveRole,
  revokePermission,
  type Role,
  type RoleRef,
  updateRole,
} from "./role.service.js";
