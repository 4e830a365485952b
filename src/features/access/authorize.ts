// The one door of authorization: every guard states a requirement, `authorize` decides, `assertAllowed` refuses.
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { checkAccess, isMemberOf } from "./access.service.js";
import { permissionDenied } from "./access.errors.js";

/** An organization as a requirement names it: its id for the check, its slug (or name) for the message. */
export interface OrgRef {
  readonly id: string;
  readonly slug: string;
}

/**
 * What an operation needs of its actor. The operator (local CLI without --as), an instance secret key and the
 * system are instance admins and meet every requirement; a user actor (an agent key, --as, Clerk-Act-As) is
 * held to what their memberships give them.
 */
export type Requirement =
  /** Instance-wide operations: keys, sessions, notifications, settings, the catalogue, users, jobs. */
  | { readonly kind: "instance_admin"; readonly what: string; readonly why?: string }
  /** One of `anyOf` in the organization (one permission is the usual case). */
  | {
      readonly kind: "permission";
      readonly organization: OrgRef;
      readonly anyOf: readonly string[];
      readonly what?: string;
    }
  /** Membership of the organization itself, or else one of `anyOf` there (e.g. workflows are read by every member). */
  | {
      readonly kind: "member_or_permission";
      readonly organization: OrgRef;
      readonly anyOf: readonly string[];
      readonly what: string;
    }
  /** The user's own record, or an instance admin. */
  | { readonly kind: "self_or_instance_admin"; readonly userId: string; readonly what: string }
  /**
   * Minting tokens of one session: the session itself (its token, as Clerk's frontend refreshes and switches the
   * active organization) or an instance admin.
   */
  | { readonly kind: "own_session_or_instance_admin"; readonly sessionId: string; readonly what: string }
  /** Acting as another member: only an instance secret key may (it only ever narrows what the key may do). */
  | { readonly kind: "act_as" };

/** A decision that can be explained: whether, why, and the requirement it answers. */
export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** Why, in words: "instance admin", "holds org:sys_profile:manage", "not a member of acme"... */
  readonly reason: string;
  readonly requirement: Requirement;
  /** Who asked (the actor's label). */
  readonly actor: string;
}

/**
 * Whether the actor is an instance admin: the operator, an instance secret key, clerk itself, or a user signed
 * in to the dashboard whom the operator made an admin (`clerk dashboard login`).
 */
export function isInstanceAdmin(ctx: ServiceContext): boolean {
  return ctx.actor.type !== "user" || ctx.actor.admin === true;
}

/** The user the actor acts as (agent key, --as, Clerk-Act-As), or null for instance admins. */
export function actingUserId(ctx: ServiceContext): string | null {
  return ctx.actor.type === "user" ? ctx.actor.id : null;
}

const allow = (ctx: ServiceContext, requirement: Requirement, reason: string): AuthorizationDecision => ({
  allowed: true,
  reason,
  requirement,
  actor: ctx.actor.label,
});
const deny = (ctx: ServiceContext, requirement: Requirement, reason: string): AuthorizationDecision => ({
  allowed: false,
  reason,
  requirement,
  actor: ctx.actor.label,
});

type StoreFree = Extract<
  Requirement,
  { kind: "instance_admin" | "self_or_instance_admin" | "own_session_or_instance_admin" | "act_as" }
>;

/** The decisions that need no store read: act-as, instance admins, and the instance-wide requirements. */
function decideNow(ctx: ServiceContext, requirement: Requirement): AuthorizationDecision | undefined {
  if (requirement.kind === "act_as") {
    return ctx.actor.type === "api_key"
      ? allow(ctx, requirement, "an instance secret key may act as a member")
      : deny(ctx, requirement, "only an instance secret key may act as another member");
  }
  if (isInstanceAdmin(ctx))
    return allow(ctx, requirement, `instance admin (${ctx.actor.admin ? "dashboard admin" : ctx.actor.type})`);
  if (ctx.actor.id === null) return deny(ctx, requirement, "the actor names no user");
  if (requirement.kind === "instance_admin") return deny(ctx, requirement, "only an instance admin may");
  if (requirement.kind === "self_or_instance_admin") {
    return requirement.userId === ctx.actor.id
      ? allow(ctx, requirement, "the user's own record")
      : deny(ctx, requirement, "only the user themselves or an instance admin may");
  }
  if (requirement.kind === "own_session_or_instance_admin") {
    return requirement.sessionId === ctx.actor.sessionId
      ? allow(ctx, requirement, "a token of the session itself")
      : deny(ctx, requirement, "only the session itself or an instance admin may");
  }
  return undefined;
}

