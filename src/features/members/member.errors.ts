// The errors the members feature throws.
import { ClerkError } from "../../errors.js";

export function memberNotFound(email: string, organization: string): ClerkError {
  return new ClerkError(
    "member.not_found",
    `${email} is not a member of ${organization}. Add them with: clerk org member add --organization "${organization}" --email "${email}" --role <role>`,
    {
      param: "email",
    },
  );
}

export function alreadyMember(email: string, organization: string): ClerkError {
  return new ClerkError(
    "member.exists",
    `${email} is already a member of ${organization}; change their roles with: clerk org member update`,
    { param: "email" },
  );
}

export function quotaExceeded(organization: string, max: number): ClerkError {
  return new ClerkError(
    "member.quota_exceeded",
    `${organization} allows at most ${max} members; raise it with: clerk org update --max-members <n>`,
  );
}
