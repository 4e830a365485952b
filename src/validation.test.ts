import { describe, expect, it } from "vitest";
import { z } from "zod";
import { INT32_MAX, int32, nulBytePath, parseInput } from "./validation.js";

describe("nulBytePath", () => {
  const cases: [string, unknown, (string | number)[] | undefined][] = [
    ["a clean object has none", { name: "Eng", tags: ["a", "b"], n: 1, none: null }, undefined],
    ["a top-level string", "a\u0000", []],
    ["a nested array item", { data: { files: ["a", "b\u0000"] } }, ["data", "files", 1]],
    ["a key", { data: { "k\u0000": 1 } }, ["data", "k\u0000"]],
  ];
  for (const [name, value, path] of cases) it(name, () => expect(nulBytePath(value)).toEqual(path));
});

describe("parseInput", () => {
  it("refuses a NUL byte before parsing, naming the field as the API spells it", () => {
    expect(() => parseInput(z.object({ maxName: z.string() }), { maxName: "a\u0000" })).toThrow(
      expect.objectContaining({ code: "input.invalid", param: "max_name" }),
    );
  });

  it("bounds an int32 field by the column", () => {
    const schema = z.object({ n: int32(0) });
    expect(parseInput(schema, { n: INT32_MAX })).toEqual({ n: INT32_MAX });
    expect(() => parseInput(schema, { n: INT32_MAX + 1 })).toThrow(/n: must be at most 2147483647/);
  });
});
