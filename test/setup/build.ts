// Vitest global setup: compiles the package once, so the CLI end-to-end tests run the real `bin/clerk.js`.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
