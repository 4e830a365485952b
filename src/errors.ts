// The error type every feature throws, and the one table that maps each code to an HTTP status,
// a Clerk Backend API error code and a CLI exit code; no throw site picks a status.
import { EngineInputError } from "./engine/errors.js";

/** How one error code travels over each transport. */
export interface ErrorSpec {
  readonly status: number;
  /** The code Clerk's Backend API uses for the same situation (what `@clerk/backend` callers match on). */
  readonly clerk: string;
  /** CLI exit code: 2 usage or bad input, 3 not found, 4 refused by a rule, 1 anything else. */
  readonly exit: 1 | 2 | 3 | 4;
}

const invalid = (clerk = "form_param_format_invalid"): ErrorSpec => ({ status: 422, clerk, exit: 2 });
const notFound = (clerk = "resource_not_found"): ErrorSpec => ({ status: 404, clerk, exit: 3 });
const refused = (clerk: string, status = 400): ErrorSpec => ({ status, clerk, exit: 4 });

/** Every error code clerk emits. Features list the ones they throw in their `*.errors.ts`. */
export const ERROR_CODES = Object.freeze({
  "input.invalid": invalid(),
  "input.missing": invalid("form_param_missing"),
  "context.no_organization": invalid("form_param_missing"),
  "org.not_found": notFound(),
  "org.slug_taken": refused("form_identifier_exists", 422),
  "org.has_children": refused("organization_has_children"),
  "org.parent_cycle": refused("form_param_value_invalid", 422),
  "org.not_empty": refused("organization_not_empty"),
  "org.move_refused": refused("form_param_value_invalid", 422),
  "user.not_found": notFound(),
  "user.invalid_email": invalid(),
  "user.email_taken": refused("form_identifier_exists", 422),
  "member.not_found": notFound(),
  "member.exists": refused("already_a_member_in_organization"),
  "member.last_manager": refused("organization_minimum_permissions_needed"),
  "member.quota_exceeded": refused("organization_membership_quota_exceeded", 403),
  "role.not_found": notFound(),
  "role.name_taken": refused("form_identifier_exists", 422),
  "role.inheritance_cycle": refused("form_param_value_invalid", 422),
  "role.creator_or_default": refused("organization_role_default_creator_role", 422),
  "role.has_members": refused("organization_role_assigned_members", 422),
  "role.has_children": refused("organization_role_has_children", 422),
  "role.not_usable": refused("form_param_value_invalid", 422),
  "permission.not_found": notFound(),
  "permission.invalid_key": invalid(),
  "permission.key_taken": refused("form_identifier_exists", 422),
  "permission.system": refused("organization_system_permission_not_modifiable", 403),
  "permission.in_use": refused("organization_permission_in_use", 422),
  "permission.denied": refused("missing_organization_permission", 403),
  "permission.escalation": refused("missing_organization_permission", 403),
  "grant.exists": refused("organization_role_permission_association_exists", 409),
  "grant.not_found": notFound("organization_role_permission_association_not_found"),
  "grant.invalid_scope": invalid(),
  "grant.invalid_expiry": invalid(),
  "key.not_found": notFound(),
  "auth.unauthenticated": { status: 401, clerk: "authentication_invalid", exit: 4 },
  "request.unsupported_content_type": { status: 415, clerk: "unsupported_content_type", exit: 2 },
  "request.too_large": { status: 413, clerk: "request_body_too_large", exit: 2 },
  "request.malformed": { status: 400, clerk: "request_body_invalid", exit: 2 },
  "request.unknown_field": { status: 422, clerk: "form_param_unknown", exit: 2 },
  "request.no_route": notFound(),
  "request.rate_limited": { status: 429, clerk: "too_many_requests", exit: 1 },
  "role.in_invitations": refused("organization_role_exists_in_invitations", 422),
  "invitation.not_found": notFound(),
  "invitation.not_unique": refused("organization_invitation_not_unique"),
  "invitation.not_pending": refused("organization_invitation_not_pending", 404),
  "invitation.already_member": refused("already_a_member_in_organization"),
  "invitation.bulk_size_exceeded": { status: 400, clerk: "bulk_size_exceeded", exit: 2 },
  "domain.not_found": notFound(),
  "domain.common": refused("organization_domain_common", 422),
  "domain.exists_in_organization": refused("organization_domain_already_exists_same_organization", 422),
  "domain.exists": refused("organization_domain_already_exists", 422),
  "domain.quota_exceeded": refused("organization_domain_quota_exceeded", 403),
  "domain.already_verified": refused("organization_domain_already_verified", 422),
  "domain.verification_missing": refused("verification_missing", 422),
  "domain.verification_failed": refused("verification_failed", 422),
  "domain.verification_expired": refused("verification_expired", 422),
  "domain.verification_attempts": refused("verification_too_many_attempts", 429),
  "domain.email_outside_domain": invalid("form_param_value_invalid"),
  "domain.no_email_provider": refused("verification_email_unavailable", 422),
  "store.conflict": refused("duplicate_record", 409),
  "config.stale_plan": refused("duplicate_record", 409),
  "config.workflow_has_open_runs": refused("form_param_value_invalid", 409),
  "auth.act_as_refused": { status: 403, clerk: "authorization_invalid", exit: 4 },
  "session.not_found": notFound(),
  "session.not_active": refused("session_not_active", 400),
  "session.not_member": notFound(),
  "secrets.master_key_invalid": { status: 500, clerk: "master_key_invalid", exit: 2 },
  "secrets.unseal_failed": { status: 500, clerk: "master_key_mismatch", exit: 1 },
  "remote.unreachable": { status: 502, clerk: "remote_unreachable", exit: 1 },
  "remote.misconfigured": { status: 400, clerk: "remote_misconfigured", exit: 2 },
  "health.unknown_filter": invalid("form_param_value_invalid"),
  "health.invalid_duration": invalid(),
  "audit.invalid_filter": invalid("form_param_value_invalid"),
  "audit.invalid_time": invalid(),
  "audit.invalid_cursor": invalid(),
  "audit.invalid_retention": invalid(),
  "workflow.not_found": notFound(),
  "workflow.ambiguous": invalid("form_param_value_invalid"),
  "workflow.name_taken": refused("form_identifier_exists", 422),
  "workflow.invalid_trigger": invalid(),
  "workflow.invalid_condition": invalid(),
  "workflow.invalid_duration": invalid(),
  "workflow.invalid_stage": invalid(),
  "workflow.stage_not_found": notFound(),
  "workflow.stage_exists": refused("form_identifier_exists", 422),
  "workflow.unknown_template": invalid("form_param_value_invalid"),
  "workflow.roles_missing": notFound(),
  "fileset.not_found": notFound(),
  "fileset.exists": refused("form_identifier_exists", 422),
  "fileset.invalid": invalid(),
  "form.not_found": notFound(),
  "form.exists": refused("form_identifier_exists", 422),
  "form.invalid_schema": invalid(),
  "form.built_in": refused("form_param_value_invalid", 422),
  "form.in_use": refused("form_param_value_invalid", 409),
  "event.invalid": invalid(),
  "event.idempotency_mismatch": refused("idempotency_key_reused", 409),
  "run.not_found": notFound(),
  "access_request.invalid": invalid(),
  "access_request.no_approver": refused("access_request_no_approver", 409),
  "access_request.no_workflow": refused("access_request_no_workflow", 409),
  "run.not_open": refused("run_not_open", 409),
  "task.not_found": notFound(),
  "approval.member_required": refused("authorization_invalid", 403),
  "approval.self_approval": refused("approval_self_approval", 403),
  "approval.not_eligible": refused("approval_not_eligible", 403),
  "approval.already_decided": refused("approval_already_decided", 409),
  "approval.already_counted": refused("approval_already_counted", 409),
  "approval.form_invalid": invalid(),
  "approval.reviewer_not_eligible": refused("approval_reviewer_not_eligible", 422),
  "notify.invalid_message": invalid(),
  "notify.unknown_placeholder": invalid("form_param_value_invalid"),
  "notify.invalid_channel": invalid("form_param_value_invalid"),
  "notify.invalid_provider": invalid(),
  "notify.insecure_url": invalid("form_param_value_invalid"),
  "notify.provider_not_configured": refused("notification_provider_missing", 422),
  "notify.not_found": notFound(),
  "notify.not_dead": refused("notification_not_dead", 409),
  "signing_key.rotation_pending": refused("signing_key_rotation_pending", 409),
  internal: { status: 500, clerk: "internal_clerk_error", exit: 1 },
  "metrics.forbidden": { status: 403, clerk: "authorization_invalid", exit: 4 },
  "access.not_caught_up": { status: 503, clerk: "consistency_not_reached", exit: 1 },
  "access.invalid_consistency_token": invalid("form_param_format_invalid"),
  "notify.destination_refused": invalid("form_param_value_invalid"),
  "notify.purged": refused("notification_purged", 409),
  "auth.instance_admin_required": refused("authorization_invalid", 403),
  "secrets.master_key_conflict": { status: 500, clerk: "master_key_conflict", exit: 2 },
  "scim.token_not_found": notFound(),
  "scim.mapping_not_found": notFound(),
  "sso.connection_not_found": notFound(),
  "sso.domain_taken": refused("form_identifier_exists", 422),
  "sso.public_domain": invalid("form_param_value_invalid"),
  "sso.invalid_connection": invalid("form_param_value_invalid"),
  "sso.sign_in_refused": refused("sso_sign_in_refused", 401),
  "sso.redirect_not_allowed": invalid("form_param_value_invalid"),
  "sso.no_connection": notFound(),
  "webhook.unknown_event_type": invalid("form_param_value_invalid"),
  "webhook.invalid_endpoint": invalid("form_param_value_invalid"),
  "webhook.endpoint_not_found": notFound(),
  "webhook.message_not_found": notFound(),
  "sign_in_token.not_found": notFound(),
  "sign_in_token.unusable": refused("sign_in_token_unusable", 401),
  "auth.csrf_refused": refused("authorization_invalid", 403),
  "sso.domain_unverified": refused("organization_domain_unverified", 422),
} satisfies Record<string, ErrorSpec>);

