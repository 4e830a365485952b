// The environment a spawned `clerk` process gets: this machine's, minus any CLERK_* a test set in this worker.
import { join } from "node:path";

/**
 * Test files share worker processes, and some set CLERK_CONFIG_DIR or CLERK_MASTER_KEY for themselves; a CLI
 * spawned by another file must not inherit them (its `org use` state and key file belong in its own dir).
 */
export function childEnv(cwd: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CLERK_")));
  return { ...inherited, CLERK_CONFIG_DIR: join(cwd, ".clerk"), ...extra };
}
