// The OrganizationDomain object of Clerk's Backend API (@clerk/backend returns it as raw snake_case JSON).
import type { Domain } from "./domain.service.js";

/** `object: "organization_domain"`; a verified domain carries an admin verification, an unverified one null. */
export function domainObject(d: Domain) {
  const verification = d.verified ? { status: "verified", strategy: "admin", attempts: null, expire_at: null } : null;
  return {
    object: "organization_domain" as const,
    id: d.id,
    organization_id: d.organization.id,
    name: d.name,
    enrollment_mode: d.enrollmentMode,
    affiliation_email_address: null,
    verification,
    affiliation_verification: verification,
    ownership_verification: verification,
    total_pending_invitations: 0,
    total_pending_suggestions: 0,
    public_organization_data: {
      id: d.organization.id,
      name: d.organization.name,
      slug: d.organization.slug,
      image_url: "",
      has_image: false,
    },
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}
