// The dashboard feature's public face: sign-in tokens, dashboard admins, and the session cookie as a credential.
export { actorForSessionCookie, sessionCookieToken, sessionOfCookie } from "./cookie-session.service.js";
export { isDashboardAdmin, makeDashboardAdmin } from "./dashboard-admin.service.js";
export { csrfRefused } from "./dashboard.errors.js";
export {
  type SignInToken,
  type TicketSignIn,
  consumeSignInToken,
  createSignInToken,
  revokeSignInToken,
  signInUrl,
} from "./sign-in-token.service.js";
