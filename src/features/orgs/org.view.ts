// The Organization object of Clerk's Backend API (what @clerk/backend's Organization.fromJSON reads), plus our fields.
import type { Organization } from "./org.service.js";

/** `object: "organization"` with Clerk's fields; `description`, `parent_id` and `inherit_ancestor_read` are clerk's own additions. */
export function organizationObject(org: Organization, membersCount?: number) {
  return {
    object: "organization" as const,
    id: org.id,
    name: org.name,
    slug: org.slug,
    image_url: "",
    has_image: false,
    ...(membersCount === undefined ? {} : { members_count: membersCount }),
    max_allowed_memberships: org.maxAllowedMemberships,
    admin_delete_enabled: true,
    public_metadata: org.publicMetadata,
    private_metadata: org.privateMetadata,
    created_by: org.createdBy ?? "",
    created_at: org.createdAt,
    updated_at: org.updatedAt,
    description: org.description,
    parent_id: org.parentId,
    inherit_ancestor_read: org.inheritAncestorRead,
  };
}
