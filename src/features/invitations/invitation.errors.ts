// The errors the invitations feature throws.
import { ClerkError } from "../../errors.js";
import { BULK_LIMIT } from "./invitation.schema.js";

export function invitationNotFound(ref: string, organization: string): ClerkError {
  const what = ref.includes("@") ? `pending invitation for ${ref}` : `invitation "${ref}"`;
  return new ClerkError(
    "invitation.not_found",
    `No ${what} in ${organization}. List them with: clerk org invitation list --organization "${organization}"`,
    {
      param: "invitation_id",
      details: { ref },
    },
  );
}

export function invitationNotUnique(email: string, organization: string): ClerkError {
  return new ClerkError(
    "invitation.not_unique",
    `${email} already has a pending invitation to ${organization}; revoke it first (clerk org invitation revoke) or wait for it to expire.`,
    { param: "email_address" },
  );
}

export function invitationNotPending(id: string, status: string): ClerkError {
  return new ClerkError(
    "invitation.not_pending",
    `Invitation ${id} is ${status}, not pending; only a pending invitation can be revoked.`,
    {
      param: "invitation_id",
      details: { status },
    },
  );
}

export function alreadyMember(email: string, organization: string): ClerkError {
  return new ClerkError(
    "invitation.already_member",
    `${email} is already a member of ${organization}; change their roles with: clerk org member update`,
    {
      param: "email_address",
    },
  );
}

export function bulkSizeExceeded(count: number): ClerkError {
  return new ClerkError(
    "invitation.bulk_size_exceeded",
    `A bulk request holds at most ${BULK_LIMIT} invitations; this one has ${count}. Split it up.`,
    {
      details: { count, max: BULK_LIMIT },
    },
  );
}

export function bulkEmpty(): ClerkError {
  return new ClerkError("input.invalid", "A bulk request needs at least one invitation.", { param: "body" });
}

export function inviterMustBeActor(actor: string, param: string): ClerkError {
  return new ClerkError(
    "input.invalid",
    `Acting as ${actor}, you act for yourself; leave ${param} out or set it to your own user id.`,
    { param },
  );
}
