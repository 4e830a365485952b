// The members feature's public face.
export { addMemberSchema, updateMemberSchema } from "./member.schema.js";
export {
  addMember,
  createOrganization,
  type DirectGrantInput,
  getMember,
  grantToMember,
  listDirectGrants,
  listMembers,
  type Membership,
  removeMember,
  revokeFromMember,
  updateMemberRoles,
} from "./member.service.js";
export { type MembershipObject, membershipObject, membershipSchema } from "./member.view.js";
