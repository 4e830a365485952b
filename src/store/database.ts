// The Database type Kysely checks every query against, assembled from the features' table files.
import type {
  AuditCheckpointChainTable,
  AuditCheckpointHeadTable,
  AuditCheckpointMarksTable,
  AuditCheckpointsTable,
  AuditEventsTable,
  AuditHeadsTable,
  AuditRetentionGateTable,
  AuditRetentionTable,
} from "../features/audit/audit.table.js";
import type { DashboardAdminsTable, SignInTokensTable } from "../features/dashboard/dashboard.table.js";
import type { DomainVerificationsTable, OrganizationDomainsTable } from "../features/domains/domain.table.js";
import type { GrantsTable } from "../features/policy/grant.table.js";
import type { OrganizationInvitationsTable } from "../features/invitations/invitation.table.js";
import type { ApiKeysTable } from "../features/keys/key.table.js";
import type { MembershipRolesTable, MembershipsTable } from "../features/policy/member.table.js";
import type { OrganizationsTable } from "../features/orgs/org.table.js";
import type { PermissionUsageTable, PermissionsTable } from "../features/permissions/permission.table.js";
import type { RoleParentsTable, RolesTable } from "../features/policy/role.table.js";
import type { SessionsTable } from "../features/sessions/session.table.js";
import type { SigningKeysTable } from "../features/sessions/signing-key.table.js";
import type { TokenSettingsTable } from "../features/sessions/token-settings.table.js";
import type {
  ScimGroupMembersTable,
  ScimGroupRolesTable,
  ScimGroupsTable,
  ScimTokensTable,
  ScimUsersTable,
} from "../features/scim/scim.table.js";
import type { SsoConnectionsTable, SsoReplaysTable, SsoRequestsTable } from "../features/sso/sso.table.js";
import type { SettingsTable } from "../features/settings/settings.table.js";
import type { UsersTable } from "../features/users/user.table.js";
import type { JobsTable } from "../features/jobs/job.table.js";
import type { WebhookEndpointsTable } from "../features/webhooks/webhook.table.js";
import type {
  NotificationAttemptsTable,
  NotificationProvidersTable,
  NotificationRulesTable,
  NotificationsTable,
} from "../features/notifications/notification.table.js";
import type {
  AssignmentCursorsTable,
  RunStagesTable,
  TasksTable,
  WorkflowEventsTable,
  WorkflowRunsTable,
} from "../features/tasks/task.table.js";
import type {
  FileSetsTable,
  FormsTable,
  WorkflowStagesTable,
  WorkflowsTable,
} from "../features/workflows/workflow.table.js";

import type { RateLimitHitsTable } from "../features/limits/limit.table.js";

/** Every table of the store. */
export interface Database {
  settings: SettingsTable;
  users: UsersTable;
  organizations: OrganizationsTable;
  permissions: PermissionsTable;
  permission_usage: PermissionUsageTable;
  roles: RolesTable;
  role_parents: RoleParentsTable;
  memberships: MembershipsTable;
  membership_roles: MembershipRolesTable;
  grants: GrantsTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_retention_gate: AuditRetentionGateTable;
  audit_retention: AuditRetentionTable;
  audit_checkpoint_chain: AuditCheckpointChainTable;
  audit_checkpoint_head: AuditCheckpointHeadTable;
  audit_checkpoint_marks: AuditCheckpointMarksTable;
  api_keys: ApiKeysTable;
  organization_invitations: OrganizationInvitationsTable;
  organization_domains: OrganizationDomainsTable;
  domain_verifications: DomainVerificationsTable;
  sessions: SessionsTable;
  sign_in_tokens: SignInTokensTable;
  dashboard_admins: DashboardAdminsTable;
  scim_tokens: ScimTokensTable;
  scim_group_roles: ScimGroupRolesTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  sso_connections: SsoConnectionsTable;
  sso_requests: SsoRequestsTable;
  sso_replays: SsoReplaysTable;
  signing_keys: SigningKeysTable;
  token_settings: TokenSettingsTable;
  file_sets: FileSetsTable;
  forms: FormsTable;
  workflows: WorkflowsTable;
  workflow_stages: WorkflowStagesTable;
  workflow_events: WorkflowEventsTable;
  workflow_runs: WorkflowRunsTable;
  run_stages: RunStagesTable;
  tasks: TasksTable;
  assignment_cursors: AssignmentCursorsTable;
  jobs: JobsTable;
  notification_providers: NotificationProvidersTable;
  notification_rules: NotificationRulesTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  rate_limit_hits: RateLimitHitsTable;
}
