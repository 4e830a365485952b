import { describe, expect, it } from "vitest";
import { evaluateCondition, parseCondition, touchedFiles } from "./condition.js";
import { checkFilePattern, fileMatches } from "./file-glob.js";

const sets = new Map([["security-sensitive", ["src/auth/**", "**/*.pem"]]]);

describe("parseCondition", () => {
  it("reads key:value pairs, normalising - and _ in keys", () => {
    expect(parseCondition("environment:production, Estimated-Impact:high")).toEqual([
      { kind: "attribute", text: "environment:production", path: ["environment"], value: "production" },
      { kind: "attribute", text: "Estimated-Impact:high", path: ["estimated_impact"], value: "high" },
    ]);
  });

  it("reads files:touched:<set>", () => {
    expect(parseCondition("files:touched:security-sensitive")).toEqual([
      { kind: "files", text: "files:touched:security-sensitive", fileSet: "security-sensitive" },
    ]);
  });

  it.each([
    ["", /is empty/],
    ["environment", /"environment", which is not key:value/],
    [":production", /no key before the ":"/],
    ["environment:", /no value after "environment:"/],
    ["environment:production,,x:y", /empty part at position 2/],
    ["files:security-sensitive", /files:touched:<file set name>/],
    ["env ironment:x", /not letters, digits/],
  ])("refuses %j", (text, message) => {
    expect(() => parseCondition(text)).toThrow(message);
  });
});

describe("evaluateCondition", () => {
  const cases: [string, string, unknown, boolean][] = [
    ["an attribute that matches holds", "environment:production", { environment: "production" }, true],
    [
      "matching ignores case and - or _ in the event's keys",
      "estimated-impact:high",
      { estimated_impact: "HIGH" },
      true,
    ],
    ["an attribute with another value fails", "environment:production", { environment: "staging" }, false],
    ["a missing attribute fails", "environment:production", {}, false],
    ["nested attributes are reached with dots", "pr.base:main", { pr: { base: "main" } }, true],
    ["a list attribute holds when one item matches", "labels:security", { labels: ["ui", "security"] }, true],
    [
      "all terms must hold",
      "environment:production,estimated-impact:high",
      { environment: "production", estimated_impact: "low" },
      false,
    ],
    [
      "a touched file in the set holds",
      "files:touched:security-sensitive",
      { files: ["README.md", "src/auth/session.ts"] },
      true,
    ],
    ["**/ also matches at the top", "files:touched:security-sensitive", { files: ["server.pem"] }, true],
    [
      "files outside the set fail",
      "files:touched:security-sensitive",
      { files: ["docs/intro.md", "src/authz.ts"] },
      false,
    ],
    [
      "files may be objects with a path, under pr",
      "files:touched:security-sensitive",
      { pr: { files: [{ path: "certs/a.pem" }] } },
      true,
    ],
    ["no files fail", "files:touched:security-sensitive", {}, false],
  ];
  it.each(cases)("%s", (_name, condition, data, holds) => {
    expect(evaluateCondition(parseCondition(condition), data, sets).holds).toBe(holds);
  });

  it("treats a file set that does not exist yet as true, and says so", () => {
    expect(evaluateCondition(parseCondition("files:touched:infra"), { files: [] }, sets)).toEqual({
      holds: true,
      unknownFileSets: ["infra"],
    });
  });

  it("names the first term that failed", () => {
    expect(evaluateCondition(parseCondition("a:1,b:2"), { a: 1, b: 3 }, sets)).toMatchObject({
      holds: false,
      failed: "b:2",
    });
  });
});

describe("file patterns", () => {
  it.each([
    ["src/auth/**", "src/auth/a/b.ts", true],
    ["src/auth/**", "src/authz/a.ts", false],
    ["*.md", "README.md", true],
    ["*.md", "docs/README.md", false],
    ["docs/", "docs/a/b.md", true],
    ["src/auth/**", "src/auth/../../etc/passwd", false],
  ])("%s matches %s: %s", (pattern, file, expected) => expect(fileMatches(pattern, file)).toBe(expected));

  it("refuses absolute patterns and .. segments", () => {
    expect(() => checkFilePattern("/etc/**")).toThrow(/relative/);
    expect(() => checkFilePattern("src/../secrets")).toThrow(/\.\./);
  });

  it("reads touched files from strings and objects", () => {
    expect(touchedFiles({ files_touched: ["a", { filename: "b" }, 3] })).toEqual(["a", "b"]);
  });
});
