// Verified domains of an organization: e-mail domains whose users may join it.

/** How users with an e-mail at the domain join (Clerk's enrollment modes). */
export type EnrollmentMode = "manual_invitation" | "automatic_invitation" | "automatic_suggestion" | "enterprise_sso";

/** A row of `organization_domains`. */
export interface OrganizationDomainsTable {
  id: string;
  organization_id: string;
  /** Lowercased host name, e.g. `acme.com`. */
  name: string;
  enrollment_mode: EnrollmentMode;
  /** 1 when verified; a name is verified by at most one organization. */
  verified: number;
  created_at: number;
  updated_at: number;
}

/** How a domain's ownership is proven: a DNS TXT record, or a code e-mailed to an address at the domain. */
export type VerificationStrategy = "dns_record" | "email_code";

/**
 * A row of `domain_verifications`: the latest proof started for a domain (one per domain). `secret` is the TXT
 * value for DNS (not secret: it is published) or the SHA-256 of the e-mailed code.
 */
export interface DomainVerificationsTable {
  domain_id: string;
  strategy: VerificationStrategy;
  secret: string;
  email_address: string | null;
  attempts: number;
  expire_at: number;
  verified_at: number | null;
  created_at: number;
}
