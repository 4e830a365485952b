// Bundles the compiled CLI (dist/cli/*.js) into dist/cli-bundle/: a few files instead of ~700 modules, so a
// command starts in a fraction of the time (Node's loader spends about half a millisecond per module file), and
// writes the command table as data (commands.json) for `clerk --help` and `--version`, which then load no feature.
// Run by `npm run build` after tsc; bin/clerk.js uses the bundle only when it is at least as new as dist/cli/main.js.
import { rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Plugin, build } from "esbuild";
import type * as Main from "../src/cli/main.js";
import type * as Manifest from "../src/cli/manifest.js";

/**
 * Packages compiled into the bundle: pure JavaScript, loaded by every command, made of many small files. Every
 * other package stays an import of node_modules, loaded (most of them lazily) as installed.
 */
const BUNDLED = new Set(["commander", "kysely", "zod", "yaml"]);

const packageOf = (specifier: string) =>
  (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]) ?? specifier;

const externalPackages: Plugin = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

/** dist/cli-bundle sits two levels below the package, as dist/cli does, so paths such as the dashboard's resolve alike. */
const OUT = "dist/cli-bundle";

rmSync(OUT, { recursive: true, force: true });
try {
  await build({
    entryPoints: { main: "dist/cli/main.js", help: "dist/cli/help.js" },
    outdir: OUT,
    bundle: true,
    // A dynamic import() stays its own chunk: `clerk serve` and `clerk mcp` load the server only when they run.
    splitting: true,
    // Chunks sit beside main.js, not in a subfolder: a path a module resolves from import.meta.url (the
    // dashboard's dist/dashboard) must not depend on which chunk the module landed in.
    chunkNames: "[name]-[hash]",
    format: "esm",
    platform: "node",
    target: "node20",
    plugins: [externalPackages],
    // A CommonJS package in the bundle (yaml) requires Node's built-ins: give it a real require().
    banner: {
      js: 'import { createRequire as __clerkRequire } from "node:module"; const require = __clerkRequire(import.meta.url);',
    },
    legalComments: "linked",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
  });

  const cli = (file: string) => pathToFileURL(resolve("dist/cli", file)).href;
  const { buildProgram } = (await import(cli("main.js"))) as typeof Main;
  const { describeCommand } = (await import(cli("manifest.js"))) as typeof Manifest;
  writeFileSync(`${OUT}/commands.json`, JSON.stringify(describeCommand(buildProgram())));
} catch (error) {
  // Half a bundle (no command table) must not pass for a build: without it bin/clerk.js runs dist/cli/main.js.
  rmSync(OUT, { recursive: true, force: true });
  throw error;
}
