// The audit feature's public face. The readers (audit.read, audit.verify) import orgs and access, which import
// this file to record events, so they are reached by the feature's own routes and commands, not re-exported here.
export {
  type AuditEvent,
  type AuditHook,
  type AuditInput,
  auditEventsOf,
  onAuditEvent,
  recordAudit,
  type RecordedAudit,
} from "./audit.service.js";
export { CSV_COLUMNS, EXPORT_FORMATS, type ExportFormat, exportWriter } from "./audit.format.js";
export { type AuditEventObject, auditEventObject, auditEventSchema } from "./audit.view.js";
export { appendEvent } from "./audit.repository.js";
