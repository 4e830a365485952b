// The errors the access feature throws.
import { ClerkError } from "../../errors.js";

export function permissionDenied(actor: string, permission: string, organization: string, reason: string): ClerkError {
  return new ClerkError(
    "permission.denied",
    `${actor} may not do this in ${organization}: it needs ${permission} (${reason}).`,
    {
      details: { permission, organization },
    },
  );
}

export function escalationRefused(actor: string, missing: readonly string[], organization: string): ClerkError {
  return new ClerkError(
    "permission.escalation",
    `${actor} cannot grant ${missing.join(", ")} in ${organization}: nobody can grant a permission they do not hold themselves (and granting needs org:sys_memberships:manage).`,
    { details: { missing } },
  );
}

export function invalidResource(input: string, why: string): ClerkError {
  return new ClerkError(
    "input.invalid",
    `"${input}" is not a resource: ${why} Use type:id, e.g. repository:frontend-app or environment:staging.`,
    {
      param: "resource",
    },
  );
}

export function lastManager(organization: string, permission: string): ClerkError {
  return new ClerkError(
    "member.last_manager",
    `This would leave ${organization} with nobody who holds ${permission}; give another member a role that holds it (e.g. org:admin) first.`,
    { details: { permission } },
  );
}
