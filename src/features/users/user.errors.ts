// The errors the users feature throws.
import { ClerkError } from "../../errors.js";
import { didYouMean } from "../../suggest.js";

/** No user matches the reference. */
export function userNotFound(ref: string, known: readonly string[] = []): ClerkError {
  return new ClerkError("user.not_found", `No user "${ref}".${didYouMean(ref, known)}`, { details: { ref } });
}

/** The e-mail address is not valid. */
export function invalidEmail(value: string): ClerkError {
  return new ClerkError("user.invalid_email", `"${value}" is not an e-mail address; use the form name@example.com.`, {
    param: "email",
  });
}

/** Another user already has this e-mail address (case-insensitive). */
export function emailTaken(email: string): ClerkError {
  return new ClerkError("user.email_taken", `A user with the e-mail address "${email}" already exists.`, {
    param: "email",
  });
}
