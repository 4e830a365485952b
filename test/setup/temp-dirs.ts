// Vitest global setup: the config directory vitest.config.ts gives every test process (CLERK_CONFIG_DIR, master keys
// of in-process stores) is this run's alone, so it is removed when the run ends instead of piling up in /tmp.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  // The same name vitest.config.ts computes: both run in vitest's main process.
  const dir = join(tmpdir(), `clerk-test-config-${process.pid}`);
  return () => rmSync(dir, { recursive: true, force: true });
}
