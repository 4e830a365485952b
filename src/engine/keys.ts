// Permission and role keys: the canonical `org:<feature>:<action>` form and the seed's shorthand.
import { EngineInputError } from "./errors.js";

/** A permission key split into its parts; `key` is always canonical. */
export interface PermissionKey {
  key: string;
  feature: string;
  action: string;
}

const SEGMENT = /^[a-z0-9_]+$/;
const SHORTHAND_SEGMENT = /^[a-z0-9_-]+$/;
const CANONICAL = /^org:[a-z0-9_]+:[a-z0-9_]+$/;
const EXPECTED =
  "expected org:<feature>:<action> (e.g. org:code:read) or the shorthand <action>:<feature> (e.g. read:code)";

/**
 * Parses a permission key in canonical form (`org:code:read`) or the seed's shorthand
 * (`read:code`, `approve:pull-requests` -> `org:pull_requests:approve`).
 * @throws EngineInputError saying what is wrong with the key and what a right one looks like.
 */
export function parsePermissionKey(input: string): PermissionKey {
  const text = input.trim();
  if (text === "") throw new EngineInputError(`Permission key is empty; ${EXPECTED}.`);
  const parts = text.split(":");
  if (parts.length === 3) {
    const [prefix, feature, action] = parts as [string, string, string];
    if (prefix !== "org") {
      throw new EngineInputError(`Permission key "${text}" must start with "org:"; ${EXPECTED}.`);
    }
    checkCanonicalSegment(text, "feature", feature);
    checkCanonicalSegment(text, "action", action);
    return { key: `org:${feature}:${action}`, feature, action };
  }
  if (parts.length === 2) {
    const [action, feature] = parts as [string, string];
    if (action === "org") {
      throw new EngineInputError(
        `Permission key "${text}" has no action; expected org:${feature || "<feature>"}:<action>, e.g. org:${feature || "code"}:read.`,
      );
    }
    const normalFeature = shorthandSegment(text, "feature", feature);
    const normalAction = shorthandSegment(text, "action", action);
    return { key: `org:${normalFeature}:${normalAction}`, feature: normalFeature, action: normalAction };
  }
  if (parts.length === 1) {
    throw new EngineInputError(`Permission key "${text}" names no feature; ${EXPECTED}.`);
  }
  throw new EngineInputError(`Permission key "${text}" has ${parts.length} segments; ${EXPECTED}.`);
}

/**
 * Turns a role name into its key: "Code Reviewer" -> "org:code_reviewer"; a key stays as it is.
 * @throws EngineInputError when the name has no letters or digits to build a key from.
 */
export function roleKeyFromName(name: string): string {
  let rest = name.trim().toLowerCase();
  if (rest.startsWith("org:")) rest = rest.slice("org:".length);
  const slug = rest.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (slug === "") {
    throw new EngineInputError(
      `Role name "${name}" has no letters or digits to make a key from; use a name such as "Code Reviewer" (key org:code_reviewer).`,
    );
  }
  return `org:${slug}`;
}

/** True when `key` is a canonical permission key; cheap enough for the check path's rare branch. */
export function isCanonicalPermissionKey(key: string): boolean {
  return CANONICAL.test(key);
}

/** Splits a key already known to be canonical into its feature and action. */
export function splitCanonicalKey(key: string): { feature: string; action: string } {
  const last = key.lastIndexOf(":");
  return { feature: key.slice("org:".length, last), action: key.slice(last + 1) };
}

function checkCanonicalSegment(text: string, what: string, segment: string): void {
  if (segment === "") {
    throw new EngineInputError(`Permission key "${text}" has an empty ${what}; ${EXPECTED}.`);
  }
  if (!SEGMENT.test(segment)) {
    const fixed = suggestion(segment);
    const hint = fixed === "" ? "" : ` (did you mean "${fixed}"?)`;
    throw new EngineInputError(
      `The ${what} "${segment}" in permission key "${text}" may only hold lowercase letters, digits and "_"${hint}; ${EXPECTED}.`,
    );
  }
}

function shorthandSegment(text: string, what: string, segment: string): string {
  if (segment === "") {
    throw new EngineInputError(
      `Shorthand permission "${text}" has an empty ${what}; expected <action>:<feature>, e.g. read:code.`,
    );
  }
  if (!SHORTHAND_SEGMENT.test(segment)) {
    const fixed = suggestion(segment);
    const hint = fixed === "" ? "" : ` (did you mean "${fixed}"?)`;
    throw new EngineInputError(
      `The ${what} "${segment}" in shorthand permission "${text}" may only hold lowercase letters, digits, "_" and "-"${hint}; ${EXPECTED}.`,
    );
  }
  return segment.replace(/-/g, "_");
}

// The segment a user most likely meant, offered in the error so they can copy it.
function suggestion(segment: string): string {
  return segment
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}