/** A stable, dotted error code such as `role.not_found`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Optional parts of an error: structured details for scripts, the parameter at fault, the cause. */
export interface ErrorOptions {
  details?: Record<string, unknown>;
  /** The input field at fault (HTTP `meta.param_name`, CLI flag hint). */
  param?: string;
  cause?: unknown;
}

/** The one error class of clerk: a stable code, a message saying what was wrong and what would be right. */
export class ClerkError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly param: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.details = options.details ?? {};
    this.param = options.param;
  }

  /** How this error travels over HTTP and the CLI. */
  get spec(): ErrorSpec {
    return ERROR_CODES[this.code];
  }
}

/**
 * The one boundary where a failure from below becomes a ClerkError: an engine input error (a bad key, scope
 * or resource that reached the pure core) is the caller's mistake, `input.invalid`, never a 500. Anything
 * else unknown stays unknown (undefined) for the transport to log.
 */
export function asClerkError(error: unknown): ClerkError | undefined {
  if (error instanceof ClerkError) return error;
  if (error instanceof EngineInputError) return new ClerkError("input.invalid", error.message, { cause: error });
  return undefined;
}

/** Whether `error` is a ClerkError (also across module copies). */
export function isClerkError(error: unknown): error is ClerkError {
  return error instanceof ClerkError;
}
