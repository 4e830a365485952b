// File-set patterns: the same glob rules as path scopes (`*` within a segment, `**` across, trailing `/` a prefix).
import { EngineInputError, parseScope, scopeMatches } from "../../engine/index.js";
import { ClerkError } from "../../errors.js";

/**
 * Checks one pattern of a file set, as a path scope would be checked.
 * @throws ClerkError fileset.invalid saying what is wrong with it.
 */
export function checkFilePattern(pattern: string): string {
  const value = pattern.trim();
  try {
    parseScope(`path:${value}`);
  } catch (error) {
    if (error instanceof EngineInputError) {
      throw new ClerkError(
        "fileset.invalid",
        `File pattern "${value}" is not usable: ${error.message.replace(/^Path scope "path:[^"]*"/, "it")}`,
        { param: "paths" },
      );
    }
    throw error;
  }
  return value;
}

/**
 * Whether `file` (a repository-relative path) matches `pattern`. A leading "**" segment also matches no
 * folder at all (so "**" + "/*.pem" matches `key.pem`), as in .gitignore; paths that climb out with `..` never match.
 */
export function fileMatches(pattern: string, file: string): boolean {
  const path = file.trim().replace(/^\.\//, "");
  if (path === "" || path.startsWith("/")) return false;
  const resource = `path:${path}`;
  if (scopeMatches({ type: "path", pattern }, resource)) return true;
  return pattern.startsWith("**/") && scopeMatches({ type: "path", pattern: pattern.slice(3) }, resource);
}
