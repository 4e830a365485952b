// Reading configuration files: one file, several, or a directory's *.yaml/*.yml/*.json, parsed with positions
// (YAML is a superset of JSON, so one parser serves both) so that every error names file:line:col and the field.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Document, LineCounter, isMap, isNode, isScalar, parseDocument } from "yaml";
import type { z } from "zod";
import { ClerkError } from "../../errors.js";
import { missingEnv } from "./config.errors.js";
import { type Config, ENV_REF, configSchema } from "./config.schema.js";

/** The environment a file's `${env:NAME}` references are read from. */
export type Env = Record<string, string | undefined>;

const SECRET_FIELDS = ["webhook", "smtp_password", "url", "signing_secret"] as const;

/** Every `${env:NAME}` a configuration names, with the path of the field naming it. */
export function envReferences(config: Config): { variable: string; path: (string | number)[] }[] {
  const out: { variable: string; path: (string | number)[] }[] = [];
  for (const [i, p] of (config.notification_providers ?? []).entries())
    for (const field of SECRET_FIELDS) {
      const variable = p[field] === undefined ? undefined : ENV_REF.exec(p[field] as string)?.[1];
      if (variable !== undefined) out.push({ variable, path: ["notification_providers", i, field] });
    }
  return out;
}

/** The values of the variables a configuration names (what the CLI sends with it); a missing one is an error. */
export function envValues(config: Config, env: Env, source = "the configuration"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { variable, path } of envReferences(config)) {
    const value = env[variable];
    if (value === undefined || value === "") throw missingEnv(variable, `${source}: ${fieldPath(path)}`);
    out[variable] = value;
  }
  return out;
}

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

/** Parses one file's text; `name` is how errors name it. With `env`, a `${env:NAME}` it lacks is an error at its line. */
export function parseConfigText(name: string, text: string, env?: Env): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    const what = error.message.split("\n")[0] ?? error.message;
    throw invalid(`${name}:${at.line}:${at.col}: ${what}`, { file: name, line: at.line, column: at.col });
  }
  const parsed = configSchema.safeParse(doc.toJS());
  if (parsed.success) {
    for (const { variable, path } of env ? envReferences(parsed.data) : []) {
      if (env?.[variable] !== undefined && env[variable] !== "") continue;
      const at = positionOf(doc, lines, path);
      throw missingEnv(variable, `${name}:${at.line}:${at.col}: ${fieldPath(path)}`, {
        file: name,
        line: at.line,
        column: at.col,
      });
    }
    return parsed.data;
  }
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
    if (config.notification_providers)
      merged.notification_providers = [...(merged.notification_providers ?? []), ...config.notification_providers];
    for (const [key, value] of Object.entries(config.settings?.tokens ?? {})) {
      const earlier = (merged.settings?.tokens as Record<string, unknown> | undefined)?.[key];
      if (earlier !== undefined && earlier !== value)
        throw invalid(
          `settings.tokens.${key} is ${earlier} in ${defaultsFrom[`tokens.${key}`]} and ${value} in ${name}; set it in one file.`,
        );
      merged.settings = { tokens: { ...merged.settings?.tokens, [key]: value } };
      defaultsFrom[`tokens.${key}`] = name;
    }
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

/** Reads and merges the files `-f` names; with `env`, every `${env:NAME}` they name must be set in it. */
export function loadConfig(paths: readonly string[], env?: Env): Config {
  return mergeConfigs(
    configFiles(paths).map((name) => ({ name, config: parseConfigText(name, readFileSync(name, "utf8"), env) })),
  );
}
