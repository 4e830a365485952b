// Vitest global setup: compiles the package once (the dashboard too), so the end-to-end tests run the real
// `bin/clerk.js` and `clerk serve` serves the built dashboard.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  // For a developer who has just built (e.g. `npx tsc -p tsconfig.build.json` while another file is mid-edit).
  if (process.env.CLERK_TEST_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
  // The CLI's bundle and command table (bin/clerk.js runs them), as `npm run build` makes them.
  execFileSync(process.execPath, ["--import", "tsx", "scripts/bundle-cli.ts"], { stdio: "inherit" });
  // Vitest sets NODE_ENV=test, which would bundle React's development build: the tests (and a later `npm start`)
  // must get the production bundle `npm run build` makes.
  execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "dashboard", "--logLevel", "warn"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
}
