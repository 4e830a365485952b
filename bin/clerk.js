#!/usr/bin/env node
// The installed `clerk` command: runs the compiled CLI (built by `npm ci` through the prepare script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("error: clerk is not built; run `npm run build` (npm ci does it for you).\n");
  process.exit(1);
}
// A reader that stops early (`clerk role --help | head -3`) is not a failure of ours: stop quietly.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const { main } = await import(entry.href);
await main(process.argv.slice(2));
