// The errors the SCIM feature throws: ClerkErrors for its management operations, ScimError for the SCIM protocol
// (RFC 7644 §3.12: the status as a string, a scimType, and a detail a person can act on).
import { ClerkError } from "../../errors.js";

export function scimTokenNotFound(ref: string): ClerkError {
  return new ClerkError(
    "scim.token_not_found",
    `No SCIM token "${ref}" in this organization. List them with: clerk scim token list --org <org>`,
    {
      param: "token_id",
    },
  );
}

export function scimMappingNotFound(group: string, organization: string): ClerkError {
  return new ClerkError(
    "scim.mapping_not_found",
    `The group "${group}" is not mapped to any role in ${organization}. List mappings with: clerk scim groups --org ${organization}`,
    {
      param: "group",
    },
  );
}

/** A SCIM protocol error, answered as `urn:ietf:params:scim:api:messages:2.0:Error`. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

export const invalidValue = (detail: string) => new ScimError(400, "invalidValue", detail);
export const invalidSyntax = (detail: string) => new ScimError(400, "invalidSyntax", detail);
export const invalidFilter = (detail: string) => new ScimError(400, "invalidFilter", detail);
export const uniqueness = (detail: string) => new ScimError(409, "uniqueness", detail);
export const notFound = (what: string, id: string) =>
  new ScimError(404, undefined, `No ${what} "${id}" in this organization's SCIM directory.`);
