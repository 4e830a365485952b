// The SDK for React (`clerk/react`): a provider fed with the session token, useAuth(), and <Protect>.
// It DECODES the token without verifying it: fine for showing or hiding UI, never a security decision.
// The server must verify every request (verifyToken or a middleware).
import { type ReactNode, createContext, createElement, useContext, useMemo } from "react";
import { type AuthCheck, type AuthObject, authObject, signedOutAuthObject } from "./auth-object.js";

/** What `useAuth()` returns: the auth object's fields and `has`, plus Clerk's `isLoaded`/`isSignedIn`. */
export interface UseAuthReturn extends Pick<
  AuthObject,
  "userId" | "sessionId" | "orgId" | "orgSlug" | "orgRole" | "orgRoles" | "orgPermissions" | "has"
> {
  isLoaded: true;
  isSignedIn: boolean;
}

const AuthContext = createContext<AuthObject | null>(null);

function base64urlJson(segment: string): unknown {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/**
 * Reads a token's payload WITHOUT verifying its signature or expiry (browser-safe: no node:crypto). For UI only.
 * Returns null for anything that is not a JWT with a JSON object payload.
 * @example
 * const claims = decodeTokenUnverified(token); // { sub, o, … } or null
 */
export function decodeTokenUnverified(token: string | null | undefined): Record<string, unknown> | null {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) return null;
  try {
    const payload = base64urlJson(parts[1]!);
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Props of {@link ClerkProvider}. */
export interface ClerkProviderProps {
  /** The session token (as minted by `POST /v1/sessions/{id}/tokens`); null or absent means signed out. */
  token?: string | null;
  children?: ReactNode;
}

/**
 * Makes the session's claims available to `useAuth()` and `<Protect>`. Decodes the token client-side without
 * verifying it: it decides what to render, not what is allowed; the server verifies every request.
 * Overflowed tokens (`cx.ovf`) carry no permissions, so permission checks are false on the client.
 * @example
 * <ClerkProvider token={sessionToken}>
 *   <App />
 * </ClerkProvider>
 */
export function ClerkProvider({ token, children }: ClerkProviderProps): ReactNode {
  const auth = useMemo(() => {
    const payload = decodeTokenUnverified(token);
    return payload !== null && typeof payload.sub === "string" ? authObject(payload) : signedOutAuthObject();
  }, [token]);
  return createElement(AuthContext.Provider, { value: auth }, children);
}

/**
 * The current session's user, organization and `has()`, from the nearest `<ClerkProvider>`.
 * @throws TypeError outside a ClerkProvider.
 * @example
 * const { isSignedIn, orgRole, has } = useAuth();
 * return has({ permission: "org:invoices:write" }) ? <EditButton /> : null;
 */
export function useAuth(): UseAuthReturn {
  const auth = useContext(AuthContext);
  if (auth === null) throw new TypeError("useAuth() must be used inside <ClerkProvider>.");
  const { userId, sessionId, orgId, orgSlug, orgRole, orgRoles, orgPermissions, has } = auth;
  return {
    isLoaded: true,
    isSignedIn: userId !== null,
    userId,
    sessionId,
    orgId,
    orgSlug,
    orgRole,
    orgRoles,
    orgPermissions,
    has,
  };
}

/** Props of {@link Protect}: the check (all given parts must hold) and what to show otherwise. */
export interface ProtectProps extends AuthCheck {
  /** A custom condition instead of role/permission. */
  condition?: (has: AuthObject["has"]) => boolean;
  fallback?: ReactNode;
  children?: ReactNode;
}

/**
 * Renders its children when the session passes the check (or, with no check, is signed in), else `fallback`.
 * UI only: hide what the server would refuse anyway.
 * @example
 * <Protect permission="org:code:write" resource="repository:web-app" fallback={<p>Read-only</p>}>
 *   <Editor />
 * </Protect>
 */
export function Protect({ role, permission, resource, condition, fallback = null, children }: ProtectProps): ReactNode {
  const { isSignedIn, has } = useAuth();
  const allowed = !isSignedIn
    ? false
    : condition !== undefined
      ? condition(has)
      : role === undefined && permission === undefined
        ? true
        : has({ role, permission, resource });
  return allowed ? children : fallback;
}
