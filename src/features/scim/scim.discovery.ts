// What a SCIM client reads first: ServiceProviderConfig, ResourceTypes and Schemas (RFC 7643 §5–7).
import { notFound } from "./scim.errors.js";
import { MAX_RESULTS } from "./scim.list.js";
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA, schemaDefinitions } from "./scim.schema.js";

/** The largest request body a SCIM endpoint reads. */
export const MAX_PAYLOAD = 1024 * 1024;

/** ServiceProviderConfig: PATCH, filters and ETags supported; no bulk, sort or password changes. */
export function serviceProviderConfig(base: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: "https://github.com/clerk/clerk/blob/main/docs/scim.md",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_PAYLOAD },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A SCIM token of this organization: clerk scim token create --org <org>",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

function resourceTypeList(base: string) {
  return [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "A member of the organization",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A group whose members get the roles mapped to its name",
      schema: GROUP_SCHEMA,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

/** The two resource types, User with the enterprise extension. */
export function resourceTypes(base: string) {
  const resources = resourceTypeList(base);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** The schemas, as a ListResponse. */
export function schemaList(base: string) {
  const resources = schemaDefinitions(base);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** One resource type by its id (`User`, `Group`), as RFC 7644 §4 lets a client ask for it alone. */
export function resourceType(base: string, id: string) {
  const found = resourceTypeList(base).find((r) => r.id === id);
  if (!found) throw notFound("resource type", id);
  return found;
}

/** One schema by its URN. */
export function schemaById(base: string, id: string) {
  const found = schemaDefinitions(base).find((s) => s.id === id);
  if (!found) throw notFound("schema", id);
  return found;
}
