// Finds the session token of a request: `Authorization: Bearer <token>` first, else the `__session` cookie.

type HeaderValue = string | string[] | null | undefined;

const first = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value[0] : (value ?? undefined));

/**
 * The session token a request carries, or null. The header wins over the cookie, as in Clerk's SDK.
 * @example
 * const token = tokenFromHeaders(req.headers.authorization, req.headers.cookie);
 */
export function tokenFromHeaders(authorization: HeaderValue, cookie: HeaderValue): string | null {
  const header = first(authorization);
  if (header !== undefined) {
    const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
    if (match) return match[1] ?? null;
  }
  const cookies = Array.isArray(cookie) ? cookie.join("; ") : cookie;
  if (!cookies) return null;
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== "__session") continue;
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    return value === "" ? null : value;
  }
  return null;
}
