import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.js";
import { findInheritanceCycle, parentsFirst, withDescendants } from "./role-graph.js";

const graph = (edges: Record<string, string[]>) => Object.entries(edges).map(([id, parentIds]) => ({ id, parentIds }));

describe("findInheritanceCycle", () => {
  it.each([
    ["a forest has no cycle", { a: [], b: ["a"], c: ["a"] }, null],
    ["a diamond has no cycle", { a: [], b: ["a"], c: ["a"], d: ["b", "c"] }, null],
    ["a role extending itself is a cycle", { a: ["a"] }, ["a", "a"]],
    ["two roles extending each other are a cycle", { a: ["b"], b: ["a"] }, ["a", "b", "a"]],
    ["a three-role cycle is given in order", { a: ["b"], b: ["c"], c: ["a"] }, ["a", "b", "c", "a"]],
    ["a cycle below an acyclic start is found", { x: ["a"], a: ["b"], b: ["a"] }, ["a", "b", "a"]],
    ["parents that name no role are ignored", { a: ["ghost"] }, null],
  ])("%s", (_name, edges, expected) => {
    expect(findInheritanceCycle(graph(edges))).toEqual(expected);
  });

  it("reports the cycle a proposed change would create, starting at the changed role", () => {
    const roles = graph({ a: [], b: ["a"], c: ["b"] });
    expect(findInheritanceCycle(roles, { id: "a", parentIds: ["c"] })).toEqual(["a", "c", "b", "a"]);
  });

  it("accepts a proposed new role that closes no cycle", () => {
    expect(findInheritanceCycle(graph({ a: [], b: ["a"] }), { id: "n", parentIds: ["a", "b"] })).toBeNull();
  });

  it("walks a chain of 20 000 roles without overflowing the stack", () => {
    const roles = Array.from({ length: 20_000 }, (_, i) => ({
      id: `r${i}`,
      parentIds: i === 0 ? ["r19999"] : [`r${i - 1}`],
    }));
    expect(findInheritanceCycle(roles)).toHaveLength(20_001);
  });
});

describe("parentsFirst", () => {
  it("puts every role after its parents", () => {
    const order = parentsFirst(["d", "b", "c", "a"], [[1, 2], [3], [3], []]);
    expect(order.indexOf(3)).toBeLessThan(order.indexOf(1));
    expect(order.indexOf(1)).toBeLessThan(order.indexOf(0));
    expect(order.indexOf(2)).toBeLessThan(order.indexOf(0));
  });

  it("refuses a cycle and names it", () => {
    expect(() => parentsFirst(["a", "b"], [[1], [0]])).toThrow(EngineInputError);
    expect(() => parentsFirst(["a", "b"], [[1], [0]])).toThrow("Role inheritance has a cycle (a -> b -> a)");
  });
});

describe("withDescendants", () => {
  it("lists a role and everything below it once, even through a diamond", () => {
    const children = [[1, 2], [3], [3], [], []];
    expect(withDescendants(0, children)).toEqual([0, 1, 2, 3]);
    expect(withDescendants(4, children)).toEqual([4]);
  });
});
