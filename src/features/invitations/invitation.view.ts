// The OrganizationInvitation object of Clerk's Backend API (what @clerk/backend's OrganizationInvitation.fromJSON reads).
import type { Invitation } from "./invitation.service.js";

/** `object: "organization_invitation"` with Clerk's fields; `url` (the accept link) is shown only by the call that created it. */
export function invitationObject(i: Invitation) {
  const [first, ...rest] = (i.inviter?.name ?? "").split(" ");
  return {
    object: "organization_invitation" as const,
    id: i.id,
    email_address: i.emailAddress,
    role: i.role.key,
    role_name: i.role.name,
    organization_id: i.organization.id,
    inviter_id: i.inviter?.id ?? null,
    public_inviter_data: i.inviter && {
      user_id: i.inviter.id,
      first_name: first || null,
      last_name: rest.join(" ") || null,
      image_url: "",
      has_image: false,
      identifier: i.inviter.email ?? "",
    },
    status: i.status,
    public_metadata: i.publicMetadata,
    private_metadata: i.privateMetadata,
    url: i.acceptUrl ?? null,
    expires_at: i.expiresAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    public_organization_data: {
      id: i.organization.id,
      name: i.organization.name,
      slug: i.organization.slug,
      image_url: "",
      has_image: false,
    },
  };
}
