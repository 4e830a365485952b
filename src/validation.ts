// Parses service input with a feature's zod schema and turns the first problem into a specific ClerkError.
import { z } from "zod";
import { ClerkError } from "./errors.js";

/** The largest value of a 32-bit `integer` column (PostgreSQL refuses more with 22003). */
export const INT32_MAX = 2_147_483_647;

/** A whole number that fits the store's 32-bit `integer` columns, from `min`. */
export const int32 = (min = 0) =>
  z
    .number()
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(INT32_MAX, `must be at most ${INT32_MAX}`);

/** The path (`name`, `data.files.0`, a key itself) of the first string in `value` holding a NUL byte, if any. */
export function nulBytePath(value: unknown, path: readonly (string | number)[] = []): (string | number)[] | undefined {
  // Iterative, so a 10 000-deep value (refused later by its schema's depth limit) cannot overflow the stack here.
  interface Node {
    value: unknown;
    key: string | number | undefined;
    parent: Node | undefined;
  }
  const pathOf = (node: Node | undefined, last?: string): (string | number)[] => {
    const keys: (string | number)[] = last === undefined ? [] : [last];
    for (let n = node; n?.key !== undefined; n = n.parent) keys.push(n.key);
    return [...path, ...keys.reverse()];
  };
  const stack: Node[] = [{ value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const v = node.value;
    if (typeof v === "string") {
      if (v.includes("\u0000")) return pathOf(node);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      // An object's keys are checked before its values are walked.
      for (const [key] of entries) if (key.includes("\u0000")) return pathOf(node, key);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        stack.push({ value: item, key, parent: node });
      }
    }
  }
  return undefined;
}

/**
 * Refuses a NUL byte anywhere in `input` (PostgreSQL cannot store one in text, SQLite would cut the string there),
 * with `input.invalid` naming the field as `name` spells it. Both transports call it before anything is read.
 */
export function refuseNulBytes(input: unknown, name: (path: (string | number)[]) => string): void {
  const path = nulBytePath(input);
  if (!path) return;
  const field = name(path) || "input";
  throw new ClerkError("input.invalid", `${field}: must not contain a NUL byte (\\u0000); send the text without it.`, {
    param: field,
  });
}

const apiName = (path: (string | number)[]) =>
  path.map((part) => String(part).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(".");

/** Parses `input`, or throws `input.invalid` naming the field, what was wrong and what is accepted. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  refuseNulBytes(input, apiName);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // Fields are named as the API spells them (snake_case), whichever transport carried the call.
  const field = (issue ? apiName(issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))) : "") || "input";
  const message =
    issue?.code === "unrecognized_keys"
      ? `unknown field(s) ${issue.keys.join(", ")}`
      : (issue?.message ?? "is invalid");
  throw new ClerkError("input.invalid", `${field}: ${message}.`, {
    param: field,
    details: { issues: result.error.issues },
  });
}
