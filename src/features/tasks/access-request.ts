// Access requests: the runs of a workflow with `on_approve: grant`. Its event asks for a permission (optionally
// scoped) for a while; every approver must be able to delegate that grant (the escalation guard), and when the run
// is approved the requester's membership gets it, in the approving transaction, audited as approved by the deciders.
import type { ServiceContext } from "../../context.js";
import { formatDuration, parseDurationMs } from "../../duration.js";
import { assertMayGrant } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { grantsOf, parseScopeList } from "../grants/index.js";
import type { Organization } from "../orgs/index.js";
import { ensurePermission, normalizePermissionKey } from "../permissions/index.js";
import { membershipRecords, upsertGrant } from "../policy/index.js";
import type { Workflow } from "../workflows/index.js";
import { invalidAccessRequest, noApprover } from "./task.errors.js";
import type { WorkflowRunsTable } from "./task.table.js";

/** The event type `request_access` emits; an access-request workflow is triggered by `event:access_requested`. */
export const ACCESS_REQUESTED = "access_requested";

/** What an access request asks for, read from its event's data. */
export interface AccessRequest {
  /** The permission key as asked (resolved, and so normalised, when checked). */
  permission: string;
  /** Canonical scopes; empty means every resource. */
  scopes: string[];
  /** As asked, e.g. `1h`. */
  duration: string;
  durationMs: number;
  reason: string | null;
}

/** What an approved access request did, kept on the run (`effect`) and shown by get_run. */
export interface GrantEffect {
  type: "grant";
  member: string;
  permission: string;
  scopes: string[];
  /** Null when the member already held it without expiry. */
  expires_at: number | null;
  approved_by: string[];
}

/** Reads the event data of an access request: permission, optional scope, duration (e.g. 1h), optional reason. */
export function readAccessRequest(data: Record<string, unknown>): AccessRequest {
  const { permission, scope, duration, reason } = data;
  if (typeof permission !== "string" || permission.trim() === "")
    throw invalidAccessRequest(
      "An access request names the permission it asks for in data.permission, e.g. org:deploys:write.",
      "permission",
    );
  if (
    scope !== undefined &&
    typeof scope !== "string" &&
    !(Array.isArray(scope) && scope.every((s) => typeof s === "string"))
  )
    throw invalidAccessRequest("data.scope is a scope (type:pattern) or a list of them.", "scope");
  if (typeof duration !== "string")
    throw invalidAccessRequest("An access request says for how long in data.duration, e.g. 1h, 30m or 2d.", "duration");
  const durationMs = parseDurationMs(duration);
  if (durationMs === undefined)
    throw invalidAccessRequest(`duration "${duration}" is not a duration; use e.g. 1h, 30m, 2d or 1h30m.`, "duration");
  if (reason !== undefined && reason !== null && typeof reason !== "string")
    throw invalidAccessRequest("data.reason is text: why the access is needed.", "reason");
  return {
    permission: normalizePermissionKey(permission),
    scopes: parseScopeList(scope as string | string[] | undefined),
    duration: duration.trim().toLowerCase(),
    durationMs,
    reason: typeof reason === "string" && reason.trim() !== "" ? reason.trim() : null,
  };
}

/** The requester's membership in the organization, or access_request.invalid: a grant needs a member to hold it. */
async function requesterMembership(tx: ServiceContext, org: Organization, requesterId: string | null) {
  const membership = requesterId === null ? undefined : (await membershipRecords(tx.db, org.id, requesterId))[0];
  if (!membership)
    throw invalidAccessRequest(
      `An access request is made by a member of ${org.slug} (the grant is theirs); the requester is not one.`,
      "requester",
    );
  return membership;
}

/** Refuses, before a run starts, an access request that could never be granted: no member, permission or duration. */
export async function checkAccessRequest(
  tx: ServiceContext,
  org: Organization,
  data: Record<string, unknown>,
  requesterId: string | null,
): Promise<void> {
  readAccessRequest(data);
  await requesterMembership(tx, org, requesterId);
}

/**
 * The escalation guard for one approver: the actor deciding must be able to grant what the request asks, for as
 * long as it asks (counted from now). Instance admins pass, as assertMayGrant lets them.
 */
export async function assertMayApproveAccess(
  tx: ServiceContext,
  org: Organization,
  data: Record<string, unknown>,
): Promise<void> {
  const request = readAccessRequest(data);
  await assertMayGrant(tx, org.id, org.slug, [
    { permission: request.permission, scopes: request.scopes, expiresAt: tx.clock.now() + request.durationMs },
  ]);
}

/**
 * Makes an approved access request's grant on the requester's membership, expiring `duration` from now. A direct
 * grant of the same permission the member already holds is widened, never narrowed (scopes joined, the later expiry).
 * Refused when nobody approved (every stage skipped): a grant is always a person's decision.
 */
export async function grantApprovedAccess(
  tx: ServiceContext,
  org: Organization,
  wf: Workflow,
  run: WorkflowRunsTable,
  data: Record<string, unknown>,
): Promise<GrantEffect> {
  const deciders = await tx.db
    .selectFrom("tasks")
    .innerJoin("users", "users.id", "tasks.decided_by_id")
    .select(["users.email"])
    .where("tasks.run_id", "=", run.id)
    .where("tasks.status", "=", "approved")
    .orderBy("tasks.decided_at")
    .execute();
  const approvedBy = [...new Set(deciders.map((d) => d.email))];
  if (approvedBy.length === 0) throw noApprover(wf.slug);
  const request = readAccessRequest(data);
  // Created in the catalogue if need be, as `member grant` does; only someone holding it can have approved.
  const permission = await ensurePermission(tx, request.permission);
  const membership = await requesterMembership(tx, org, run.requester_id);
  const now = tx.clock.now();
  let scopes = request.scopes;
  let expiresAt: number | null = now + request.durationMs;
  // The approving decider is checked against the real expiry; earlier approvers were checked when they decided.
  await assertMayGrant(tx, org.id, org.slug, [{ permission: permission.key, scopes, expiresAt }]);
  const held = (await grantsOf(tx, [membership.id])).find(
    (g) => g.permissionId === permission.id && (g.expiresAt === null || g.expiresAt > now),
  );
  if (held) {
    scopes = held.scopes.length === 0 || scopes.length === 0 ? [] : [...new Set([...held.scopes, ...scopes])];
    expiresAt = held.expiresAt === null ? null : Math.max(held.expiresAt, expiresAt);
  }
  const { before, after } = await upsertGrant(tx, { membershipId: membership.id }, permission, scopes, expiresAt);
  await recordAudit(tx, {
    organizationId: org.id,
    action: before ? "grant.updated" : "grant.created",
    target: { type: "membership", id: membership.id, label: membership.user.email },
    before: before && { permission: before.permission, scopes: before.scopes, expiresAt: before.expiresAt },
    after: {
      permission: after.permission,
      scopes: after.scopes,
      expiresAt: after.expiresAt,
      run: run.id,
      workflow: wf.slug,
      approvedBy,
      duration: formatDuration(request.durationMs),
      reason: request.reason,
    },
  });
  return {
    type: "grant",
    member: membership.user.email,
    permission: after.permission,
    scopes: after.scopes,
    expires_at: after.expiresAt,
    approved_by: approvedBy,
  };
}
