// The SCIM schemas and what scimmy does for us: it coerces a resource to the User or Group schema (types, required,
// mutability) and applies PatchOp messages (value-filtered and schema-qualified paths, no-path values). Before either
// sees a body, the IdPs' quirks are made standard here: Entra's "True"/"False" strings and capitalised ops, and a
// manager given as a bare id.
import SCIMMY from "scimmy";
import { ScimError, invalidSyntax, invalidValue } from "./scim.errors.js";
import { getCI } from "./scim.filter.js";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

let declared = false;
/** scimmy's schemas, with the enterprise extension on User (declared once per process). */
export function schemas() {
  if (!declared) {
    SCIMMY.Schemas.declare(SCIMMY.Schemas.EnterpriseUser.definition);
    SCIMMY.Schemas.User.extend(SCIMMY.Schemas.EnterpriseUser as never);
    declared = true;
  }
  return SCIMMY.Schemas;
}

export type ResourceKind = "User" | "Group";

/** The attribute names (lower case) a resource of this kind may carry at the top level. */
function knownAttributes(kind: ResourceKind): Set<string> {
  const s = schemas();
  const def = kind === "User" ? s.User.definition : s.Group.definition;
  const names = def.attributes.map((a: { name: string }) => a.name.toLowerCase());
  if (kind === "User") names.push(ENTERPRISE_SCHEMA.toLowerCase());
  return new Set(names);
}

/** Entra sends booleans as "True"/"False" (aadOptscim062020 fixes some of it, not all tenants have it). */
function booleanOf(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const l = v.toLowerCase();
  return l === "true" ? true : l === "false" ? false : v;
}

const BOOLEAN_ATTRIBUTES = new Set(["active", "primary"]);

/** Turns string booleans of boolean attributes into booleans, deeply. */
function fixBooleans(value: unknown, name?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => fixBooleans(v, name));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fixBooleans(v, k)]));
  return name !== undefined && BOOLEAN_ATTRIBUTES.has(name.toLowerCase()) ? booleanOf(value) : value;
}

/** A manager given as a bare id (Entra) is `{ value: id }`. */
function fixManager(resource: Record<string, unknown>): void {
  const ext = resource[ENTERPRISE_SCHEMA];
  if (typeof ext === "object" && ext !== null && typeof (ext as Record<string, unknown>).manager === "string")
    (ext as Record<string, unknown>).manager = { value: (ext as Record<string, unknown>).manager };
}

/**
 * A resource from a POST or PUT body, coerced to its schema: unknown attributes refused (invalidValue), wrong types
 * and missing required attributes refused (invalidValue), read-only ones (id, meta, groups) dropped.
 */
export function resourceIn(kind: ResourceKind, body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidSyntax(`The body must be a SCIM ${kind} object.`);
  const known = knownAttributes(kind);
  const unknown = Object.keys(body).filter((k) => !known.has(k.toLowerCase()));
  if (unknown.length)
    throw invalidValue(
      `Unknown attribute${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} for a ${kind}; see /Schemas.`,
    );
  const fixed = fixBooleans(body) as Record<string, unknown>;
  if (kind === "User") fixManager(fixed);
  const declaredSchemas = getCI(fixed, "schemas");
  const core = kind === "User" ? USER_SCHEMA : GROUP_SCHEMA;
  if (!Array.isArray(declaredSchemas) || !declaredSchemas.some((s) => String(s).toLowerCase() === core.toLowerCase()))
    throw invalidSyntax(`"schemas" must list ${core}.`);
  try {
    const s = schemas();
    const instance = kind === "User" ? new s.User(fixed, "in") : new s.Group(fixed, "in");
    return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  } catch (error) {
    throw asScimError(error);
  }
}

/** scimmy's errors as ours: its SCIMErrors keep their status and type; its TypeErrors are bad values. */
export function asScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  const e = error as { status?: number; scimType?: string; message?: string };
  if (typeof e.status === "number") return new ScimError(e.status, e.scimType, e.message ?? "Invalid request.");
  return invalidValue(e.message ?? "Invalid value.");
}

/** A PatchOp body with Entra's spellings made standard: ops in lower case, string booleans, bare manager ids. */
function normalizePatch(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidSyntax("The body must be a PatchOp message.");
  const b = body as Record<string, unknown>;
  const ops = getCI(b, "Operations");
  if (!Array.isArray(ops) || ops.length === 0)
    throw invalidSyntax('A PatchOp needs "Operations": a non-empty list of { op, path?, value? }.');
  if (ops.length > 1000) throw new ScimError(413, "tooMany", "At most 1000 operations per PATCH.");
  return {
    schemas: b.schemas,
    Operations: ops.flatMap((raw) => {
      if (typeof raw !== "object" || raw === null) throw invalidSyntax("Each operation must be an object.");
      const o = raw as Record<string, unknown>;
      const op = String(getCI(o, "op") ?? "").toLowerCase();
      const path = getCI(o, "path");
      let value = getCI(o, "value");
      const last = typeof path === "string" ? (path.split(/[.:]/).at(-1) ?? "") : undefined;
      if (last !== undefined && BOOLEAN_ATTRIBUTES.has(last.toLowerCase())) value = booleanOf(value);
      else if (last?.toLowerCase() === "manager" && typeof value === "string") value = { value };
      else value = fixBooleans(value);
      if (path === undefined && typeof value === "object" && value !== null && !Array.isArray(value))
        fixManager(value as Record<string, unknown>);
      return splitReplace({ op, ...(path === undefined ? {} : { path }), ...(value === undefined ? {} : { value }) });
    }),
  };
}

/**
 * A replace without a path replaces a multi-valued attribute whole (RFC 7644 §3.5.2.3: Okta sends a new primary
 * e-mail this way), where scimmy would append to it: each list in the value becomes a replace of its own path, the
 * rest stays one op (complex attributes merge, as the RFC says).
 */
function splitReplace(op: { op: string; path?: unknown; value?: unknown }): Record<string, unknown>[] {
  const value = op.value;
  if (
    op.op !== "replace" ||
    op.path !== undefined ||
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value)
  )
    return [op];
  const entries = Object.entries(value as Record<string, unknown>);
  const lists = entries.filter(([, v]) => Array.isArray(v));
  if (lists.length === 0) return [op];
  const rest = entries.filter(([, v]) => !Array.isArray(v));
  return [
    ...(rest.length > 0 ? [{ op: "replace", value: Object.fromEntries(rest) }] : []),
    ...lists.map(([path, v]) => ({ op: "replace", path, value: v })),
  ];
}

/** Applies a PatchOp to a resource (as answered, with id), returning the patched resource's attributes. */
export async function applyPatch(
  kind: ResourceKind,
  current: Record<string, unknown>,
  body: unknown,
): Promise<Record<string, unknown>> {
  const message = normalizePatch(body);
  try {
    const s = schemas();
    const patch = new SCIMMY.Messages.PatchOp(message as never);
    const instance = kind === "User" ? new s.User(current, "out") : new s.Group(current, "out");
    const result = await patch.apply(instance as never);
    return JSON.parse(JSON.stringify(result ?? instance)) as Record<string, unknown>;
  } catch (error) {
    throw asScimError(error);
  }
}

/** The schema definitions, as `/Schemas` answers them. */
export function schemaDefinitions(base: string): Record<string, unknown>[] {
  const s = schemas();
  return [s.User.definition, s.Group.definition, s.EnterpriseUser.definition].map(
    (d) => JSON.parse(JSON.stringify(d.describe(`${base}/Schemas`))) as Record<string, unknown>,
  );
}
