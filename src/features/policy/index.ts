// The policy store's public face: the one owner of roles, role_parents, grants, memberships and
// membership_roles, and of the policy versions compiled policies are cached against.
export {
  type Grant,
  type GrantHolder,
  grantCreationTimes,
  grantsOf,
  holdersOfPermission,
  type PermissionHolder,
} from "./grant.reads.js";
export {
  type MembershipPage,
  type MembershipRecord,
  countMemberships,
  memberUserIds,
  membershipRecords,
  organizationIdsOfUser,
  organizationIdsWithMembers,
} from "./membership.reads.js";
export { loadPolicy, policyStamp } from "./policy.loader.js";
export {
  deleteMembership,
  deleteOrganizationPolicy,
  deleteRoleRows,
  insertMembership,
  insertRole,
  removeGrant,
  replaceMembershipRoles,
  replaceRoleParents,
  restoreMembership,
  revokePermissionEverywhere,
  suspendMembership,
  updateRoleRow,
  upsertGrant,
  writeMembershipMetadata,
} from "./policy.store.js";
export { lockPolicyOwner, markPolicyChanged } from "./policy.version.js";
export {
  allRoleRows,
  childLinks,
  clashingRoleKeys,
  countRoles,
  findRoleRowById,
  findRoleRowsByKey,
  linksAbove,
  linksBelow,
  memberCountsByRole,
  membersCountColumn,
  membersHoldingRole,
  organizationsHoldingRoles,
  parentLinks,
  policyCountsOf,
  type RoleRow,
  roleNames,
  roleOwners,
  roleRefsById,
  rolesOutside,
  usableRoleRows,
} from "./role.reads.js";
export { organizationsBelow } from "./org-tree.reads.js";
