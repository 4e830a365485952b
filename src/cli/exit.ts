// How commander's own exits (help, version, usage errors) become the CLI's exit codes.
import type { CommanderError } from "commander";

/** Help and the version exit 0; every usage error exits 2, as documented. */
export function exitCodeOf(error: CommanderError): number {
  const ok =
    error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help";
  return ok ? 0 : 2;
}
