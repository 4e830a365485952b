import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.js";
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
});
