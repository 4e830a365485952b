// Parses service input with a feature's zod schema and turns the first problem into a specific ClerkError.
import type { z } from "zod";
import { ClerkError } from "./errors.js";

/** Parses `input`, or throws `input.invalid` naming the field, what was wrong and what is accepted. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // Fields are named as the API spells them (snake_case), whichever transport carried the call.
  const field =
    issue?.path.map((part) => String(part).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(".") || "input";
  const message =
    issue?.code === "unrecognized_keys"
      ? `unknown field(s) ${issue.keys.join(", ")}`
      : (issue?.message ?? "is invalid");
  throw new ClerkError("input.invalid", `${field}: ${message}.`, {
    param: field,
    details: { issues: result.error.issues },
  });
}
