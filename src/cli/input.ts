// Flag values that need more than a string: JSON objects (inline or @file), and the organization a name is looked up in.
import { readFileSync } from "node:fs";
import { ClerkError } from "../errors.js";
import { refuseNulBytes } from "../validation.js";
import { readState } from "./context.js";

/** The organization to look a workflow up in: --organization, else `clerk org use`, else undefined (anywhere unambiguous). */
export const orgHint = (given: string | undefined): string | undefined => given ?? readState().organization;

/** A JSON object from a flag: inline JSON, or @file to read it from a file. */
export function jsonObject(value: string | undefined, param: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith("@")) {
    try {
      text = readFileSync(value.slice(1), "utf8");
    } catch (error) {
      throw new ClerkError(
        "input.invalid",
        `--${param} ${value}: cannot read ${value.slice(1)} (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
        { param },
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ClerkError(
      "input.invalid",
      `--${param} is not valid JSON (${(error as Error).message}); pass an object such as '{"environment": "production"}' or @file.json.`,
      { param },
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ClerkError("input.invalid", `--${param} must be a JSON object such as '{"key": "value"}'.`, { param });
  // Arguments cannot carry a NUL byte, but JSON can spell one (\u0000); refused here as the API refuses it.
  refuseNulBytes(parsed, (path) => [`--${param}`, ...path].join("."));
  return parsed as Record<string, unknown>;
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptSecret(question: string): Promise<string> {
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  muted._writeToOutput = (s: string) => {
    if (!asked) {
      process.stderr.write(s);
      asked = true;
    }
  };
  try {
    return await new Promise((done) => rl.question(question, done));
  } finally {
    process.stderr.write("\n");
    rl.close();
  }
}
