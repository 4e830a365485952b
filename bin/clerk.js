#!/usr/bin/env node
// The installed `clerk` command: runs the compiled CLI (built by `npm ci` through the prepare script).
import { existsSync, statSync } from "node:fs";

const argv = process.argv.slice(2);
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

/** The bundle (scripts/bundle-cli.ts), unless it is older than the compiled code (a bare `tsc` since the build). */
function bundle() {
  const dir = new URL("../dist/cli-bundle/", import.meta.url);
  try {
    return statSync(new URL("main.js", dir)).mtimeMs >= statSync(entry).mtimeMs ? dir : undefined;
  } catch {
    return undefined;
  }
}

const bundled = bundle();
// Help and the version come from the command table as data, without loading the features.
const asksHelp =
  argv.length === 0 || argv[0] === "help" || argv.some((a) => ["--help", "-h", "--version", "-V"].includes(a));
const answered = bundled !== undefined && asksHelp && (await import(new URL("help.js", bundled).href)).answerHelp(argv);
if (!answered) {
  const { main } = await import(bundled ? new URL("main.js", bundled).href : entry.href);
  await main(argv);
}
