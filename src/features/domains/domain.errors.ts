// The errors the domains feature throws.
import { ClerkError } from "../../errors.js";
import { MAX_DOMAINS_PER_ORGANIZATION } from "./domain.schema.js";

export function domainNotFound(ref: string, organization: string): ClerkError {
  return new ClerkError(
    "domain.not_found",
    `No domain "${ref}" in ${organization}. List them with: clerk org domain list --organization "${organization}"`,
    {
      param: "domain_id",
      details: { ref },
    },
  );
}

export function commonDomain(name: string): ClerkError {
  return new ClerkError(
    "domain.common",
    `${name} is a public e-mail provider, not an organization's domain; use the organization's own domain.`,
    {
      param: "name",
    },
  );
}

export function domainExistsInOrganization(name: string, organization: string): ClerkError {
  return new ClerkError(
    "domain.exists_in_organization",
    `${organization} already has the domain ${name}; change it with: clerk org domain update`,
    {
      param: "name",
    },
  );
}

export function domainVerifiedElsewhere(name: string): ClerkError {
  return new ClerkError(
    "domain.exists",
    `${name} is already verified by another organization; a domain can be verified by only one.`,
    { param: "name" },
  );
}

export function domainQuotaExceeded(organization: string): ClerkError {
  return new ClerkError(
    "domain.quota_exceeded",
    `${organization} already has ${MAX_DOMAINS_PER_ORGANIZATION} domains, the most an organization can have; remove one first (clerk org domain remove).`,
  );
}
