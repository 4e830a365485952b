// The audit feature's public face.
export { type AuditEvent, type AuditInput, auditEventsOf, recordAudit } from "./audit.service.js";
