// The errors of sign-in tokens and dashboard sessions.
import { ClerkError } from "../../errors.js";

export function signInTokenNotFound(ref: string): ClerkError {
  return new ClerkError("sign_in_token.not_found", `No sign-in token "${ref}".`, { param: "sign_in_token_id" });
}

/** Why a sign-in link did not sign anyone in: unknown, used, revoked or expired. */
export type UnusableReason = "unknown" | "accepted" | "revoked" | "expired";

const WHY: Record<UnusableReason, string> = {
  unknown: "This sign-in link is not valid",
  accepted: "This sign-in link was already used; each link signs in once",
  revoked: "This sign-in link was revoked",
  expired: "This sign-in link has expired",
};

export function signInTokenUnusable(reason: UnusableReason): ClerkError {
  return new ClerkError(
    "sign_in_token.unusable",
    `${WHY[reason]}. Ask an administrator for a new one (clerk dashboard login --email <address>).`,
    { details: { reason } },
  );
}

/** A state-changing request authenticated by the session cookie without proof it came from the dashboard. */
export function csrfRefused(why: string): ClerkError {
  return new ClerkError(
    "auth.csrf_refused",
    `Refused a cookie-authenticated ${why}: state-changing requests must come from this server's own pages (Origin equal to CLERK_PUBLIC_URL's origin, and the X-Clerk-Dashboard header). API clients send Authorization: Bearer <key> instead.`,
  );
}
