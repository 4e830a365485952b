// Scope patterns compiled for the check path: exact, prefix, one wildcard, or a general glob.
import type { Scope } from "./scope.js";

/** How a compiled scope is matched; the common shapes avoid a regular expression. */
export type PatternKind = "exact" | "prefix" | "one_star" | "glob";

/**
 * A scope ready to match resource keys (`type:id`, path ids already normalised). Every field
 * is a prefix of or piece of `type:pattern`, so matching never allocates.
 */
export interface CompiledScope {
  readonly scope: Scope;
  /** `type:pattern`, also the key for exact scopes. */
  readonly text: string;
  readonly kind: PatternKind;
  /** For one_star: `type:` plus the literal before the wildcard. */
  readonly head: string;
  /** For one_star: the literal after the wildcard. */
  readonly tail: string;
  /** For one_star: true for `*`, which may not cross a `/`. */
  readonly noSlash: boolean;
  readonly regex: RegExp | null;
}

/** Compiles a (valid) scope into its matcher. */
export function compileScope(scope: Scope): CompiledScope {
  const text = `${scope.type}:${scope.pattern}`;
  const tokens = tokenize(scope.pattern);
  const wildcards = tokens.filter(isWildcard).length;
  const base = { scope, text, head: "", tail: "", noSlash: false, regex: null };
  if (wildcards === 0) {
    return { ...base, kind: scope.pattern.endsWith("/") ? "prefix" : "exact" };
  }
  if (wildcards === 1) {
    const at = tokens.findIndex(isWildcard);
    const before = tokens.slice(0, at).join("");
    const after = tokens.slice(at + 1).join("");
    return { ...base, kind: "one_star", head: `${scope.type}:${before}`, tail: after, noSlash: tokens[at] === "*" };
  }
  const body = tokens.map((t) => (t === "**" ? ".*" : t === "*" ? "[^/]*" : escapeRegex(t))).join("");
  return { ...base, kind: "glob", regex: new RegExp(`^${escapeRegex(scope.type)}:${body}$`, "s") };
}

/** True when the compiled scope matches `key`, a resource key as returned by {@link resourceKey}. */
export function matchesCompiled(c: CompiledScope, key: string): boolean {
  switch (c.kind) {
    case "exact":
      return key === c.text;
    case "prefix":
      return key.startsWith(c.text);
    case "one_star": {
      const end = key.length - c.tail.length;
      if (end < c.head.length || !key.startsWith(c.head) || !key.endsWith(c.tail)) return false;
      if (!c.noSlash) return true;
      const slash = key.indexOf("/", c.head.length);
      return slash === -1 || slash >= end;
    }
    case "glob":
      return (c.regex as RegExp).test(key);
  }
}

/**
 * The form of a resource that scopes are matched against: the resource itself, its path id
 * normalised for type `path`, or null when it cannot match any scope (not `type:id`, or a path
 * that escapes upwards). Allocates only for a path that is not already normal.
 */
export function resourceKey(resource: string | undefined): string | null {
  if (resource === undefined) return null;
  const colon = resource.indexOf(":");
  if (colon <= 0 || colon === resource.length - 1) return null;
  if (colon !== 4 || !resource.startsWith("path")) return resource;
  if (isSafeNormalPath(resource, 5)) return resource;
  const decoded = decodePath(resource.slice(5));
  if (decoded === null) return null;
  const normal = normalisePath(decoded);
  return escapes(normal) ? null : `path:${normal}`;
}

/**
 * A path id as the file system would see it: percent-encoding decoded once and `\` read as `/`, so
 * `docs/%2e%2e/secrets` and `docs\..\secrets` are normalised like `docs/../secrets`. Null (matches
 * nothing) when the encoding is malformed, still encoded after one decode (`%252e`), or holds a control
 * character: a resource that could mean two different files must not match either.
 */
export function decodePath(path: string): string | null {
  let decoded = path;
  if (path.includes("%")) {
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    if (/%[0-9a-f]{2}/i.test(decoded)) return null;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses.
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return null;
  return decoded.replaceAll("\\", "/");
}

/** POSIX normalisation of `.`, `..` and repeated slashes, the same as node's path.posix.normalize. */
export function normalisePath(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  let joined = out.join("/");
  if (joined === "") return absolute ? "/" : trailing ? "./" : ".";
  if (trailing) joined += "/";
  return absolute ? `/${joined}` : joined;
}

/** True when a normalised path still points above its root or is absolute; it then matches nothing. */
export function escapes(normalPath: string): boolean {
  return normalPath.startsWith("..") || normalPath.startsWith("/");
}

// Already normal and not escaping, checked in place so the common path resource costs no allocation.
function isSafeNormalPath(s: string, from: number): boolean {
  if (s.startsWith("..", from)) return false;
  let start = from;
  for (let i = from; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 47;
    // "%", "\\" and control characters need decodePath first.
    if (c === 37 || c === 92 || c < 32 || c === 127) return false;
    if (c !== 47) continue;
    const length = i - start;
    const last = i === s.length;
    if (length === 0 && !(last && i > from)) return false;
    if (length === 1 && s.charCodeAt(start) === 46) return false;
    if (length === 2 && s.charCodeAt(start) === 46 && s.charCodeAt(start + 1) === 46) return false;
    start = i + 1;
  }
  return true;
}

// Splits a pattern into literals and wildcard tokens; a run of two or more stars is `**`.
function tokenize(pattern: string): string[] {
  const tokens: string[] = [];
  let literal = "";
  for (let i = 0; i < pattern.length;) {
    if (pattern[i] !== "*") {
      literal += pattern[i];
      i++;
      continue;
    }
    let j = i;
    while (pattern[j] === "*") j++;
    if (literal !== "") tokens.push(literal);
    literal = "";
    tokens.push(j - i === 1 ? "*" : "**");
    i = j;
  }
  if (literal !== "") tokens.push(literal);
  return tokens;
}

function isWildcard(token: string): boolean {
  return token === "*" || token === "**";
}

function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
