// The members feature's public face.
export { addMemberSchema, updateMemberSchema } from "./member.schema.js";
export {
  addMember,
  createOrganization,
  deleteUser,
  type DirectGrantInput,
  getMember,
  grantToMember,
  listDirectGrants,
  listMembers,
  listMembershipsAcross,
  type Membership,
  removeMember,
  revokeFromMember,
  updateMemberMetadata,
  updateMemberRoles,
} from "./member.service.js";
export { type MembershipObject, membershipObject, membershipSchema } from "./member.view.js";
