// The SDK for React (`clerk/react`): a provider fed with the session token, useAuth(), <Protect>, and Clerk's
// organization hooks and components (useOrganization, useOrganizationList, <OrganizationSwitcher/>, …).
// It DECODES the token without verifying it: fine for showing or hiding UI, never a security decision.
// The server must verify every request (verifyToken or a middleware).
import { type ReactNode, createElement, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type AuthCheck, type AuthObject, authObject, signedOutAuthObject } from "./auth-object.js";
import { systemClock } from "../clock.js";
import { createApi, refreshDelayMs } from "./org-api.js";
import { type ClerkSession, type SetActiveParams, SessionContext, useClerkSession } from "./react-session.js";

export type { SetActiveParams } from "./react-session.js";
export { ClerkApiError } from "./org-api.js";
export type {
  OrganizationInvitationResource,
  OrganizationMembershipResource,
  OrganizationResource,
  PageParams,
  RoleResource,
} from "./org-api.js";
export * from "./org-hooks.js";
export * from "./org-components.js";

/** What `useAuth()` returns: the auth object's fields and `has`, plus Clerk's `isLoaded`/`isSignedIn`. */
export interface UseAuthReturn extends Pick<
  AuthObject,
  "userId" | "sessionId" | "orgId" | "orgSlug" | "orgRole" | "orgRoles" | "orgPermissions" | "has"
> {
  isLoaded: boolean;
  isSignedIn: boolean;
  /** The current session token (for calling the app's own backend). */
  getToken: () => Promise<string | null>;
}

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

/** What the provider asks of `getToken`: a token of the signed-in session, with this organization active. */
export interface GetTokenOptions {
  /** The organization to make active (id); null for the personal account; absent keeps the session's. */
  organizationId?: string | null;
}

/** Props of {@link ClerkProvider}. */
export interface ClerkProviderProps {
  /** The session token (as minted by `POST /v1/sessions/{id}/tokens`); null means signed out. */
  token?: string | null;
  /** clerk's URL (e.g. `https://clerk.example.com`); "" (the default) is the page's own origin. */
  clerkUrl?: string;
  /**
   * Where tokens come from when the app's backend mints them: called for the first token (when `token` is absent),
   * before one expires, and on `setActive` with the new organization. Without it the provider asks clerk itself
   * with the current token (a session may mint its own next token), or, with neither, the `__session` cookie.
   */
  getToken?: (options: GetTokenOptions) => Promise<string | null>;
  children?: ReactNode;
}

type MintBody = { organization_id?: string | null };

/**
 * Makes the session available to `useAuth()`, `<Protect>`, the organization hooks and components. Decodes the
 * token client-side without verifying it: it decides what to render, not what is allowed; the server verifies
 * every request. Refreshes the token before it expires, and mints one for the new organization on `setActive`.
 * Overflowed tokens (`cx.ovf`) carry no permissions, so permission checks are false on the client.
 * @example
 * <ClerkProvider clerkUrl="https://clerk.example.com" token={sessionToken}>
 *   <App />
 * </ClerkProvider>
 */
export function ClerkProvider({ token: given, clerkUrl = "", getToken, children }: ClerkProviderProps): ReactNode {
  const [token, setToken] = useState<string | null>(given ?? null);
  const [isLoaded, setLoaded] = useState(given !== undefined);
  const [version, setVersion] = useState(0);
  const current = useRef(token);
  current.current = token;
  useEffect(() => {
    if (given !== undefined) {
      setToken(given);
      setLoaded(true);
    }
  }, [given]);

  const request = useMemo(() => createApi({ clerkUrl, token: () => current.current }), [clerkUrl]);
  const getTokenRef = useRef(getToken);
  getTokenRef.current = getToken;

  /** The session's next token: from the app's getToken, else minted by clerk for the session itself. */
  const mint = useCallback(
    async (body: MintBody): Promise<string | null> => {
      if (getTokenRef.current)
        return getTokenRef.current("organization_id" in body ? { organizationId: body.organization_id } : {});
      const sid = decodeTokenUnverified(current.current)?.sid;
      if (typeof sid !== "string") return null;
      const minted = await request<{ jwt: string }>("POST", `/v1/sessions/${encodeURIComponent(sid)}/tokens`, body);
      return minted.jwt;
    },
    [request],
  );

  // Start-up without a token: the app's getToken, or the same-site cookie (whose session then mints tokens).
  useEffect(() => {
    if (given !== undefined) return;
    let live = true;
    const start = async (): Promise<string | null> => {
      if (getTokenRef.current) return getTokenRef.current({});
      const who = await request<{ session_id: string | null }>("GET", "/v1/dashboard/session").catch(() => null);
      if (!who?.session_id) return null;
      const minted = await request<{ jwt: string }>(
        "POST",
        `/v1/sessions/${encodeURIComponent(who.session_id)}/tokens`,
        {},
      ).catch(() => null);
      return minted?.jwt ?? null;
    };
    void start().then((t) => {
      if (!live) return;
      setToken(t);
      setLoaded(true);
    });
    return () => {
      live = false;
    };
  }, [given, request]);

  // A token lives a minute: fetch the next one shortly before it expires.
  useEffect(() => {
    const claims = decodeTokenUnverified(token);
    if (typeof claims?.exp !== "number") return;
    const iat = typeof claims.iat === "number" ? claims.iat : undefined;
    const timer = setTimeout(
      () => {
        void mint({}).then(
          (t) => t !== null && setToken(t),
          () => undefined,
        );
      },
      refreshDelayMs(claims.exp, systemClock.now(), iat),
    );
    return () => clearTimeout(timer);
  }, [token, mint]);

  const setActive = useCallback(
    async ({ organization, redirectUrl }: SetActiveParams): Promise<void> => {
      if (organization !== undefined) {
        const id = organization === null ? null : typeof organization === "string" ? organization : organization.id;
        const next = await mint({ organization_id: id });
        if (next !== null) {
          current.current = next;
          setToken(next);
        }
      }
      // No DOM types here (the SDK builds for Node too): the browser's location, when there is one.
      const location = (globalThis as { location?: { assign: (url: string) => void } }).location;
      if (redirectUrl !== undefined) location?.assign(redirectUrl);
    },
    [mint],
  );

  const session = useMemo<ClerkSession>(() => {
    const payload = decodeTokenUnverified(token);
    const auth = payload !== null && typeof payload.sub === "string" ? authObject(payload) : signedOutAuthObject();
    return { auth, token, isLoaded, request, setActive, version, changed: () => setVersion((v) => v + 1) };
  }, [token, isLoaded, request, setActive, version]);
  return createElement(SessionContext.Provider, { value: session }, children);
}

/**
 * The current session's user, organization and `has()`, from the nearest `<ClerkProvider>`.
 * @throws TypeError outside a ClerkProvider.
 * @example
 * const { isSignedIn, orgRole, has } = useAuth();
 * return has({ permission: "org:invoices:write" }) ? <EditButton /> : null;
 */
export function useAuth(): UseAuthReturn {
  const { auth, isLoaded, token } = useClerkSession("useAuth()");
  const { userId, sessionId, orgId, orgSlug, orgRole, orgRoles, orgPermissions, has } = auth;
  return {
    isLoaded,
    isSignedIn: userId !== null,
    userId,
    sessionId,
    orgId,
    orgSlug,
    orgRole,
    orgRoles,
    orgPermissions,
    has,
    getToken: async () => token,
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
