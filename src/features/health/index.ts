// The health feature's public face.
export { parseDuration, parseFilters } from "./health.checks.js";
export { type StoreFileFinding } from "./health.files.js";
export { auditAdmins, auditMembers, auditPermissions, auditRoles, healthReport } from "./health.service.js";
export {
  type AdminFinding,
  type ExpiredGrantFinding,
  type HealthReport,
  type HealthSection,
  type MemberFinding,
  type OverPermissionedFinding,
  type PermissionFinding,
  type RoleFinding,
} from "./health.view.js";
