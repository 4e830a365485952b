import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileScope, normalisePath, resourceKey } from "./pattern.js";

describe("normalisePath", () => {
  it("agrees with node's path.posix.normalize on any path", () => {
    const path = fc
      .array(fc.constantFrom("a", "b", ".", "..", "/", "//", "é"), { maxLength: 12 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(path, (p) => normalisePath(p) === posix.normalize(p)),
      { numRuns: 2000 },
    );
  });
});

describe("resourceKey", () => {
  it.each([
    ["a plain resource is used as it is", "repository:web", "repository:web"],
    ["a normal path is used as it is", "path:docs/a.md", "path:docs/a.md"],
    ["a path directory keeps its slash", "path:docs/", "path:docs/"],
    ["a path with . and // is normalised", "path:./docs//a/./b.md", "path:docs/a/b.md"],
    ["a path climbing back inside is normalised", "path:docs/../secrets", "path:secrets"],
    ["a path above the root cannot match", "path:../x", null],
    ["an absolute path cannot match", "path:/etc", null],
    ["a path starting with .. cannot match", "path:..foo", null],
    ["a resource without a type cannot match", "web", null],
    ["a resource with an empty id cannot match", "repository:", null],
    ["a resource with an empty type cannot match", ":web", null],
    ["no resource cannot match", undefined, null],
  ])("%s", (_name, input, expected) => {
    expect(resourceKey(input)).toBe(expected);
  });
});

describe("compileScope", () => {
  it.each([
    ["an id without wildcards is exact", "frontend-app", "exact"],
    ["a trailing / without wildcards is a prefix", "docs/", "prefix"],
    ["one * is the single-wildcard shape", "*-app", "one_star"],
    ["one ** is the single-wildcard shape", "docs/**", "one_star"],
    ["two wildcards need a glob", "team-*-svc-*", "glob"],
  ])("%s", (_name, pattern, kind) => {
    expect(compileScope({ type: "repository", pattern }).kind).toBe(kind);
  });
});
