// The errors the keys feature throws.
import { ClerkError } from "../../errors.js";

export function keyNotFound(ref: string): ClerkError {
  return new ClerkError("key.not_found", `No API key "${ref}". List them with: clerk keys list`, { param: "key" });
}

export function unauthenticated(why: string): ClerkError {
  return new ClerkError("auth.unauthenticated", why);
}
