// `npm run docs:cli`: writes docs/cli.md from the command definitions (`--check`: exit 1 when it is stale).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildProgram } from "../src/cli/main.js";
import { renderCliDocs } from "./cli-docs.js";

const target = resolve(import.meta.dirname, "../docs/cli.md");
const text = renderCliDocs(buildProgram());
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // A missing file is stale too.
  }
  if (current !== text) {
    process.stderr.write("docs/cli.md is stale: run npm run docs:cli\n");
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
