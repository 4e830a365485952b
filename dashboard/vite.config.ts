// Builds the dashboard into dist/dashboard (served by `clerk serve` at /dashboard) and prints its size: the
// JavaScript a first visit loads, gzip-compressed, must stay under 300 KB.
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { type Plugin, defineConfig } from "vite";

const LIMIT_KB = 300;

function bundleSize(): Plugin {
  return {
    name: "clerk-bundle-size",
    apply: "build",
    generateBundle(_options, bundle) {
      let total = 0;
      for (const file of Object.values(bundle))
        if (file.type === "chunk" && (file.isEntry || file.isDynamicEntry === false))
          total += gzipSync(file.code).length;
      const kb = total / 1024;
      process.stdout.write(
        `\ndashboard bundle: ${kb.toFixed(1)} KB gzip JavaScript on first load (limit ${LIMIT_KB} KB)\n`,
      );
      if (kb > LIMIT_KB) this.error(`The dashboard's first load is ${kb.toFixed(1)} KB gzip, over ${LIMIT_KB} KB.`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/dashboard/",
  plugins: [bundleSize()],
  build: {
    outDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    // The server's CSP allows no inline script, so nothing may be inlined into index.html.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
