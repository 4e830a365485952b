// Test runner configuration: unit tests beside the code, cross-feature tests in test/, PostgreSQL for the run.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/setup/build.ts", "test/setup/postgres.ts", "test/setup/temp-dirs.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // In-process stores on PostgreSQL keep their master key file in the config dir: never the repository's ./.clerk.
    // CLERK_CHECK_OUTPUT holds every answer, in-process and served, to its operation's declared output schema.
    env: { CLERK_CONFIG_DIR: join(tmpdir(), `clerk-test-config-${process.pid}`), CLERK_CHECK_OUTPUT: "1" },
  },
});
