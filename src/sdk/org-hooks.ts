// Clerk's organization hooks for `clerk/react`: useOrganization() and useOrganizationList(), reading clerk's /v1 API
// with the signed-in session's token. Lists page as Clerk's do (page, pageCount, fetchNext, revalidate, …).
import { useCallback, useEffect, useMemo, useState } from "react";
import {
  type ApiPage,
  type ApiRequest,
  type OrganizationInvitationResource,
  type OrganizationMembershipResource,
  type OrganizationResource,
  type PageParams,
  type RoleResource,
  pageCountOf,
  pageQuery,
  toInvitation,
  toMembership,
  toOrganization,
  toRole,
} from "./org-api.js";
import { type SetActiveParams, useClerkSession } from "./react-session.js";

/** A paginated list, as Clerk's hooks return them. */
export interface PaginatedResources<T> {
  data: T[];
  count: number;
  isLoading: boolean;
  isFetching: boolean;
  isError: boolean;
  error: Error | null;
  page: number;
  pageCount: number;
  fetchPage: (page: number) => void;
  fetchNext: () => void;
  fetchPrevious: () => void;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  revalidate: () => void;
}

const EMPTY: PaginatedResources<never> = Object.freeze({
  data: [],
  count: 0,
  isLoading: false,
  isFetching: false,
  isError: false,
  error: null,
  page: 1,
  pageCount: 1,
  fetchPage: () => undefined,
  fetchNext: () => undefined,
  fetchPrevious: () => undefined,
  hasNextPage: false,
  hasPreviousPage: false,
  revalidate: () => undefined,
});

/** Reads one page of `path` (null: nothing to read) and re-reads when the page, the path or the session changes. */
function usePaged<T>(
  path: string | null,
  params: PageParams | true | undefined,
  map: (row: Record<string, unknown>) => T,
): PaginatedResources<T> {
  const { request, version } = useClerkSession("a clerk/react hook");
  const pageSize = (params === true ? undefined : params?.pageSize) ?? 10;
  const [page, setPage] = useState((params === true ? undefined : params?.initialPage) ?? 1);
  const [state, setState] = useState<{ rows: T[]; count: number; error: Error | null; loading: boolean }>({
    rows: [],
    count: 0,
    error: null,
    loading: true,
  });
  const [again, setAgain] = useState(0);
  const enabled = params !== undefined && path !== null;
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const glue = path.includes("?") ? "&" : "?";
    request<ApiPage>("GET", `${path}${glue}${pageQuery(page, pageSize)}`).then(
      (res) => live && setState({ rows: res.data.map(map), count: res.total_count, error: null, loading: false }),
      (error: unknown) => live && setState({ rows: [], count: 0, error: error as Error, loading: false }),
    );
    return () => {
      live = false;
    };
    // `map` is a module-level function at every call site.
  }, [enabled, path, page, pageSize, request, version, again]);
  const pageCount = pageCountOf(state.count, pageSize);
  const revalidate = useCallback(() => setAgain((n) => n + 1), []);
  if (!enabled) return EMPTY;
  return {
    data: state.rows,
    count: state.count,
    isLoading: state.loading && state.rows.length === 0,
    isFetching: state.loading,
    isError: state.error !== null,
    error: state.error,
    page,
    pageCount,
    fetchPage: (p) => setPage(Math.min(Math.max(1, p), pageCount)),
    fetchNext: () => setPage((p) => Math.min(p + 1, pageCount)),
    fetchPrevious: () => setPage((p) => Math.max(1, p - 1)),
    hasNextPage: page < pageCount,
    hasPreviousPage: page > 1,
    revalidate,
  };
}

/** The active organization, with the writes `<OrganizationProfile/>` uses (each refused by the API unless allowed). */
export interface ActiveOrganization extends OrganizationResource {
  inviteMember: (params: { emailAddress: string; role?: string }) => Promise<OrganizationInvitationResource>;
  updateMember: (params: { userId: string; role: string }) => Promise<OrganizationMembershipResource>;
  removeMember: (userId: string) => Promise<OrganizationMembershipResource>;
  revokeInvitation: (invitationId: string) => Promise<OrganizationInvitationResource>;
  getRoles: (params?: PageParams) => Promise<{ data: RoleResource[]; total_count: number }>;
}

function activeOrganization(org: OrganizationResource, request: ApiRequest, changed: () => void): ActiveOrganization {
  const base = `/v1/organizations/${encodeURIComponent(org.id)}`;
  const after = <T>(p: Promise<T>) =>
    p.then((v) => {
      changed();
      return v;
    });
  return {
    ...org,
    inviteMember: ({ emailAddress, role }) =>
      after(
        request<Record<string, unknown>>("POST", `${base}/invitations`, { email_address: emailAddress, role }).then(
          toInvitation,
        ),
      ),
    updateMember: ({ userId, role }) =>
      after(
        request<Record<string, unknown>>("PATCH", `${base}/memberships/${encodeURIComponent(userId)}`, { role }).then(
          toMembership,
        ),
      ),
    removeMember: (userId) =>
      after(
        request<Record<string, unknown>>("DELETE", `${base}/memberships/${encodeURIComponent(userId)}`).then(
          toMembership,
        ),
      ),
    revokeInvitation: (invitationId) =>
      after(
        request<Record<string, unknown>>(
          "POST",
          `${base}/invitations/${encodeURIComponent(invitationId)}/revoke`,
          {},
        ).then(toInvitation),
      ),
    getRoles: async ({ initialPage = 1, pageSize = 100 } = {}) => {
      const res = await request<ApiPage>("GET", `${base}/roles?${pageQuery(initialPage, pageSize)}`);
      return { data: res.data.map(toRole), total_count: res.total_count };
    },
  };
}

