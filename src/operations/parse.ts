// Parses an operation's params, query or body with its zod schema into Clerk-style 422 errors naming the field.
import type { z } from "zod";
import { ClerkError } from "../errors.js";
import { refuseNulBytes } from "../validation.js";

/**
 * Parses `input` or throws: a NUL byte in any string → 422 naming the field, an unknown field → 422 form_param_unknown,
 * a missing one → form_param_missing, else format_invalid.
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  refuseNulBytes(input, (path) => path.map(String).join("."));
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    const name = issue.keys[0] ?? "";
    throw new ClerkError("request.unknown_field", `${name} is not a valid parameter for this request.`, {
      param: name,
    });
  }
  const field = issue?.path.map(String).join(".") || "body";
  if (issue?.code === "invalid_type" && issue.input === undefined) {
    throw new ClerkError("input.missing", `${field} must be included.`, { param: field });
  }
  throw new ClerkError("input.invalid", `${field}: ${issue?.message ?? "is invalid"}.`, { param: field });
}
