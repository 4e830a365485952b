import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.js";
import { resourceKey } from "./pattern.js";
import { formatScope, parseResource, parseScope, parseScopes, scopeMatches } from "./scope.js";

describe("parseScope", () => {
  it.each([
    ["an exact repository", "repository:frontend-app", "repository", "frontend-app"],
    ["a wildcard", "repository:*-app", "repository", "*-app"],
    ["a path prefix", "path:docs/", "path", "docs/"],
    ["a type with digits, - and _", "env-2_x:staging", "env-2_x", "staging"],
    ["a pattern holding a colon", "image:registry:5000/app", "image", "registry:5000/app"],
    ["a unicode pattern", "repository:café-app", "repository", "café-app"],
  ])("reads %s", (_name, input, type, pattern) => {
    expect(parseScope(input)).toEqual({ type, pattern });
  });

  it.each([
    ["no type", "frontend-app", /has no type/],
    ["an empty type", ":frontend-app", /Scope type ""/],
    ["an uppercase type", "Repository:x", /must start with a lowercase letter/],
    ["a type starting with a digit", "1repo:x", /must start with a lowercase letter/],
    ["an empty pattern", "repository:", /empty pattern/],
    ["a comma", "repository:a,b", /contains ","/],
    ["an absolute path", "path:/etc", /must be relative.*path:etc/],
    ["a .. segment in a path", "path:docs/../secrets", /must not contain a "\.\." segment/],
    ["a path that is only ..", "path:..", /must not contain a "\.\." segment/],
    ["percent-encoding in a path", "path:docs/%2e%2e/secrets", /must not contain "%" or "\\"/],
    ["a backslash in a path", "path:docs\\", /must not contain "%" or "\\"/],
  ])("refuses %s", (_name, input, message) => {
    expect(() => parseScope(input)).toThrow(EngineInputError);
    expect(() => parseScope(input)).toThrow(message);
  });

  it("allows .. inside a name that is not a path", () => {
    expect(parseScope("repository:a..b")).toEqual({ type: "repository", pattern: "a..b" });
  });

  it("round-trips through formatScope", () => {
    expect(formatScope(parseScope("path:docs/**"))).toBe("path:docs/**");
  });
});

describe("parseScopes", () => {
  it("reads a comma-separated list and trims each item", () => {
    expect(parseScopes("repository:frontend-app, repository:*-app")).toEqual([
      { type: "repository", pattern: "frontend-app" },
      { type: "repository", pattern: "*-app" },
    ]);
  });

  it.each([
    ["an empty list", "", /empty item at position 1/],
    ["an empty item in the middle", "repository:a,,repository:b", /empty item at position 2/],
    ["a trailing comma", "repository:a,", /empty item at position 2/],
    ["a duplicate", "repository:a, repository:a", /repository:a is listed twice/],
    ["a bad item", "repository:a,nope", /"nope" has no type/],
  ])("refuses %s", (_name, input, message) => {
    expect(() => parseScopes(input)).toThrow(message);
  });
});

describe("parseResource", () => {
  it("splits at the first colon", () => {
    expect(parseResource("repository:frontend-app")).toEqual({ type: "repository", id: "frontend-app" });
    expect(parseResource("image:registry:5000/app")).toEqual({ type: "image", id: "registry:5000/app" });
  });

  it.each([
    ["no type", "frontend-app", /has no type/],
    ["an empty type", ":x", /has no type/],
    ["an empty id", "repository:", /empty id/],
    ["a malformed type", "Repo:x", /must start with a lowercase letter/],
  ])("refuses %s", (_name, input, message) => {
    expect(() => parseResource(input)).toThrow(message);
  });
});

