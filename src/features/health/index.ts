// The health feature's public face.
export { parseDuration, parseFilters } from "./health.checks.js";
export { type StoreFileFinding } from "./health.files.js";
export {
  type AdminFinding,
  auditAdmins,
  auditMembers,
  auditPermissions,
  auditRoles,
  type ExpiredGrantFinding,
  type HealthReport,
  type HealthSection,
  healthReport,
  type MemberFinding,
  type OverPermissionedFinding,
  type PermissionFinding,
  type RoleFinding,
} from "./health.service.js";
