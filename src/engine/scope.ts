// Scopes (`type:pattern`) and resources (`type:id`): parsing, formatting and matching one against the other.
import { EngineInputError } from "./errors.js";
import { compileScope, matchesCompiled, resourceKey } from "./pattern.js";

/** A grant's scope: the resource type it covers and a pattern for the ids. */
export interface Scope {
  type: string;
  pattern: string;
}

const TYPE = /^[a-z][a-z0-9_-]*$/;
const TYPE_RULE =
  'must start with a lowercase letter and hold only lowercase letters, digits, "_" or "-" (e.g. repository)';

/**
 * Parses one scope such as `repository:*-app` or `path:docs/`.
 * @throws EngineInputError for a missing or malformed type, an empty pattern, a comma, or a path
 * pattern that is absolute, contains a `..` segment, `%` or `\`.
 */
export function parseScope(input: string): Scope {
  const text = input.trim();
  const colon = text.indexOf(":");
  if (colon === -1) {
    throw new EngineInputError(
      `Scope "${text}" has no type; expected <type>:<pattern>, e.g. repository:*-app or path:docs/.`,
    );
  }
  const type = text.slice(0, colon);
  const pattern = text.slice(colon + 1);
  if (!TYPE.test(type)) throw new EngineInputError(`Scope type "${type}" in "${text}" ${TYPE_RULE}.`);
  if (pattern === "") {
    throw new EngineInputError(
      `Scope "${text}" has an empty pattern; expected e.g. ${type}:frontend-app or ${type}:*-app.`,
    );
  }
  if (pattern.includes(",")) {
    throw new EngineInputError(`Scope "${text}" contains ","; give several scopes as a comma-separated list instead.`);
  }
  if (type === "path") checkPathPattern(text, pattern);
  return { type, pattern };
}

/**
 * Parses a comma-separated list of scopes, trimming each item.
 * @throws EngineInputError for an empty item, a duplicate, or any item {@link parseScope} rejects.
 */
export function parseScopes(input: string): Scope[] {
  const items = input.split(",");
  const seen = new Set<string>();
  return items.map((item, i) => {
    if (item.trim() === "") {
      throw new EngineInputError(
        `Scope list "${input}" has an empty item at position ${i + 1}; expected comma-separated scopes such as repository:frontend-app,repository:*-app.`,
      );
    }
    const scope = parseScope(item);
    const text = formatScope(scope);
    if (seen.has(text))
      throw new EngineInputError(`Scope ${text} is listed twice in "${input}"; list each scope once.`);
    seen.add(text);
    return scope;
  });
}

/** The scope as `type:pattern`, the form {@link parseScope} reads. */
export function formatScope(s: Scope): string {
  return `${s.type}:${s.pattern}`;
}

/**
 * True when `scope` covers `resource` (`type:id`): same type, and the pattern matches the id
 * (`*` any run without `/`, `**` any run, trailing `/` a prefix, otherwise exact). Path ids are
 * decoded (percent-encoding once, `\` as `/`) and normalised first, and never match when they escape
 * upwards or are still encoded after one decode. Not for the check path: it compiles.
 */
export function scopeMatches(scope: Scope, resource: string): boolean {
  const key = resourceKey(resource);
  return key !== null && matchesCompiled(compileScope(scope), key);
}

/**
 * Parses a resource `type:id`.
 * @throws EngineInputError when the type is missing or malformed or the id is empty.
 */
export function parseResource(input: string): { type: string; id: string } {
  const text = input.trim();
  const colon = text.indexOf(":");
  if (colon <= 0) {
    throw new EngineInputError(`Resource "${text}" has no type; expected <type>:<id>, e.g. repository:frontend-app.`);
  }
  const type = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (!TYPE.test(type)) throw new EngineInputError(`Resource type "${type}" in "${text}" ${TYPE_RULE}.`);
  if (id === "")
    throw new EngineInputError(`Resource "${text}" has an empty id; expected <type>:<id>, e.g. ${type}:frontend-app.`);
  return { type, id };
}

function checkPathPattern(text: string, pattern: string): void {
  if (pattern.startsWith("/")) {
    throw new EngineInputError(
      `Path scope "${text}" must be relative; drop the leading "/", e.g. path:${pattern.replace(/^\/+/, "") || "docs/"}.`,
    );
  }
  if (/[%\\]/.test(pattern)) {
    throw new EngineInputError(
      `Path scope "${text}" must not contain "%" or "\\": resources are decoded and "\\" read as "/" before matching; write the path with "/" and without percent-encoding, e.g. path:docs/.`,
    );
  }
  if (pattern.split("/").includes("..")) {
    throw new EngineInputError(
      `Path scope "${text}" must not contain a ".." segment; name the directory itself, e.g. path:docs/.`,
    );
  }
}
