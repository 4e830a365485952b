// Where clerk keeps its local files: the `.clerk/` directory (the default database, the master key without a
// database file, the CLI's chosen organization per store), found like git finds `.git/`.
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The directory's name, looked for in the current directory and each one above it. */
export const CLERK_DIR = ".clerk";

/** How the config directory was chosen, for saying so when it surprises. */
export type ConfigDirSource = "env" | "found" | "new";

/** The nearest `.clerk/` directory in `from` or a directory above it, like git finds `.git/`. */
export function findClerkDir(from: string = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, CLERK_DIR);
    try {
      if (statSync(candidate).isDirectory()) return candidate;
    } catch {
      // Not here: look one level up.
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The config directory and why: `CLERK_CONFIG_DIR`, else the nearest `.clerk/` here or above, else `./.clerk`
 * in the current directory (made when first written to).
 */
export function locateConfigDir(): { dir: string; source: ConfigDirSource } {
  const fromEnv = process.env.CLERK_CONFIG_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return { dir: resolve(fromEnv), source: "env" };
  const found = findClerkDir();
  if (found !== undefined) return { dir: found, source: "found" };
  return { dir: resolve(CLERK_DIR), source: "new" };
}

/** `CLERK_CONFIG_DIR`, else the nearest `.clerk/` here or above, else `./.clerk`. */
export function configDir(): string {
  return locateConfigDir().dir;
}
