// The errors the settings feature throws.
import { ClerkError } from "../../errors.js";

/** Instance-wide counts describe every tenant, so a member acting as themselves may not read them. */
export function statusNeedsInstanceAdmin(who: string): ClerkError {
  return new ClerkError(
    "permission.denied",
    `${who} may not read the instance's status: it counts every organization's data, so only an instance secret key or the local operator (clerk without --as) may.`,
  );
}
