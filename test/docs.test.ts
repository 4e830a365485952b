// The documentation stays true: docs/cli.md is what the command definitions say, the README stays a front
// door, and every relative link between the pages leads somewhere.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCliDocs } from "../scripts/cli-docs.js";
import { buildProgram } from "../src/cli/main.js";

const root = resolve(import.meta.dirname, "..");
const pages = ["README.md", ...readdirSync(join(root, "docs")).map((f) => join("docs", f))].filter((f) =>
  f.endsWith(".md"),
);

describe("documentation", () => {
  it("docs/cli.md is generated from the current commands (run npm run docs:cli when this fails)", () => {
    expect(readFileSync(join(root, "docs/cli.md"), "utf8")).toBe(renderCliDocs(buildProgram()));
  });

  it("documents every command and its options", () => {
    const text = readFileSync(join(root, "docs/cli.md"), "utf8");
    const visit = (c: ReturnType<typeof buildProgram>, path: string) => {
      expect(text).toContain(`# ${path}\n`);
      for (const o of c.options) expect(text).toContain(`\`${o.flags}\``);
      for (const sub of c.commands) visit(sub, `${path} ${sub.name()}`);
    };
    for (const c of buildProgram().commands) visit(c, `clerk ${c.name()}`);
  });

  it("keeps the README a front door of at most 12 KB", () => {
    expect(statSync(join(root, "README.md")).size).toBeLessThanOrEqual(12 * 1024);
  });

  it.each(pages)("%s links only to files that exist", (page) => {
    const text = readFileSync(join(root, page), "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (target === undefined || /^[a-z]+:/.test(target)) continue;
      expect(existsSync(join(root, dirname(page), target)), `${page} → ${target}`).toBe(true);
    }
  });
});
