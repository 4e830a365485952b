// The ordered list of migrations, shipped in code so the compiled package needs no migration folder.
import type { Migration } from "kysely";
import * as spine from "./0001-spine.js";
import * as apiKeys from "./0002-api-keys.js";
import * as invitationsDomains from "./0003-invitations-domains.js";
import * as sessions from "./0004-sessions.js";
import * as audit from "./0005-audit.js";
import * as workflows from "./0006-workflows.js";
import * as notifications from "./0007-notifications.js";
import * as auditIndexes from "./0008-audit-indexes.js";
import * as runSnapshots from "./0009-run-parties-and-stage-snapshots.js";
import * as auditCheckpointChain from "./0010-audit-checkpoint-chain.js";
import * as notificationSecrets from "./0012-notification-secrets.js";
import * as sso from "./0013-sso.js";
import * as webhooks from "./0016-webhooks.js";
import * as dashboard from "./0017-dashboard.js";
import * as domainVerifications from "./0018-domain-verifications.js";
import * as userUnsafeMetadata from "./0019-user-unsafe-metadata.js";
import * as scim from "./0020-scim.js";
import * as rateLimitHits from "./0021-rate-limit-hits.js";
import * as workflowOnApprove from "./0022-workflow-on-approve.js";
import * as auditLayout from "./0023-audit-layout.js";
import * as taskIndexes from "./0024-task-indexes.js";
import * as roleKeyIndex from "./0025-role-key-index.js";
import * as foreignKeyIndexes from "./0026-foreign-key-indexes.js";

/** Every migration by name; names sort in the order they apply. */
export const MIGRATIONS: Record<string, Migration> = {
  "0001-spine": spine,
  "0002-api-keys": apiKeys,
  "0003-invitations-domains": invitationsDomains,
  "0004-sessions": sessions,
  "0005-audit": audit,
  "0006-workflows": workflows,
  "0007-notifications": notifications,
  "0008-audit-indexes": auditIndexes,
  "0009-run-parties-and-stage-snapshots": runSnapshots,
  "0010-audit-checkpoint-chain": auditCheckpointChain,
  "0012-notification-secrets": notificationSecrets,
  "0013-sso": sso,
  "0016-webhooks": webhooks,
  "0017-dashboard": dashboard,
  "0018-domain-verifications": domainVerifications,
  "0019-user-unsafe-metadata": userUnsafeMetadata,
  "0020-scim": scim,
  "0021-rate-limit-hits": rateLimitHits,
  "0022-workflow-on-approve": workflowOnApprove,
  "0023-audit-layout": auditLayout,
  "0024-task-indexes": taskIndexes,
  "0025-role-key-index": roleKeyIndex,
  "0026-foreign-key-indexes": foreignKeyIndexes,
};
