// The browser's client of clerk's public /v1 API for `clerk/react`: a Bearer session token (or, to start, the
// same-site `__session` cookie), errors in the API's own words, and Clerk's resource shapes (camelCase) for the
// organization components. No React here: pure mapping and fetch, so it is testable on its own.

/** An API refusal or failure, carrying the API's message (`long_message`) and code. */
export class ClerkApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.code = code;
  }
}

/** How the client reaches clerk: its base URL ("" for the page's own origin) and the current session token. */
export interface ApiOptions {
  clerkUrl: string;
  /** The session token to send as Bearer; null sends the `__session` cookie instead (same site only). */
  token: () => string | null;
  fetch?: typeof fetch;
}

/** One call to clerk's API. */
export type ApiRequest = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** The API's error body, reduced to what a person should read. */
export function errorOf(status: number, body: unknown): ClerkApiError {
  const first = (body as { errors?: { code?: string; message?: string; long_message?: string }[] } | null)?.errors?.[0];
  const message = first?.long_message ?? first?.message ?? `clerk answered ${status}`;
  return new ClerkApiError(status, first?.code ?? "unknown", message);
}

/**
 * A request function for clerk's API. With a token: `Authorization: Bearer`. Without: the cookie, with the
 * header that clerk's CSRF defence asks of state-changing cookie requests (so: same origin only).
 * @example
 * const request = createApi({ clerkUrl: "", token: () => token });
 * const page = await request("GET", `/v1/users/${userId}/organization_memberships?limit=10`);
 */
export function createApi(options: ApiOptions): ApiRequest {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const token = options.token();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : { "x-clerk-dashboard": "1" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await doFetch(`${options.clerkUrl}${path}`, {
      method,
      headers,
      credentials: token ? "omit" : "include",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!res.ok) throw errorOf(res.status, parsed);
    return parsed as T;
  };
}

/** Clerk's paging parameters, shared by every paginated list of the hooks. */
export interface PageParams {
  /** Skips the first `initialPage - 1` pages (default 1). */
  initialPage?: number;
  /** Rows per page (default 10). */
  pageSize?: number;
}

/** `limit` and `offset` for a 1-based page. */
export function pageQuery(page: number, pageSize: number): string {
  return `limit=${pageSize}&offset=${(Math.max(1, page) - 1) * pageSize}`;
}

/** How many pages `count` rows fill (at least one, so "page 1 of 1" reads right when empty). */
export function pageCountOf(count: number, pageSize: number): number {
  return Math.max(1, Math.ceil(count / pageSize));
}

/** Clerk's Organization resource, as far as clerk has it. */
export interface OrganizationResource {
  id: string;
  name: string;
  slug: string;
  imageUrl: string;
  hasImage: boolean;
  maxAllowedMemberships: number;
  adminDeleteEnabled: boolean;
  publicMetadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** Clerk's OrganizationMembership resource; `roles` (every role held) is clerk's own. */
export interface OrganizationMembershipResource {
  id: string;
  role: string;
  roleName: string;
  roles: string[];
  permissions: string[];
  publicMetadata: Record<string, unknown>;
  publicUserData: {
    userId: string;
    identifier: string;
    firstName: string | null;
    lastName: string | null;
    imageUrl: string;
    hasImage: boolean;
  };
  organization: OrganizationResource;
  createdAt: Date;
  updatedAt: Date;
}

/** Clerk's OrganizationInvitation resource. */
export interface OrganizationInvitationResource {
  id: string;
  emailAddress: string;
  role: string;
  roleName: string;
  organizationId: string;
  status: string;
  publicMetadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** A role that may be given in an organization. */
export interface RoleResource {
  id: string;
  key: string;
  name: string;
  description: string | null;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {});
const date = (v: unknown): Date => new Date(typeof v === "number" ? v : 0);

/** The API's organization object, in Clerk's resource shape. */
export function toOrganization(o: Json): OrganizationResource {
  return {
    id: str(o.id),
    name: str(o.name),
    slug: str(o.slug),
    imageUrl: str(o.image_url),
    hasImage: o.has_image === true,
    maxAllowedMemberships: typeof o.max_allowed_memberships === "number" ? o.max_allowed_memberships : 0,
    adminDeleteEnabled: o.admin_delete_enabled === true,
    publicMetadata: obj(o.public_metadata),
    createdAt: date(o.created_at),
    updatedAt: date(o.updated_at),
  };
}

/** The API's membership object, in Clerk's resource shape. */
export function toMembership(m: Json): OrganizationMembershipResource {
  const u = obj(m.public_user_data);
  return {
    id: str(m.id),
    role: str(m.role),
    roleName: str(m.role_name),
    roles: Array.isArray(m.roles) ? m.roles.map(str) : [],
    permissions: Array.isArray(m.permissions) ? m.permissions.map(str) : [],
    publicMetadata: obj(m.public_metadata),
    publicUserData: {
      userId: str(u.user_id),
      identifier: str(u.identifier),
      firstName: typeof u.first_name === "string" ? u.first_name : null,
      lastName: typeof u.last_name === "string" ? u.last_name : null,
      imageUrl: str(u.image_url),
      hasImage: u.has_image === true,
    },
    organization: toOrganization(obj(m.organization)),
    createdAt: date(m.created_at),
    updatedAt: date(m.updated_at),
  };
}

/** The API's invitation object, in Clerk's resource shape. */
export function toInvitation(i: Json): OrganizationInvitationResource {
  return {
    id: str(i.id),
    emailAddress: str(i.email_address),
    role: str(i.role),
    roleName: str(i.role_name),
    organizationId: str(i.organization_id),
    status: str(i.status),
    publicMetadata: obj(i.public_metadata),
    createdAt: date(i.created_at),
    updatedAt: date(i.updated_at),
  };
}

/** The API's role object, reduced to what a role picker shows. */
export function toRole(r: Json): RoleResource {
  return {
    id: str(r.id),
    key: str(r.key),
    name: str(r.name),
    description: typeof r.description === "string" ? r.description : null,
  };
}

/** A list answer of the API. */
export interface ApiPage {
  data: Json[];
  total_count: number;
}

/**
 * When to fetch the next token: 10 s before this one expires (half its life when shorter), never in the past.
 * @example
 * setTimeout(refresh, refreshDelayMs(claims.exp, Date.now()));
 */
export function refreshDelayMs(expSeconds: number, nowMs: number, iatSeconds?: number): number {
  const left = expSeconds * 1000 - nowMs;
  const life = iatSeconds === undefined ? left : (expSeconds - iatSeconds) * 1000;
  const margin = Math.min(10_000, life / 2);
  return Math.max(0, left - margin);
}
