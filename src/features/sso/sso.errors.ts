// The errors the SSO feature throws. A refused sign-in carries its reason (the audit log names it too).
import { ClerkError } from "../../errors.js";

export function connectionNotFound(ref: string): ClerkError {
  return new ClerkError(
    "sso.connection_not_found",
    `No enterprise connection "${ref}". List them with: clerk sso list`,
    { param: "enterprise_connection_id" },
  );
}

export function domainTaken(domain: string, connectionId: string): ClerkError {
  return new ClerkError(
    "sso.domain_taken",
    `The domain "${domain}" already belongs to enterprise connection ${connectionId}; a domain belongs to one connection.`,
    { param: "domains", details: { domain, enterprise_connection_id: connectionId } },
  );
}

export function publicDomain(domain: string): ClerkError {
  return new ClerkError(
    "sso.public_domain",
    `"${domain}" is a public e-mail provider; its addresses say nothing about an organization. Use the organization's own domain.`,
    { param: "domains" },
  );
}

export function domainUnverified(domain: string, organizationId: string): ClerkError {
  return new ClerkError(
    "sso.domain_unverified",
    `An active connection signs people in only for verified domains, and ${domain} is not a verified domain of organization ${organizationId}; verify it first (clerk org domain verify ${domain} --method dns), or leave the connection inactive.`,
    { param: "domains", details: { domain } },
  );
}

export function invalidConnection(message: string, param: string): ClerkError {
  return new ClerkError("sso.invalid_connection", message, { param });
}

/** Why a sign-in was refused; `reason` is a stable word the audit event and the error details carry. */
export type SignInFailure =
  | "invalid_response"
  | "invalid_signature"
  | "wrong_audience"
  | "wrong_issuer"
  | "wrong_nonce"
  | "wrong_destination"
  | "forbidden_dtd"
  | "expired"
  | "unknown_request"
  | "replayed"
  | "recipient_mismatch"
  | "email_missing"
  | "email_outside_domains"
  | "redirect_not_allowed"
  | "connection_inactive"
  | "domain_unverified"
  | "oidc_rejected";

export function signInRefused(reason: SignInFailure, message: string, cause?: unknown): ClerkError {
  return new ClerkError("sso.sign_in_refused", message, { details: { reason }, cause });
}

export function redirectNotAllowed(url: string): ClerkError {
  return new ClerkError(
    "sso.redirect_not_allowed",
    `redirect_url "${url}" is not on this instance's allow-list (CLERK_PUBLIC_URL's origin and CLERK_SIGN_IN_REDIRECT_ORIGINS).`,
    { param: "redirect_url", details: { reason: "redirect_not_allowed" } },
  );
}

export function noConnectionForEmail(email: string): ClerkError {
  return new ClerkError("sso.no_connection", `No active enterprise connection serves the domain of "${email}".`, {
    param: "email_address",
  });
}