/** Reads the signed-in user's memberships once (up to `limit`), for the active organization's own row. */
function useOwnMemberships(limit: number): { rows: OrganizationMembershipResource[] | null; error: Error | null } {
  const { request, auth, version, isLoaded } = useClerkSession("a clerk/react hook");
  const [state, setState] = useState<{ rows: OrganizationMembershipResource[] | null; error: Error | null }>({
    rows: null,
    error: null,
  });
  const userId = auth.userId;
  useEffect(() => {
    if (!isLoaded) return;
    if (userId === null) {
      setState({ rows: [], error: null });
      return;
    }
    let live = true;
    request<ApiPage>("GET", `/v1/users/${encodeURIComponent(userId)}/organization_memberships?limit=${limit}`).then(
      (res) => live && setState({ rows: res.data.map(toMembership), error: null }),
      (error: unknown) => live && setState({ rows: [], error: error as Error }),
    );
    return () => {
      live = false;
    };
  }, [request, userId, version, isLoaded, limit]);
  return state;
}

/** Parameters of {@link useOrganization}: which lists to read (none by default, as Clerk's). */
export interface UseOrganizationParams {
  memberships?: true | PageParams;
  invitations?: true | (PageParams & { status?: ("pending" | "accepted" | "revoked" | "expired")[] });
}

/** What {@link useOrganization} returns. */
export interface UseOrganizationReturn {
  isLoaded: boolean;
  /** The active organization (the token's `org_id`); null for the personal account or signed out. */
  organization: ActiveOrganization | null;
  /** The signed-in user's membership in it: roles and every permission they hold (system ones included). */
  membership: OrganizationMembershipResource | null;
  memberships: PaginatedResources<OrganizationMembershipResource>;
  invitations: PaginatedResources<OrganizationInvitationResource>;
  /** Not Clerk's: the last read's error (e.g. the API refused the member list), in the API's words. */
  error: Error | null;
}

/**
 * The active organization, the user's membership in it, and, when asked, its members and invitations (paged).
 * @example
 * const { organization, membership, memberships } = useOrganization({ memberships: { pageSize: 20 } });
 * const canManage = membership?.permissions.includes("org:sys_memberships:manage");
 */
export function useOrganization(params: UseOrganizationParams = {}): UseOrganizationReturn {
  const session = useClerkSession("useOrganization()");
  const orgId = session.auth.orgId;
  const own = useOwnMemberships(500);
  const membership = orgId === null ? null : (own.rows?.find((m) => m.organization.id === orgId) ?? null);
  const { request, changed } = session;
  const organization = useMemo(
    () => (membership === null ? null : activeOrganization(membership.organization, request, changed)),
    [membership, request, changed],
  );
  const base = orgId === null ? null : `/v1/organizations/${encodeURIComponent(orgId)}`;
  const m = params.memberships;
  const memberships = usePaged(base && `${base}/memberships`, m, toMembership);
  const i = params.invitations;
  const status = (i === true ? undefined : i?.status) ?? ["pending"];
  const invitations = usePaged(base && `${base}/invitations?status=${status.join(",")}`, i, toInvitation);
  return {
    isLoaded: session.isLoaded && own.rows !== null,
    organization,
    membership,
    memberships,
    invitations,
    error: own.error ?? memberships.error ?? invitations.error,
  };
}

/** Parameters of {@link useOrganizationList}. */
export interface UseOrganizationListParams {
  userMemberships?: true | PageParams;
}

/** What {@link useOrganizationList} returns. */
export interface UseOrganizationListReturn {
  isLoaded: boolean;
  userMemberships: PaginatedResources<OrganizationMembershipResource>;
  /** Makes an organization active (a new session token for it), or the personal account with `organization: null`. */
  setActive: (params: SetActiveParams) => Promise<void>;
  /** Creates an organization (the API decides who may). */
  createOrganization: (params: { name: string; slug?: string }) => Promise<OrganizationResource>;
}

/**
 * The signed-in user's organizations (paged), `setActive` to switch, and `createOrganization`.
 * @example
 * const { userMemberships, setActive } = useOrganizationList({ userMemberships: true });
 * userMemberships.data.map((m) => <button onClick={() => setActive({ organization: m.organization.id })}>…);
 */
export function useOrganizationList(params: UseOrganizationListParams = {}): UseOrganizationListReturn {
  const session = useClerkSession("useOrganizationList()");
  const userId = session.auth.userId;
  const path = userId === null ? null : `/v1/users/${encodeURIComponent(userId)}/organization_memberships`;
  const userMemberships = usePaged(path, params.userMemberships, toMembership);
  const { request, changed, setActive } = session;
  const createOrganization = useCallback(
    async ({ name, slug }: { name: string; slug?: string }) => {
      const body = { name, ...(slug === undefined ? {} : { slug }), created_by: userId ?? undefined };
      const org = toOrganization(await request<Record<string, unknown>>("POST", "/v1/organizations", body));
      changed();
      return org;
    },
    [request, changed, userId],
  );
  return { isLoaded: session.isLoaded, userMemberships, setActive, createOrganization };
}
