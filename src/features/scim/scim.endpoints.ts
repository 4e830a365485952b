// The SCIM 2.0 endpoints as values, transport-neutral: what each answers and the service call behind it. Changes run
// in one transaction with their audit events. src/http/scim.ts serves them and lists them in the OpenAPI document.
import { type ServiceContext, inTransaction } from "../../context.js";
import { resourceType, resourceTypes, schemaById, schemaList, serviceProviderConfig } from "./scim.discovery.js";
import {
  createScimGroup,
  deleteScimGroup,
  getScimGroup,
  listScimGroups,
  patchScimGroup,
  replaceScimGroup,
} from "./scim.groups.js";
import { listQuery, project } from "./scim.list.js";
import { ERROR_SCHEMA } from "./scim.schema.js";
import {
  type ScimScope,
  createScimUser,
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  replaceScimUser,
} from "./scim.users.js";

/** Where the SCIM endpoints live. */
export const SCIM_PREFIX = "/scim/v2";

/** Whether a path is a SCIM endpoint (authenticated by SCIM tokens, not API keys). */
export const isScimPath = (path: string) => path === SCIM_PREFIX || path.startsWith(`${SCIM_PREFIX}/`);

/** One SCIM request, authenticated: the token's context, the organization, and the request's parts. */
export interface ScimCall {
  ctx: ServiceContext;
  scope: ScimScope;
  id: string;
  query: Record<string, unknown>;
  body: unknown;
  ifMatch: string | undefined;
}

type Handler = (call: ScimCall) => Promise<unknown>;

/** One SCIM endpoint, declared once: served by src/http/scim.ts, listed in /v1/openapi.json (and so swept by the tenancy matrix). */
export interface ScimRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  summary: string;
  status?: 200 | 201 | 204;
  body?: boolean;
  /** Runs in a transaction (it changes something). */
  writes?: boolean;
  handler: Handler;
}

const write =
  (fn: (tx: ServiceContext, c: ScimCall) => Promise<unknown>): Handler =>
  (c) =>
    inTransaction(c.ctx, (tx) => fn(tx, c));

/** Every SCIM endpoint. */
export const SCIM_ROUTES: readonly ScimRoute[] = [
  {
    method: "GET",
    path: "/ServiceProviderConfig",
    summary: "What this SCIM service provider supports",
    handler: async (c) => serviceProviderConfig(c.scope.base),
  },
  {
    method: "GET",
    path: "/ResourceTypes",
    summary: "The SCIM resource types: User (with the enterprise extension) and Group",
    handler: async (c) => resourceTypes(c.scope.base),
  },
  {
    method: "GET",
    path: "/ResourceTypes/:id",
    summary: "One SCIM resource type: User or Group",
    handler: async (c) => resourceType(c.scope.base, c.id),
  },
  {
    method: "GET",
    path: "/Schemas",
    summary: "The SCIM schemas of User, Group and the enterprise extension",
    handler: async (c) => schemaList(c.scope.base),
  },
  {
    method: "GET",
    path: "/Schemas/:id",
    summary: "One SCIM schema by its URN",
    handler: async (c) => schemaById(c.scope.base, c.id),
  },
  {
    method: "GET",
    path: "/Users",
    summary: "SCIM users (members) of the organization, with filter, startIndex/count and attributes",
    handler: (c) => listScimUsers(c.ctx, c.scope, listQuery(c.query)),
  },
  {
    method: "POST",
    path: "/Users",
    status: 201,
    body: true,
    summary: "Provision a SCIM user: the clerk user (created when new) joins the organization",
    handler: write((tx, c) => createScimUser(tx, c.scope, c.body)),
  },
  { method: "GET", path: "/Users/:id", summary: "One SCIM user", handler: (c) => getScimUser(c.ctx, c.scope, c.id) },
  {
    method: "PUT",
    path: "/Users/:id",
    body: true,
    summary: "Replace a SCIM user; active=false suspends the membership",
    handler: write((tx, c) => replaceScimUser(tx, c.scope, c.id, c.body, c.ifMatch)),
  },
  {
    method: "PATCH",
    path: "/Users/:id",
    body: true,
    summary: "Patch a SCIM user (add/replace/remove); active=false suspends the membership at once",
    handler: write((tx, c) => patchScimUser(tx, c.scope, c.id, c.body, c.ifMatch)),
  },
  {
    method: "DELETE",
    path: "/Users/:id",
    status: 204,
    summary: "Deprovision a SCIM user: the membership is suspended",
    handler: write((tx, c) => deleteScimUser(tx, c.scope, c.id, c.ifMatch)),
  },
  {
    method: "GET",
    path: "/Groups",
    summary: "SCIM groups of the organization, with filter, paging and attributes",
    handler: (c) => listScimGroups(c.ctx, c.scope, listQuery(c.query)),
  },
  {
    method: "POST",
    path: "/Groups",
    status: 201,
    body: true,
    summary: "Push a group; its members get the roles mapped to its name",
    handler: write((tx, c) => createScimGroup(tx, c.scope, c.body)),
  },
  {
    method: "GET",
    path: "/Groups/:id",
    summary: "One SCIM group with its members",
    handler: (c) => getScimGroup(c.ctx, c.scope, c.id),
  },
  {
    method: "PUT",
    path: "/Groups/:id",
    body: true,
    summary: "Replace a SCIM group's name and members",
    handler: write((tx, c) => replaceScimGroup(tx, c.scope, c.id, c.body, c.ifMatch)),
  },
  {
    method: "PATCH",
    path: "/Groups/:id",
    body: true,
    summary: "Patch a SCIM group: add or remove members, rename",
    handler: write((tx, c) => patchScimGroup(tx, c.scope, c.id, c.body, c.ifMatch)),
  },
  {
    method: "DELETE",
    path: "/Groups/:id",
    status: 204,
    summary: "Delete a SCIM group; its members lose the roles it gave",
    handler: write((tx, c) => deleteScimGroup(tx, c.scope, c.id, c.ifMatch)),
  },
];

/** A single resource with `attributes` / `excludedAttributes` applied (lists apply them per resource). */
export function projectOne(result: unknown, query: Record<string, unknown>): unknown {
  const r = result as Record<string, unknown>;
  if (typeof r.id !== "string" || r.Resources !== undefined) return result;
  const q = listQuery({ attributes: query.attributes, excludedAttributes: query.excludedAttributes });
  return project(r, q);
}

/** A SCIM error body (RFC 7644 §3.12). */
export function scimErrorBody(status: number, detail: string, scimType?: string) {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}
