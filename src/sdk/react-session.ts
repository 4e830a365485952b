// The session behind `clerk/react`: the current token, its decoded claims, the API client, and `setActive`,
// shared by <ClerkProvider> and the hooks through one React context.
import { createContext, useContext } from "react";
import type { AuthObject } from "./auth-object.js";
import type { ApiRequest } from "./org-api.js";

/** What `setActive` takes, as Clerk's: the organization (id, or an object with one) or null for the personal account. */
export interface SetActiveParams {
  organization?: string | { id: string } | null;
  /** Where to go once the new token is in (a full page load). */
  redirectUrl?: string;
}

/** The session state the provider shares. */
export interface ClerkSession {
  auth: AuthObject;
  token: string | null;
  /** False until the first token is known (cookie or `getToken` start-up). */
  isLoaded: boolean;
  request: ApiRequest;
  setActive: (params: SetActiveParams) => Promise<void>;
  /** Grows on every change the components make, so every list re-reads. */
  version: number;
  /** Marks a change: every hook's lists re-read. */
  changed: () => void;
}

export const SessionContext = createContext<ClerkSession | null>(null);

/**
 * The nearest provider's session. For the hooks and components of `clerk/react`.
 * @throws TypeError outside a ClerkProvider.
 */
export function useClerkSession(hook: string): ClerkSession {
  const session = useContext(SessionContext);
  if (session === null) throw new TypeError(`${hook} must be used inside <ClerkProvider>.`);
  return session;
}
