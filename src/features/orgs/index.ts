// The organizations feature's public face.
export { findOrgById, lockOrgRow } from "./org.repository.js";
export { type CreateOrgInput, createOrgSchema, slugify, type UpdateOrgInput, updateOrgSchema } from "./org.schema.js";
export { noOrganization } from "./org.errors.js";
export {
  ancestorsOfOrg,
  listOrganizations,
  listOrgTree,
  membersCount,
  type OrgListQuery,
  type OrgInfo,
  type OrgTreeEntry,
  type Organization,
  orgInfo,
  organizationOf,
  organizationsToRead,
  resolveOrg,
  toOrganization,
  visibleOrgIds,
} from "./org.read.js";
export { createOrg, deepMerge, deleteOrg, updateOrg, updateOrgMetadata } from "./org.service.js";
export {
  type DeletedOrganizationObject,
  type OrganizationObject,
  deletedOrganizationSchema,
  organizationObject,
  organizationSchema,
} from "./org.view.js";
