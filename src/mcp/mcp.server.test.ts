// What an operator's --tools and --read-only leave offered, and the patterns refused before anything starts.
import { describe, expect, it } from "vitest";
import { offeredTools, parseToolPatterns } from "./mcp.server.js";
import { allTools } from "./mcp.tools.js";

const names = (options: Parameters<typeof offeredTools>[0]) => offeredTools(options).map((t) => t.name);

describe("the tools an operator offers", () => {
  it("offers every tool by default, and only those that change nothing when read-only", () => {
    expect(names({})).toEqual(allTools().map((t) => t.name));
    expect(names({ readOnly: true })).not.toContain("request_approval");
    expect(names({ readOnly: true })).not.toContain("request_access");
    expect(names({ readOnly: true })).not.toContain("decide_task");
    expect(names({ readOnly: true })).toContain("check");
  });

  it("matches --tools names and * wildcards, in the catalogue's order", () => {
    expect(names({ tools: parseToolPatterns("request_*, who_can,check") })).toEqual([
      "check",
      "who_can",
      "request_access",
      "request_approval",
    ]);
    expect(names({ tools: parseToolPatterns("list_my_*"), readOnly: true })).toEqual([
      "list_my_requests",
      "list_my_tasks",
    ]);
  });

  it.each([["chek"], [""], [" , "], ["check,drop table"], ["check;rm"]])(
    "refuses --tools %j, naming the tools there are",
    (value) => {
      expect(() => parseToolPatterns(value)).toThrow(/tools?.*check, who_can/);
    },
  );

  it("gives every tool an object input schema whose required fields are among its properties", () => {
    for (const tool of allTools()) {
      expect(tool.inputSchema.type).toBe("object");
      for (const field of tool.inputSchema.required ?? [])
        expect(Object.keys(tool.inputSchema.properties)).toContain(field);
      expect(tool.description.length).toBeGreaterThan(40);
    }
  });
});
