// The quick answer to `clerk --help`, `clerk <command> --help` and `clerk --version`: the command table read from
// the manifest the build wrote, without loading a single feature. Anything else goes to the full program.
import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { exitCodeOf } from "./exit.js";
import { type CommandManifest, programFromManifest } from "./manifest.js";

/**
 * Answers `argv` from `manifest` when it asks for help or the version (or is a usage error found on the way):
 * true when it did, and the exit code is set; false when the full program must run the command.
 */
export function answerFromManifest(manifest: CommandManifest, argv: readonly string[]): boolean {
  const program = programFromManifest(manifest, (command) => {
    command.exitOverride();
    command.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  });
  try {
    program.parse([...argv], { from: "user" });
    return false;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = exitCodeOf(error);
    return true;
  }
}

/** The manifest beside this file (dist/cli-bundle/commands.json), answering as `answerFromManifest` does. */
export function answerHelp(argv: readonly string[]): boolean {
  const manifest = JSON.parse(readFileSync(new URL("./commands.json", import.meta.url), "utf8")) as CommandManifest;
  return answerFromManifest(manifest, argv);
}
