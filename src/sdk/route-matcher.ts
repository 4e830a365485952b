// Route patterns like Clerk's createRouteMatcher: '/admin(.*)', '/orgs/:id', or regular expressions.

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

function pathOf(input: RouteInput): string {
  let url = typeof input === "string" ? input : (input.originalUrl ?? input.url ?? input.path ?? "");
  if (url.includes("://")) url = new URL(url).pathname;
  const q = url.search(/[?#]/);
  const path = q < 0 ? url : url.slice(0, q);
  try {
    // Frameworks route on the decoded path; match the same form so `/%61dmin` cannot slip past `/admin(.*)`.
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Builds a predicate telling whether a request's path matches any of the patterns, to protect groups of routes.
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
    const path = pathOf(input);
    return list.some((re) => re.test(path));
  };
}
