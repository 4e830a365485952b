// Tables for people: fitted to the terminal's width, coloured only on a colour terminal.
import { describe, expect, it } from "vitest";
import { table, terminalStyle } from "./output.js";

const headers = ["KEY", "NAME", "PERMISSIONS"];
const rows = [["org:developer", "Developer", "org:code:read, org:code:write, org:reviews:read, org:comments:write"]];

describe("table", () => {
  it("keeps every cell whole when no width is given (a pipe or a file)", () => {
    const text = table(headers, rows, { color: false });
    expect(text).toContain("org:code:read, org:code:write, org:reviews:read, org:comments:write");
    expect(text).not.toContain("\u001b[");
  });

  it("fits a terminal's width by truncating the widest column, keeping the narrow ones whole", () => {
    const text = table(headers, rows, { width: 50, color: false });
    const lines = text.split("\n");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
    expect(lines[2]).toMatch(/^org:developer {2}Developer {2}org:code:read, .*…$/);
  });

  it("stops narrowing at a minimum column width rather than dropping what a column is", () => {
    const text = table(headers, rows, { width: 10, color: false });
    expect(text.split("\n")[0]).toBe("KEY       NAME      PERMISSIONS");
  });

  it("draws the header bold and the rule dim in colour", () => {
    const [header, rule] = table(headers, rows, { color: true }).split("\n");
    expect(header).toBe("\u001b[1mKEY            NAME       PERMISSIONS\u001b[0m");
    expect(rule?.startsWith("\u001b[2m-")).toBe(true);
  });
});

describe("terminalStyle", () => {
  it("uses the terminal's width and colour", () => {
    expect(terminalStyle({ isTTY: true, columns: 80 }, {})).toEqual({ width: 80, color: true });
  });
  it("honours NO_COLOR and TERM=dumb", () => {
    expect(terminalStyle({ isTTY: true, columns: 80 }, { NO_COLOR: "1" }).color).toBe(false);
    expect(terminalStyle({ isTTY: true, columns: 80 }, { TERM: "dumb" }).color).toBe(false);
  });
  it("draws plain, unfitted tables into a pipe", () => {
    expect(terminalStyle({ isTTY: false, columns: 80 }, {})).toEqual({ color: false });
  });
});
