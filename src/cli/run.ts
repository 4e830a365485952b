// Runs one command: opens a session, calls the handler, prints the result, maps errors to exit codes.
import type { Command } from "commander";
import { ClerkError, asClerkError } from "../errors.js";
import { type CliSession, type GlobalOptions, openSession } from "./context.js";
import { type CommandOutput, type Format, render } from "./output.js";

/** What a command does with an open session and its parsed options. */
export type Handler<O> = (session: CliSession, options: O, args: string[]) => Promise<CommandOutput>;

/** A result that is not an error but that scripts must tell apart (e.g. `clerk check` denied → 4). */
export class ExitWith {
  constructor(
    readonly output: CommandOutput,
    readonly code: number,
  ) {}
}

function formatOf(options: GlobalOptions): Format {
  const value = options.format ?? (process.stdout.isTTY ? "table" : "json");
  if (value !== "table" && value !== "json") {
    throw new ClerkError("input.invalid", `--format "${value}" is not a format; use table or json.`, {
      param: "format",
    });
  }
  return value;
}

/** Prints an error the way every command does: one line on stderr, no stack, the error's exit code. */
export function reportError(thrown: unknown, json: boolean): number {
  const error = asClerkError(thrown) ?? thrown;
  if (error instanceof ClerkError) {
    if (json)
      process.stderr.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, param: error.param, details: error.details } })}\n`,
      );
    else process.stderr.write(`error: ${error.message}\n`);
    return error.spec.exit;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.CLERK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

/** Wraps a handler as a commander action. */
export function action<O>(handler: Handler<O>) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const options = command.optsWithGlobals() as O & GlobalOptions;
    const args = command.args;
    let session: CliSession | undefined;
    // Errors are JSON only when asked for explicitly; a non-terminal default still gets the plain line.
    const json = options.format === "json";
    try {
      const format = formatOf(options);
      session = await openSession(options);
      const output = await handler(session, options, args);
      process.stdout.write(`${render(output, format)}\n`);
    } catch (error) {
      if (error instanceof ExitWith) {
        process.stdout.write(`${render(error.output, formatOf(options))}\n`);
        process.exitCode = error.code;
      } else {
        process.exitCode = reportError(error, json);
      }
    } finally {
      await session?.close();
    }
  };
}

/**
 * Wraps a handler whose output is a file or a stream of its own rather than a table or JSON (an export): its
 * options may use --format for that output, and what it returns, if anything, is one line printed after it.
 */
export function fileAction<O>(
  handler: (session: CliSession, options: O & GlobalOptions, args: string[]) => Promise<string | undefined>,
) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const options = command.optsWithGlobals() as O & GlobalOptions;
    let session: CliSession | undefined;
    try {
      session = await openSession(options);
      const summary = await handler(session, options, command.args);
      if (summary !== undefined) process.stdout.write(`${summary}\n`);
    } catch (error) {
      process.exitCode = reportError(error, false);
    } finally {
      await session?.close();
    }
  };
}
