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

export function domainAlreadyVerified(name: string): ClerkError {
  return new ClerkError("domain.already_verified", `${name} is already verified; there is nothing to prove.`, {
    param: "domain_id",
  });
}

export function verificationMissing(name: string): ClerkError {
  return new ClerkError(
    "domain.verification_missing",
    `No verification of ${name} is under way; start one with: clerk org domain verify ${name} --method dns (or --method email --email it@${name})`,
    { param: "domain_id" },
  );
}

export function verificationExpired(name: string): ClerkError {
  return new ClerkError(
    "domain.verification_expired",
    `The verification of ${name} expired; start a new one with: clerk org domain verify ${name} --method …`,
    { param: "domain_id" },
  );
}

export function verificationFailed(message: string, param: string): ClerkError {
  return new ClerkError("domain.verification_failed", message, { param });
}

export function tooManyAttempts(name: string): ClerkError {
  return new ClerkError(
    "domain.verification_attempts",
    `Too many wrong codes for ${name}; the code is void. Send a new one with: clerk org domain verify ${name} --method email --email …`,
    { param: "code" },
  );
}

export function emailOutsideDomain(email: string, name: string): ClerkError {
  return new ClerkError(
    "domain.email_outside_domain",
    `${email} is not an address at ${name}; the code must go to someone who receives mail at the domain (e.g. it@${name}).`,
    { param: "email_address" },
  );
}

export function noEmailProvider(): ClerkError {
  return new ClerkError(
    "domain.no_email_provider",
    "No e-mail provider is configured, so no code can be sent; add one (clerk notify configure --provider email …) or verify by DNS (--method dns).",
    { param: "strategy" },
  );
}