/** Decides whether the actor meets the requirement; never throws for a denial. */
export async function authorize(ctx: ServiceContext, requirement: Requirement): Promise<AuthorizationDecision> {
  const now = decideNow(ctx, requirement);
  if (now) return now;
  const userId = ctx.actor.id as string;
  if (requirement.kind === "member_or_permission" && (await isMemberOf(ctx, requirement.organization.id, userId)))
    return allow(ctx, requirement, `member of ${requirement.organization.slug}`);
  return holdsAny(ctx, requirement as Extract<Requirement, { anyOf: readonly string[] }>, userId);
}

async function holdsAny(
  ctx: ServiceContext,
  requirement: Extract<Requirement, { anyOf: readonly string[] }>,
  userId: string,
): Promise<AuthorizationDecision> {
  const reasons: string[] = [];
  for (const permission of requirement.anyOf) {
    const decision = await checkAccess(ctx, { organizationId: requirement.organization.id, userId, permission });
    if (decision.allowed) return allow(ctx, requirement, decision.reason);
    reasons.push(decision.reason);
  }
  return deny(ctx, requirement, reasons.join("; ") || "no permission named");
}

/** The one error for each kind of denial. */
export function denialError(decision: AuthorizationDecision): ClerkError {
  const r = decision.requirement;
  switch (r.kind) {
    case "act_as":
      return new ClerkError(
        "auth.act_as_refused",
        "Only an instance secret key may act as another member; an agent key always acts as its own user.",
      );
    case "instance_admin":
    case "self_or_instance_admin":
    case "own_session_or_instance_admin":
      return new ClerkError(
        "auth.instance_admin_required",
        `${decision.actor} may not ${r.what}${"why" in r && r.why ? `: ${r.why}` : ""}; only an instance secret key or the local operator (clerk without --as) may.`,
        { details: { required: "instance_admin" } },
      );
    case "permission":
    case "member_or_permission":
      if (r.what !== undefined || r.anyOf.length > 1 || r.kind === "member_or_permission") {
        return new ClerkError(
          "permission.denied",
          `${decision.actor} may not ${r.what ?? "do this"} in ${r.organization.slug}: it needs ${r.anyOf.join(" or ")}${r.kind === "member_or_permission" ? " (or membership)" : ""}.`,
          { details: { permissions: r.anyOf, organization: r.organization.slug } },
        );
      }
      return permissionDenied(decision.actor, r.anyOf[0] as string, r.organization.slug, decision.reason);
  }
}

/**
 * Refuses a user actor who lacks `permission` in the organization (`permission.denied`); instance admins pass.
 * The common case of `assertAllowed`, kept by name for its many callers.
 */
export async function assertActorMay(
  ctx: ServiceContext,
  organizationId: string,
  organizationLabel: string,
  permission: string,
): Promise<void> {
  await assertAllowed(ctx, {
    kind: "permission",
    organization: { id: organizationId, slug: organizationLabel },
    anyOf: [permission],
  });
}

/** Refuses the operation unless the actor meets the requirement (see `authorize`). */
export async function assertAllowed(ctx: ServiceContext, requirement: Requirement): Promise<void> {
  const decision = await authorize(ctx, requirement);
  if (!decision.allowed) throw denialError(decision);
}

/**
 * The synchronous form for requirements that need no store read (instance admin, own record, act-as), so
 * guards in synchronous code keep their shape.
 */
export function assertAllowedNow(ctx: ServiceContext, requirement: StoreFree): void {
  const decision = decideNow(ctx, requirement) as AuthorizationDecision;
  if (!decision.allowed) throw denialError(decision);
}
