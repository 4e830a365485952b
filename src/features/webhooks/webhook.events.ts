// Clerk-format events: which audit actions become which event types, the object each carries, and the outbox
// rows written for the endpoints that subscribe, all in the transaction of the change.
import { type ServiceContext, SYSTEM_ACTOR } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { type RecordedAudit, onAuditEvent } from "../audit/index.js";
import { domainObject, getDomain } from "../domains/index.js";
import { getInvitation, invitationObject } from "../invitations/index.js";
import { type Membership, getMember, membershipObject } from "../members/index.js";
import { enqueueEndpointMessage } from "../notifications/index.js";
import { organizationObject, resolveOrg } from "../orgs/index.js";
import { permissionObject, resolvePermission } from "../permissions/index.js";
import { resolveRole, roleObject } from "../roles/index.js";
import { getSession, sessionObject } from "../sessions/index.js";
import { getSetting } from "../settings/index.js";
import { resolveUser, userObject } from "../users/index.js";

/** Every event type clerk sends, by category, as Clerk names them. */
export const EVENT_TYPES = Object.freeze({
  user: ["user.created", "user.updated", "user.deleted"],
  organization: ["organization.created", "organization.updated", "organization.deleted"],
  organizationMembership: [
    "organizationMembership.created",
    "organizationMembership.updated",
    "organizationMembership.deleted",
  ],
  organizationInvitation: [
    "organizationInvitation.created",
    "organizationInvitation.accepted",
    "organizationInvitation.revoked",
  ],
  organizationDomain: ["organizationDomain.created", "organizationDomain.updated", "organizationDomain.deleted"],
  role: ["role.created", "role.updated", "role.deleted"],
  permission: ["permission.created", "permission.updated", "permission.deleted"],
  session: ["session.created", "session.ended", "session.removed", "session.revoked"],
} as const);

type Category = keyof typeof EVENT_TYPES;
export type EventType = (typeof EVENT_TYPES)[Category][number];

const ALL_TYPES: readonly string[] = Object.values(EVENT_TYPES).flat();

/** The audit action each event type is made from (several actions may make the same type). */
const FROM_ACTION: Readonly<Record<string, EventType>> = {
  "user.created": "user.created",
  "user.updated": "user.updated",
  "user.metadata_updated": "user.updated",
  "user.deleted": "user.deleted",
  "org.created": "organization.created",
  "org.updated": "organization.updated",
  "org.metadata_updated": "organization.updated",
  "org.deleted": "organization.deleted",
  "member.added": "organizationMembership.created",
  "member.updated": "organizationMembership.updated",
  "member.metadata_updated": "organizationMembership.updated",
  "member.removed": "organizationMembership.deleted",
  "invitation.created": "organizationInvitation.created",
  "invitation.accepted": "organizationInvitation.accepted",
  "invitation.revoked": "organizationInvitation.revoked",
  "domain.created": "organizationDomain.created",
  "domain.updated": "organizationDomain.updated",
  "domain.verified": "organizationDomain.updated",
  "domain.deleted": "organizationDomain.deleted",
  "role.created": "role.created",
  "role.updated": "role.updated",
  "role.deleted": "role.deleted",
  "permission.created": "permission.created",
  "permission.updated": "permission.updated",
  "permission.deleted": "permission.deleted",
  "session.created": "session.created",
  "session.ended": "session.ended",
  "session.removed": "session.removed",
  "session.revoked": "session.revoked",
};

/** The event type an audit action makes, if any. */
export function eventTypeOf(action: string): EventType | undefined {
  return FROM_ACTION[action];
}

/**
 * Checks and normalises an endpoint's filters: `*` (everything), `<category>.*` (e.g. `user.*`) or an event type;
 * an unknown one is refused with the list of what exists.
 */
export function parseEventFilters(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of values.flatMap((v) => v.split(","))) {
    const value = raw.trim();
    if (value === "") continue;
    const category = value.endsWith(".*") ? value.slice(0, -2) : null;
    const known =
      value === "*" ||
      (category !== null && Object.hasOwn(EVENT_TYPES, category)) ||
      (category === null && ALL_TYPES.includes(value));
    if (!known)
      throw new ClerkError(
        "webhook.unknown_event_type",
        `"${value}" is not an event type. Use *, a category with .* (${Object.keys(EVENT_TYPES)
          .map((c) => `${c}.*`)
          .join(", ")}) or one of: ${ALL_TYPES.join(", ")}.`,
        { param: "events" },
      );
    out.add(value);
  }
  if (out.size === 0)
    throw new ClerkError("webhook.unknown_event_type", 'Name at least one event type, e.g. "user.*" or "*".', {
      param: "events",
    });
  return [...out];
}

/** Whether an endpoint's filters take an event type. */
export function filtersMatch(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === "*" || f === type || (f.endsWith(".*") && type.startsWith(f.slice(0, -1))));
}

