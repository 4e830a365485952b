// Reading configuration files: one file, several, or a directory's *.yaml/*.yml/*.json, parsed with positions
// (YAML is a superset of JSON, so one parser serves both) so that every error names file:line:col and the field.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Document, LineCounter, isMap, isNode, isScalar, parseDocument } from "yaml";
import type { z } from "zod";
import { ClerkError } from "../../errors.js";
import { type Config, configSchema } from "./config.schema.js";

const CONFIG_FILE = /\.(ya?ml|json)$/i;

function invalid(message: string, details: Record<string, unknown> = {}): ClerkError {
  return new ClerkError("input.invalid", message, { param: "file", details });
}

/** The files a `-f` names: a file as it is, a directory's configuration files sorted by name. */
export function configFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw invalid(`${path}: no such file or directory.`);
    }
    if (!stat.isDirectory()) {
      out.push(path);
      continue;
    }
    const names = readdirSync(path)
      .filter((n) => CONFIG_FILE.test(n))
      .sort();
    if (names.length === 0) throw invalid(`${path} has no .yaml, .yml or .json file.`);
    out.push(...names.map((n) => join(path, n)));
  }
  return out;
}

/** Where a path of the document starts, or its nearest existing ancestor. */
function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/** Where an object's key is written (an unknown field is pointed at by its name, not its value). */
function keyPosition(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key: string) {
  const holder = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
  if (isMap(holder)) {
    const pair = holder.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]);
  }
  return positionOf(doc, lines, [...path, key]);
}

function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "") || "(top)"
  );
}

/** Parses one file's text; `name` is how errors name it. */
export function parseConfigText(name: string, text: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    const what = error.message.split("\n")[0] ?? error.message;
    throw invalid(`${name}:${at.line}:${at.col}: ${what}`, { file: name, line: at.line, column: at.col });
  }
  const parsed = configSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  // An unknown key is reported on the object holding it; name the key itself.
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0] as string] : issue.path;
  const at = keys.length > 0 ? keyPosition(doc, lines, issue.path, keys[0] as string) : positionOf(doc, lines, path);
  const message = keys.length > 0 ? `unknown field (the format has no "${keys[0]}")` : issue.message;
  throw invalid(`${name}:${at.line}:${at.col}: ${fieldPath(path)}: ${message}`, {
    file: name,
    line: at.line,
    column: at.col,
    field: fieldPath(path),
  });
}

/** Several configurations as one: lists joined, role defaults taken from whichever file sets them. */
export function mergeConfigs(parts: readonly { name: string; config: Config }[]): Config {
  const merged: Config = { version: 1 };
  const defaultsFrom: Record<string, string> = {};
  for (const { name, config } of parts) {
    if (config.permissions) merged.permissions = [...(merged.permissions ?? []), ...config.permissions];
    if (config.roles) merged.roles = [...(merged.roles ?? []), ...config.roles];
    if (config.organizations) merged.organizations = [...(merged.organizations ?? []), ...config.organizations];
    for (const which of ["creator", "default"] as const) {
      const value = config.role_defaults?.[which];
      if (value === undefined) continue;
      const earlier = merged.role_defaults?.[which];
      if (earlier !== undefined && earlier !== value)
        throw invalid(
          `role_defaults.${which} is ${earlier} in ${defaultsFrom[which]} and ${value} in ${name}; set it in one file.`,
        );
      merged.role_defaults = { ...merged.role_defaults, [which]: value };
      defaultsFrom[which] = name;
    }
  }
  return merged;
}

/** Reads and merges the files `-f` names. */
export function loadConfig(paths: readonly string[]): Config {
  return mergeConfigs(
    configFiles(paths).map((name) => ({ name, config: parseConfigText(name, readFileSync(name, "utf8")) })),
  );
}
