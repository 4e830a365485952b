// The errors the grants feature throws.
import { ClerkError } from "../../errors.js";

export function invalidScope(input: string, why: string): ClerkError {
  return new ClerkError(
    "grant.invalid_scope",
    `"${input}" is not a valid scope: ${why} Use type:pattern, e.g. repository:frontend-app, repository:*-app, environment:staging or path:docs/.`,
    { param: "scope" },
  );
}

export function invalidExpiry(input: string, why: string): ClerkError {
  return new ClerkError(
    "grant.invalid_expiry",
    `--expires "${input}" ${why} Use a future date (2026-06-30) or ISO time (2026-06-30T17:00:00Z).`,
    {
      param: "expires",
    },
  );
}

export function grantNotFound(permission: string, holder: string): ClerkError {
  return new ClerkError("grant.not_found", `${holder} has no grant of ${permission}.`, { param: "permission" });
}
