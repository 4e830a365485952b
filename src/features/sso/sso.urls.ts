// Where this instance's SSO endpoints live (CLERK_PUBLIC_URL: the server's address as browsers and IdPs reach
// it), and which redirect_url a finished sign-in may send the browser to.
import { redirectNotAllowed } from "./sso.errors.js";

/** The server's public base URL, without a trailing slash. */
export function publicUrl(): string {
  return (process.env.CLERK_PUBLIC_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
}

/** The SAML service provider's entity id for a connection (also its metadata URL, so it resolves). */
export const spEntityId = (connectionId: string): string => `${publicUrl()}/sso/saml/${connectionId}/metadata`;
export const spMetadataUrl = spEntityId;
/** Where the IdP posts its SAML response (HTTP-POST binding). */
export const acsUrl = (connectionId: string): string => `${publicUrl()}/sso/saml/${connectionId}/acs`;
/** Where the OIDC provider sends the browser back with its code. */
export const oidcCallbackUrl = (connectionId: string): string => `${publicUrl()}/sso/oidc/${connectionId}/callback`;

/**
 * The origins a sign-in may return to: the server's own, and those listed (comma-separated) in
 * CLERK_SIGN_IN_REDIRECT_ORIGINS, e.g. `https://app.acme.com,https://admin.acme.com`.
 */
export function allowedRedirectOrigins(): Set<string> {
  const origins = new Set([new URL(publicUrl()).origin]);
  for (const item of (process.env.CLERK_SIGN_IN_REDIRECT_ORIGINS ?? "").split(",")) {
    const value = item.trim();
    if (!value) continue;
    try {
      origins.add(new URL(value).origin);
    } catch {
      // A malformed entry allows nothing.
    }
  }
  return origins;
}

/**
 * The redirect_url as an absolute URL on an allowed origin (a relative path stays on this server), or
 * `sso.redirect_not_allowed`. Only http(s) is ever allowed, so `javascript:` and the like never pass.
 */
export function checkedRedirect(value: string | undefined): string {
  if (value === undefined || value === "") return `${publicUrl()}/`;
  let url: URL;
  try {
    url = new URL(value, `${publicUrl()}/`);
  } catch {
    throw redirectNotAllowed(value);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || !allowedRedirectOrigins().has(url.origin))
    throw redirectNotAllowed(value);
  return url.href;
}

/** Whether the server is reached on loopback, where a cookie cannot be `Secure` (plain http). */
export function onLoopback(): boolean {
  const host = new URL(publicUrl()).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1";
}
