// Route patterns like Clerk's createRouteMatcher: '/admin(.*)', '/orgs/:id', or regular expressions.
import { ProtectError } from "./protect-error.js";

/** A path pattern (`(…)` groups are regular expressions, `:name` one segment) or a regular expression. */
export type RoutePattern = string | RegExp;

/** Anything a matcher accepts: a path or URL, or a request with `originalUrl`, `url` or `path`. */
export type RouteInput = string | { originalUrl?: string; url?: string; path?: string };

function toRegExp(pattern: RoutePattern): RegExp {
  if (pattern instanceof RegExp) return pattern;
  let source = "";
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "(") {
      let depth = 0;
      let j = i;
      for (; j < pattern.length; j++) {
        if (pattern[j] === "\\") j++;
        else if (pattern[j] === "(") depth++;
        else if (pattern[j] === ")" && --depth === 0) break;
      }
      if (j >= pattern.length) throw new TypeError(`Route pattern "${pattern}" has an unclosed "(".`);
      source += `(?:${pattern.slice(i + 1, j)})`;
      i = j + 1;
    } else if (c === ":" && /[A-Za-z_]/.test(pattern[i + 1] ?? "")) {
      let j = i + 1;
      while (j < pattern.length && /\w/.test(pattern[j]!)) j++;
      source += "[^/]+";
      i = j;
    } else {
      source += c.replace(/[.*+?^${}|[\]\\/]/g, "\\$&");
      i++;
    }
  }
  // Like path-to-regexp's defaults: case-insensitive, an optional trailing slash.
  return new RegExp(`^${source}${source.endsWith("\\/") ? "" : "\\/?"}$`, "i");
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\\?#]*/;

/** The request target as sent: no scheme and host, no query or fragment, nothing decoded yet. */
function rawPathOf(input: RouteInput): string {
  const url = typeof input === "string" ? input : (input.originalUrl ?? input.url ?? input.path ?? "");
  const path = url.replace(ABSOLUTE, "");
  const end = path.search(/[?#]/);
  return end < 0 ? path : path.slice(0, end);
}

/** Each segment decoded once, a `/` decoded inside one kept as `%2F` so it never splits it (frameworks keep it in the param). */
function decodedSegments(raw: string): string[] {
  // A backslash separates like a slash: WHATWG URL parsing (Hono, `new URL(req.url)`) reads `\` as `/`.
  const segments = raw.split(/[/\\]/);
  if (segments[0] === "") segments.shift();
  return segments.map((segment) => {
    try {
      return decodeURIComponent(segment).replace(/\//g, "%2F");
    } catch {
      // Never matched raw: `/%61dmin/x%C0` must not slip past `/admin(.*)` because `%C0` is no UTF-8.
      throw new ProtectError(400);
    }
  });
}

/** `.` and `..` resolved the way WHATWG URL parsing does (on the decoded segment, so `%2e%2e` is `..` too). */
function withoutDots(segments: readonly string[]): string[] {
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "..") {
      out.pop();
      if (last) out.push("");
    } else if (segment === ".") {
      if (last) out.push("");
    } else out.push(segment);
  });
  return out;
}

const nonEmpty = (segment: string) => segment !== "";

/**
 * Every path a server may route this request on: the segments as sent (Express, Fastify), with dot segments
 * resolved (Hono, node:http apps using `new URL`), and with repeated slashes merged (Fastify's
 * `ignoreDuplicateSlashes`, proxies). A request is protected when any of them matches, so no reading of the
 * path reaches a protected handler unmatched; matching more paths only ever asks for more authentication.
 * @throws ProtectError 400 when a segment is not valid percent-encoded UTF-8.
 */
function pathForms(input: RouteInput): string[] {
  const segments = decodedSegments(rawPathOf(input));
  const resolved = withoutDots(segments);
  const forms = [segments, resolved, resolved.filter(nonEmpty), withoutDots(segments.filter(nonEmpty))];
  return [...new Set(forms.map((form) => `/${form.join("/")}`))];
}

/**
 * Builds a predicate telling whether a request's path matches any of the patterns, to protect groups of routes.
 * Patterns are written decoded and match case-insensitively, with an optional trailing slash. The path is read
 * segment by segment, each decoded once, so `/orgs/a%2Fb/settings` matches `/orgs/:id/settings` as the
 * frameworks route it; `/%61dmin`, `/ADMIN`, `//admin`, `/x/../admin` and `/x/%2e%2e/admin` match `/admin(.*)`.
 * The predicate throws a ProtectError with status 400 for a path that is not valid percent-encoded UTF-8, which
 * every adapter answers as it answers `protect()`: such a path is refused, never matched raw.
 * @throws TypeError for a pattern with an unclosed group.
 * @example
 * const isAdmin = createRouteMatcher(["/admin(.*)", "/orgs/:id/settings"]);
 * app.use((req, res, next) => { if (isAdmin(req)) getAuth(req).protect({ role: "org:admin" }); next(); });
 */
export function createRouteMatcher(
  patterns: RoutePattern | readonly RoutePattern[] | ((input: RouteInput) => boolean),
): (input: RouteInput) => boolean {
  if (typeof patterns === "function") return patterns;
  const list = (Array.isArray(patterns) ? patterns : [patterns]).map(toRegExp);
  return (input) => {
    const forms = pathForms(input);
    return list.some((re) => forms.some((path) => re.test(path)));
  };
}
