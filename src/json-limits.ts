// Limits on user-supplied JSON (metadata, event data, forms): nesting depth and size, checked without recursion.
import { z } from "zod";

/** How deep a JSON field may nest (`{}` is 1 level, `{"a":[]}` 2). Deeper values overflow JSON.stringify's stack. */
export const MAX_JSON_DEPTH = 32;

/** The default size limit of a JSON field, in bytes of its JSON text. */
export const MAX_JSON_FIELD_BYTES = 65_536;

/**
 * The nesting depth of a parsed JSON value, counted up to just past `limit` and then given up: iterative,
 * so a 10 000-deep array costs no stack and little time.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let max = 0;
  const stack: Array<[object, number]> = [];
  if (value !== null && typeof value === "object") stack.push([value, 1]);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (child !== null && typeof child === "object") stack.push([child as object, depth + 1]);
  }
  return max;
}

/** The message for a value nested deeper than {@link MAX_JSON_DEPTH}. */
export const TOO_DEEP = `must nest at most ${MAX_JSON_DEPTH} levels of objects and arrays`;

/**
 * A JSON object field (metadata, event data, form data) at most {@link MAX_JSON_DEPTH} deep and `maxBytes`
 * of JSON; either failure is an `input.invalid` naming the field, never a stack overflow later.
 */
export function jsonObject(maxBytes = MAX_JSON_FIELD_BYTES) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    if (jsonDepth(value) > MAX_JSON_DEPTH) {
      ctx.addIssue({ code: "custom", message: TOO_DEEP });
      return;
    }
    if (Buffer.byteLength(JSON.stringify(value), "utf8") > maxBytes)
      ctx.addIssue({ code: "custom", message: `must be at most ${Math.floor(maxBytes / 1024)} KB of JSON` });
  });
}
