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

export function notCaughtUp(key: string, have: number, wanted: number, waitedMs: number): ClerkError {
  const what = key === "*" ? "the instance's policy" : `the policy of ${key}`;
  return new ClerkError(
    "access.not_caught_up",
    `This server has ${what} at version ${have}, and the consistency token asks for at least ${wanted}; it waited ${waitedMs} ms. Retry, or check that the token comes from this deployment.`,
    { details: { organization: key, version: have, at_least: wanted } },
  );
}

/** Reads `org_…@7,*@3` (a write's Clerk-Consistency-Token), or throws a specific input error. */
export function parseConsistencyToken(token: string): { key: string; version: number }[] {
  const parts = token.split(",").map((p) => /^(org_[0-9A-Za-z]+|\*)@([0-9]{1,15})$/.exec(p.trim()));
  if (token.trim() === "" || parts.some((m) => m === null))
    throw new ClerkError(
      "access.invalid_consistency_token",
      `at_least "${token.slice(0, 200)}" is not a consistency token: pass the Clerk-Consistency-Token header a write answered, e.g. org_2abc…@7.`,
      { param: "at_least" },
    );
  return parts.map((m) => ({ key: (m as RegExpExecArray)[1] as string, version: Number((m as RegExpExecArray)[2]) }));
}
