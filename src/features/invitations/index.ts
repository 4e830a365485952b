// The invitations feature's public face.
export {
  BULK_LIMIT,
  type BulkInvitationInput,
  type CreateInvitationInput,
  createInvitationSchema,
  invitationStatusSchema,
  type ListInvitationsInput,
} from "./invitation.schema.js";
export {
  acceptInvitation,
  createInvitation,
  createInvitations,
  getInvitation,
  type Invitation,
  listInvitations,
  revokeInvitation,
} from "./invitation.service.js";
export type { InvitationStatus } from "./invitation.table.js";
export { type InvitationObject, invitationObject, invitationSchema } from "./invitation.view.js";
