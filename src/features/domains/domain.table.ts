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
