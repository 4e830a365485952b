// Vitest global setup: compiles the package once, so the CLI end-to-end tests run the real `bin/clerk.js`.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  // For a developer who has just built (e.g. `npx tsc -p tsconfig.build.json` while another file is mid-edit).
  if (process.env.CLERK_TEST_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
