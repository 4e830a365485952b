// The errors the sessions feature throws.
import { ClerkError } from "../../errors.js";

export function sessionNotFound(id: string): ClerkError {
  return new ClerkError("session.not_found", `No session "${id}". List them with: clerk sessions list`, {
    param: "session_id",
    details: { id },
  });
}

/** A revoked or expired session mints nothing; the user needs a new session. */
export function sessionNotActive(id: string, status: "revoked" | "expired", at: number): ClerkError {
  return new ClerkError(
    "session.not_active",
    `Session ${id} is ${status} (since ${new Date(at).toISOString()}) and cannot mint tokens; create a new one with: clerk sessions create --user <email>`,
    { param: "session_id", details: { id, status } },
  );
}

/** Said the same way whether the organization exists or not, like every cross-tenant miss. */
export function notAMember(user: string, organization: string): ClerkError {
  return new ClerkError(
    "session.not_member",
    `${user} is not a member of organization "${organization}", so a token cannot make it active; add them first (clerk org member add) or leave --organization out.`,
    { param: "organization_id" },
  );
}

/** A rotation is already announced: a second one would make verifiers miss the key announced first. */
export function rotationPending(kid: string, signsFrom: number): ClerkError {
  return new ClerkError(
    "signing_key.rotation_pending",
    `Signing key ${kid} is already published and starts signing at ${new Date(signsFrom).toISOString()}; wait until then, or replace it and the current key at once with: clerk keys rotate-signing --now (verifiers may refuse new tokens until they refetch the JWKS).`,
    { details: { kid, signs_from: signsFrom } },
  );
}