/** Clerk's deleted object: `{ object, id, deleted: true }` (`slug` for organizations). */
function deleted(object: string, e: RecordedAudit, extra: Record<string, unknown> = {}) {
  return { object, id: e.target.id ?? "", ...extra, deleted: true };
}

/**
 * The object an event carries: what the API answers for it, read in the change's transaction as the instance
 * (the actor's own rights do not narrow what the receiver learns of the change it caused).
 */
async function dataOf(tx: ServiceContext, type: EventType, e: RecordedAudit): Promise<Record<string, unknown>> {
  const sys: ServiceContext = { ...tx, actor: SYSTEM_ACTOR };
  const id = e.target.id ?? "";
  const org = async () => resolveOrg(sys, e.organizationId ?? "");
  switch (type) {
    case "user.created":
    case "user.updated":
      return userObject(await resolveUser(sys, id));
    case "user.deleted":
      return deleted("user", e);
    case "organization.created":
    case "organization.updated":
      return organizationObject(await resolveOrg(sys, id));
    case "organization.deleted":
      return deleted("organization", e, { slug: e.target.label });
    case "organizationMembership.created":
    case "organizationMembership.updated": {
      const o = await org();
      return membershipObject(sys, o, await getMember(sys, o.id, e.target.label ?? ""));
    }
    case "organizationMembership.deleted": {
      // The membership is gone; Clerk still sends it whole: rebuilt from the user and the roles it held.
      const o = await org();
      const before = (e.before ?? {}) as { roles?: string[] };
      const roles = await Promise.all((before.roles ?? []).map((key) => resolveRole(sys, key, o.id)));
      const m: Membership = {
        id,
        organizationId: o.id,
        user: await resolveUser(sys, e.target.label ?? ""),
        roles: roles.map((r) => ({ id: r.id, key: r.key, name: r.name })),
        createdAt: e.createdAt,
        updatedAt: e.createdAt,
        // The metadata went with the row; the audit view keeps only e-mail and roles.
        publicMetadata: {},
        privateMetadata: {},
      };
      return membershipObject(sys, o, m);
    }
    case "organizationInvitation.created":
    case "organizationInvitation.accepted":
    case "organizationInvitation.revoked":
      return invitationObject(await getInvitation(sys, e.organizationId ?? "", id));
    case "organizationDomain.created":
    case "organizationDomain.updated":
      return domainObject(await getDomain(sys, e.organizationId ?? "", id));
    case "organizationDomain.deleted":
      return deleted("organization_domain", e);
    case "role.created":
    case "role.updated":
      return roleObject(sys, await resolveRole(sys, id));
    case "role.deleted":
      return deleted("role", e, { key: e.target.label });
    case "permission.created":
    case "permission.updated":
      return permissionObject(await resolvePermission(sys, id));
    case "permission.deleted":
      return deleted("permission", e, { key: e.target.label });
    case "session.created":
    case "session.ended":
    case "session.removed":
    case "session.revoked": {
      const s = await getSession(sys, id);
      return { ...sessionObject(s), user: userObject(await resolveUser(sys, s.userId)) };
    }
  }
}

/**
 * The audit hook: for an action that makes an event type, writes one outbox row per enabled endpoint whose
 * filters take it. Actions that make no event cost nothing; others cost one read of the endpoints.
 */
export async function queueEvent(tx: ServiceContext, e: RecordedAudit): Promise<void> {
  const type = eventTypeOf(e.action);
  if (type === undefined) return;
  const endpoints = (
    await tx.db
      .selectFrom("webhook_endpoints")
      .select(["id", "provider_id", "event_types"])
      .where("enabled", "=", 1)
      .execute()
  ).filter((ep) => filtersMatch(JSON.parse(ep.event_types) as string[], type));
  if (endpoints.length === 0) return;
  const data = await dataOf(tx, type, e).catch((error: unknown) => {
    // An object the change left unreadable (a bug, not the caller's doing) must not undo the change itself: the
    // receiver still learns what happened and to which id. Store errors are not caught (the transaction is lost).
    if (!(error instanceof ClerkError)) throw error;
    return { object: e.target.type, id: e.target.id ?? "" };
  });
  const payload = {
    data,
    object: "event",
    type,
    timestamp: e.createdAt,
    instance_id: (await getSetting(tx, "instance_id")) ?? "",
    event_attributes: { http_request: { client_ip: tx.ip ?? "", user_agent: "" } },
  };
  for (const ep of endpoints)
    await enqueueEndpointMessage(tx, {
      // The instance's, not the organization's: an organization's deletion must not drop its own events.
      organizationId: null,
      providerId: ep.provider_id,
      endpointId: ep.id,
      source: type,
      summary: `${type} ${e.target.id ?? ""}`.trim(),
      payload,
    });
}

/** Registers the hook that turns audit events into webhook events; idempotent, called wherever a context is built. */
export function installWebhookEvents(): void {
  onAuditEvent("webhooks", queueEvent);
}
