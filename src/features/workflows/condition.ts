// Conditions on events (`environment:production,files:touched:security-sensitive`): parsing and evaluation, no I/O.
import { ClerkError } from "../../errors.js";
import { fileMatches } from "./file-glob.js";

/** One `key:value` fact a condition requires of an event. */
export type ConditionTerm =
  | { kind: "attribute"; text: string; path: readonly string[]; value: string }
  | { kind: "files"; text: string; fileSet: string };

const KEY = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** `estimated-impact` and `estimated_impact` name the same attribute; case never matters. */
function normaliseKey(key: string): string {
  return key.trim().toLowerCase().replace(/-/g, "_");
}

function invalid(text: string, why: string): ClerkError {
  return new ClerkError(
    "workflow.invalid_condition",
    `Condition "${text}" ${why}; write key:value pairs joined by "," (all must hold), e.g. environment:production,estimated-impact:high or files:touched:security-sensitive.`,
    { param: "condition" },
  );
}

/**
 * Parses a condition: `key:value` pairs joined by `,`; a key may walk into nested attributes with `.`
 * (`pr.base:main`); `files:touched:<file set>` holds when a touched file matches the named file set.
 * @throws ClerkError workflow.invalid_condition naming the part at fault.
 */
export function parseCondition(text: string): ConditionTerm[] {
  if (text.trim() === "") throw invalid(text, "is empty");
  return text.split(",").map((raw, i) => {
    const item = raw.trim();
    if (item === "") throw invalid(text, `has an empty part at position ${i + 1}`);
    const colon = item.indexOf(":");
    if (colon === -1) throw invalid(text, `has "${item}", which is not key:value`);
    if (colon === 0) throw invalid(text, `has "${item}" with no key before the ":"`);
    const key = normaliseKey(item.slice(0, colon));
    const value = item.slice(colon + 1).trim();
    if (!KEY.test(key))
      throw invalid(
        text,
        `has the key "${item.slice(0, colon)}", which is not letters, digits, "-", "_" and "." between names`,
      );
    if (value === "") throw invalid(text, `has no value after "${item.slice(0, colon)}:"`);
    if (key === "files") {
      const m = /^touched:(.+)$/.exec(value);
      const fileSet = m?.[1]?.trim().toLowerCase();
      if (!fileSet || !NAME.test(fileSet))
        throw invalid(text, `has "${item}"; a files condition is files:touched:<file set name>`);
      return { kind: "files", text: item, fileSet };
    }
    return { kind: "attribute", text: item, path: key.split("."), value };
  });
}

/** The file sets the terms name. */
export function fileSetsNamed(terms: readonly ConditionTerm[]): string[] {
  return [...new Set(terms.flatMap((t) => (t.kind === "files" ? [t.fileSet] : [])))];
}

function lookup(data: unknown, path: readonly string[]): unknown {
  let at: unknown = data;
  for (const segment of path) {
    if (at === null || typeof at !== "object" || Array.isArray(at)) return undefined;
    const entry = Object.entries(at as Record<string, unknown>).find(([k]) => normaliseKey(k) === segment);
    if (!entry) return undefined;
    at = entry[1];
  }
  return at;
}

function sameValue(actual: unknown, wanted: string): boolean {
  if (Array.isArray(actual)) return actual.some((a) => sameValue(a, wanted));
  if (actual === null || actual === undefined || typeof actual === "object") return false;
  return String(actual).toLowerCase() === wanted.toLowerCase();
}

/** The paths an event says it touches: `files` (or `files_touched`), at the top or under `pr` / `pull_request`. */
export function touchedFiles(data: unknown): string[] {
  for (const path of [["files"], ["files_touched"], ["pr", "files"], ["pull_request", "files"]]) {
    const found = lookup(data, path);
    if (!Array.isArray(found)) continue;
    return found.flatMap((f) => {
      if (typeof f === "string") return [f];
      const named =
        f && typeof f === "object"
          ? ((f as Record<string, unknown>).path ?? (f as Record<string, unknown>).filename)
          : undefined;
      return typeof named === "string" ? [named] : [];
    });
  }
  return [];
}

/** How a condition came out on one event. */
export interface ConditionResult {
  holds: boolean;
  /** The first term that did not hold. */
  failed?: string;
  /** File sets named but not defined: such a term counts as true (the extra approval is required). */
  unknownFileSets: string[];
}

/**
 * Evaluates a condition on an event's attributes. A `files:touched:<set>` term whose set does not exist
 * holds (fail safe); an attribute the event lacks does not.
 */
export function evaluateCondition(
  terms: readonly ConditionTerm[],
  data: unknown,
  fileSets: ReadonlyMap<string, readonly string[]>,
): ConditionResult {
  const unknownFileSets: string[] = [];
  let failed: string | undefined;
  for (const term of terms) {
    let holds: boolean;
    if (term.kind === "files") {
      const patterns = fileSets.get(term.fileSet);
      if (patterns === undefined) {
        unknownFileSets.push(term.fileSet);
        holds = true;
      } else {
        holds = touchedFiles(data).some((file) => patterns.some((p) => fileMatches(p, file)));
      }
    } else {
      holds = sameValue(lookup(data, term.path), term.value);
    }
    if (!holds && failed === undefined) failed = term.text;
  }
  return failed === undefined ? { holds: true, unknownFileSets } : { holds: false, failed, unknownFileSets };
}
