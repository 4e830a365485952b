// Every feature's operations, in the order the server mounts them and the docs list them. The HTTP server
// serves this catalogue, the CLI calls into it, and the OpenAPI document (later MCP) describes it.
import type { Operation } from "../operations/index.js";
import { accessOperations } from "./access/access.operations.js";
import { auditOperations } from "./audit/audit.operations.js";
import { domainOperations } from "./domains/domain.operations.js";
import { healthOperations } from "./health/health.operations.js";
import { invitationOperations } from "./invitations/invitation.operations.js";
import { keyOperations } from "./keys/key.operations.js";
import { memberOperations } from "./members/member.operations.js";
import { notificationOperations } from "./notifications/notification.operations.js";
import { orgOperations } from "./orgs/org.operations.js";
import { permissionOperations } from "./permissions/permission.operations.js";
import { roleOperations } from "./roles/role.operations.js";
import { sessionOperations } from "./sessions/session.operations.js";
import { settingsOperations } from "./settings/settings.operations.js";
import { taskOperations } from "./tasks/task.operations.js";
import { userOperations } from "./users/user.operations.js";
import { workflowOperations } from "./workflows/workflow.operations.js";
import { scimOperations } from "./scim/scim.operations.js";
import { ssoOperations } from "./sso/sso.operations.js";
import { webhookOperations } from "./webhooks/webhook.operations.js";
import { configOperations } from "./config/config.operations.js";
import { dashboardOperations } from "./dashboard/dashboard.operations.js";

type Table = Readonly<Record<string, Operation>>;
// Each table keeps its precise types for its callers; the catalogue only needs what every operation shares.
const table = (operations: object): Table => operations as Table;

export const OPERATIONS: Readonly<Record<string, Table>> = {
  orgs: table(orgOperations),
  members: table(memberOperations),
  invitations: table(invitationOperations),
  domains: table(domainOperations),
  access: table(accessOperations),
  roles: table(roleOperations),
  permissions: table(permissionOperations),
  users: table(userOperations),
  sessions: table(sessionOperations),
  keys: table(keyOperations),
  settings: table(settingsOperations),
  audit: table(auditOperations),
  health: table(healthOperations),
  workflows: table(workflowOperations),
  tasks: table(taskOperations),
  notifications: table(notificationOperations),
  sso: table(ssoOperations),
  scim: table(scimOperations),
  webhooks: table(webhookOperations),
  dashboard: table(dashboardOperations),
  config: table(configOperations),
};
