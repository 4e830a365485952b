// How the CLI prints: aligned tables for people on a terminal, stable JSON for scripts.
import type { Command } from "commander";

/** What a command produces: the JSON shape scripts rely on, and the text people read. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/** `table` on a terminal, `json` otherwise, unless --format says. */
export type Format = "table" | "json";

/** A plain-text table; columns sized to their widest cell. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Key/value lines for one object. */
export function fields(pairs: readonly [string, string | number | null | undefined][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === null || v === undefined || v === "" ? "-" : v}`)
    .join("\n");
}

/** Unix ms → ISO time, or "never". */
export function when(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "never" : new Date(ms).toISOString();
}

export function render(output: CommandOutput, format: Format): string {
  return format === "json" ? JSON.stringify(output.json, null, 2) : output.text;
}

/**
 * The already-registered command `name` under `parent`, for features that add subcommands to another's
 * group (`org member`, `member permissions`). Registration order is a programming fact, so a miss is a TypeError.
 */
export function commandNamed(parent: Command, name: string): Command {
  const found = parent.commands.find((c) => c.name() === name);
  if (!found) throw new TypeError(`command "${name}" must be registered before its subcommands`);
  return found;
}
