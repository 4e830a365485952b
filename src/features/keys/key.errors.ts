// The errors the keys feature throws.
import { ClerkError } from "../../errors.js";

export function keyNotFound(ref: string): ClerkError {
  return new ClerkError("key.not_found", `No API key "${ref}". List them with: clerk keys list`, { param: "key" });
}

export function unauthenticated(why: string): ClerkError {
  return new ClerkError("auth.unauthenticated", why);
}

/** Keys are instance-wide credentials: a member (an agent key, `--as`, Clerk-Act-As) may not see or manage them. */
export function keysNeedInstanceAdmin(who: string, what: string): ClerkError {
  return new ClerkError(
    "permission.denied",
    `${who} may not ${what}: API keys are instance-wide, so only an instance secret key or the local operator (clerk without --as) may manage them.`,
  );
}