describe("scopeMatches", () => {
  it.each([
    ["an exact pattern matches the same id", "repository:frontend-app", "repository:frontend-app", true],
    ["an exact pattern does not match a longer id", "repository:frontend-app", "repository:frontend-app2", false],
    ["a different type never matches", "repository:frontend-app", "environment:frontend-app", false],
    ["* matches a run of characters", "repository:*-app", "repository:frontend-app", true],
    ["* matches an empty run", "repository:*-app", "repository:-app", true],
    ["* does not cross a /", "repository:*-app", "repository:frontend-app/x", false],
    ["* does not cross a / before the suffix either", "repository:*-app", "repository:team/frontend-app", false],
    ["a lone * matches any id without /", "environment:*", "environment:staging", true],
    ["** crosses /", "repository:**-app", "repository:team/frontend-app", true],
    ["** matches everything below a prefix", "path:docs/**", "path:docs/a/b.md", true],
    ["** needs the literal prefix", "path:docs/**", "path:doc/a", false],
    ["several wildcards combine", "repository:team-*-svc-*", "repository:team-a-svc-b", true],
    ["several * wildcards still stop at /", "repository:team-*-svc-*", "repository:team-a/x-svc-b", false],
    ["* and ** combine", "path:*/**/index.md", "path:site/a/b/index.md", true],
    ["regex characters in a literal are literal", "repository:a.b(c)+*", "repository:a.b(c)+x", true],
    ["a dot is not a regex wildcard", "repository:a.b*", "repository:axb", false],
    ["a trailing / matches everything below", "path:docs/", "path:docs/a/b.md", true],
    ["a trailing / matches the directory with its slash", "path:docs/", "path:docs/", true],
    ["a trailing / does not match the bare name", "path:docs/", "path:docs", false],
    ["a trailing / does not match a sibling with the same start", "path:docs/", "path:docsx/a", false],
    ["a trailing / works for any type", "repository:team/", "repository:team/x", true],
    ["a path escaping with .. never matches", "path:docs/", "path:docs/../secrets", false],
    ["a path is normalised before matching", "path:docs/", "path:./docs//a/./b.md", true],
    ["a path climbing back inside still matches", "path:docs/", "path:docs/a/../b.md", true],
    ["a path above the root matches nothing", "path:**", "path:../x", false],
    ["an absolute path matches nothing", "path:**", "path:/etc/passwd", false],
    ["a path starting with .. matches nothing", "path:*", "path:..foo", false],
    ["matching is case-sensitive", "repository:*-app", "repository:Frontend-APP", false],
    ["matching is case-sensitive for exact ids", "repository:Web", "repository:web", false],
    ["unicode ids match by code points", "repository:café-*", "repository:café-app", true],
    ["unicode in a different normal form does not match", "repository:café-app", "repository:cafe\u0301-app", false],
    ["astral characters count as one run", "repository:*-🚀", "repository:x😀-🚀", true],
    ["a resource without a type matches nothing", "repository:*", "frontend-app", false],
    ["a resource with an empty id matches nothing", "repository:*", "repository:", false],
  ])("%s", (_name, scope, resource, expected) => {
    expect(scopeMatches(parseScope(scope), resource)).toBe(expected);
  });

  // Issue 24 item 11: `path:docs/%2e%2e/secrets` and `docs\..\secrets` matched `path:docs/`.
  it.each([
    ["an encoded .. escaping the prefix", "path:docs/", "path:docs/%2e%2e/secrets", false],
    ["an upper-case encoded ..", "path:docs/", "path:docs/%2E%2E/secrets", false],
    ["an encoded slash and ..", "path:docs/", "path:docs%2f..%2fsecrets", false],
    ["backslash separators escaping the prefix", "path:docs/", "path:docs\\..\\secrets", false],
    ["mixed separators escaping the prefix", "path:docs/", "path:docs/a\\..\\..\\secrets", false],
    ["an encoded backslash escaping the prefix", "path:docs/", "path:docs/%5c..%5csecrets", false],
    ["a doubly encoded ..", "path:docs/", "path:docs/%252e%252e/secrets", false],
    ["a doubly encoded .. under **", "path:docs/**", "path:docs/%252e%252e/secrets", false],
    ["a malformed encoding", "path:docs/", "path:docs/%zz", false],
    ["a truncated encoding", "path:docs/", "path:docs/a%2", false],
    ["an encoded NUL", "path:docs/", "path:docs/a%00.md", false],
    ["an encoded .. landing on the granted file", "path:secrets", "path:docs/%2e%2e/secrets", true],
    ["a backslash .. landing on the granted file", "path:secrets", "path:docs\\..\\secrets", true],
    ["an encoded name inside the prefix", "path:docs/", "path:docs/read%20me.md", true],
    ["backslash separators inside the prefix", "path:docs/", "path:docs\\a.md", true],
    ["a literal % after one decode", "path:docs/*", "path:docs/100%25", true],
    ["non-path types are not decoded", "repository:a%2fb", "repository:a%2fb", true],
  ])("decodes path resources once: %s", (_name, scope, resource, expected) => {
    expect(scopeMatches(parseScope(scope), resource)).toBe(expected);
  });

  it("never lets an encoded or backslashed .. escape a path prefix (property)", () => {
    const segment = fc.constantFrom(
      "a",
      "b",
      ".",
      "..",
      "%2e",
      "%2E",
      "%2e%2e",
      "%2E.",
      "%2f",
      "%5c",
      "\\",
      "%25",
      "%",
    );
    const sep = fc.constantFrom("/", "\\", "%2f", "%5C");
    const path = fc
      .array(fc.tuple(segment, sep), { maxLength: 8 })
      .map((parts) => parts.map(([s, p]) => s + p).join(""));
    fc.assert(
      fc.property(path, (p) => {
        const resource = `path:docs/${p}`;
        if (!scopeMatches(parseScope("path:docs/"), resource)) return true;
        // Whatever matched, decoded once and with "\\" as "/" the way a file server would, stays below docs/.
        const onDisk = posix.normalize(decodeURIComponent(`docs/${p}`).replaceAll("\\", "/"));
        return onDisk.startsWith("docs/") && resourceKey(resource) === `path:${onDisk}`;
      }),
      { numRuns: 3000 },
    );
  });
});
