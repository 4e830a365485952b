// The Organization object of Clerk's Backend API (what @clerk/backend's Organization.fromJSON reads), plus our
// fields, and the shapes built from it: the deletion answer, the tree entry and the overview of `org info`.
import { z } from "zod";
import { deletedObject, deletedObjectSchema, metadata, millis } from "../../operations/index.js";
import type { OrgInfo, Organization } from "./org.read.js";

/** `object: "organization"` with Clerk's fields; `description`, `parent_id` and `inherit_ancestor_read` are clerk's own. */
export const organizationSchema = z.object({
  object: z.literal("organization"),
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  image_url: z.string().describe("Always empty: clerk keeps no images"),
  has_image: z.boolean().describe("Always false: clerk keeps no images"),
  members_count: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Present only when include_members_count=true was asked for"),
  max_allowed_memberships: z.number().int().min(0).describe("Member limit; 0 means none"),
  admin_delete_enabled: z.boolean().describe("Always true"),
  public_metadata: metadata,
  private_metadata: metadata,
  created_by: z.string().describe("The creating user's id, or empty when none was given"),
  created_at: millis,
  updated_at: millis,
  description: z.string().nullable(),
  parent_id: z.string().nullable().describe("The parent organization; null at the top level"),
  inherit_ancestor_read: z.boolean().describe("Whether members of ancestors may read here"),
});

export type OrganizationObject = z.infer<typeof organizationSchema>;

export function organizationObject(org: Organization, membersCount?: number): OrganizationObject {
  return {
    object: "organization",
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

/** Clerk's DeletedObject for an organization (descendants deleted with it are in the audit log, one event each). */
export const deletedOrganizationSchema = deletedObjectSchema("organization");

export type DeletedOrganizationObject = z.infer<typeof deletedOrganizationSchema>;

export function deletedOrganizationObject(o: Organization): DeletedOrganizationObject {
  return deletedObject("organization", o.id);
}

/** An organization in tree order, with its depth (0 at the top level). */
export const organizationTreeEntrySchema = organizationSchema.extend({
  depth: z.number().int().min(0).describe("0 at the top level (or under an organization the caller may not see)"),
});

/** The few fields that name an organization in an overview. */
const organizationRefSchema = z.object({ id: z.string(), slug: z.string(), name: z.string() });

const organizationRef = (o: Organization) => ({ id: o.id, slug: o.slug, name: o.name });

/** A role defined by the organization itself, as the overview lists it. */
export interface OwnRole {
  id: string;
  key: string;
  name: string;
  members: number;
}

/** The overview of `org info`: the organization with its member count, its neighbours, own roles and workflows. */
export const organizationInfoSchema = organizationSchema.extend({
  members_count: z.number().int().min(0),
  parent: organizationRefSchema.nullable(),
  children: z.array(organizationRefSchema),
  roles: z
    .array(z.object({ id: z.string(), key: z.string(), name: z.string(), members: z.number().int().min(0) }))
    .describe("The roles defined in this organization (not inherited ones), with their member counts"),
  workflows_count: z.number().int().min(0),
});

export function organizationInfoObject(
  info: OrgInfo,
  roles: readonly OwnRole[],
  workflowsCount: number,
): z.infer<typeof organizationInfoSchema> {
  return {
    ...organizationObject(info.organization, info.membersCount),
    members_count: info.membersCount,
    parent: info.parent && organizationRef(info.parent),
    children: info.children.map(organizationRef),
    roles: roles.map((r) => ({ id: r.id, key: r.key, name: r.name, members: r.members })),
    workflows_count: workflowsCount,
  };
}
