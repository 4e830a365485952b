// How the CLI prints: aligned tables for people on a terminal, stable JSON for scripts.
import type { Command } from "commander";

/** What a command produces: the JSON shape scripts rely on, and the text people read. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/** `table` on a terminal, `json` otherwise, unless --format says. */
export type Format = "table" | "json";

/** How a table is drawn: the width to fit (none: as wide as the cells) and whether to use colour. */
export interface TableStyle {
  width?: number;
  color: boolean;
}

/**
 * The style for standard output: a terminal's width and colour; a pipe or file gets neither, and `NO_COLOR`
 * (https://no-color.org) or `TERM=dumb` turn colour off.
 */
export function terminalStyle(
  stream: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): TableStyle {
  if (stream.isTTY !== true) return { color: false };
  const color = (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
  return { width: stream.columns && stream.columns > 0 ? stream.columns : undefined, color };
}

const GAP = 2;
/** No column is narrowed below this (or its header), so a fitted table still says what each column is. */
const MIN_COLUMN = 8;

/** Column widths that fit `width`: the widest column gives up a character at a time, down to its minimum. */
function fit(widths: number[], minimums: readonly number[], width: number | undefined): number[] {
  if (width === undefined) return widths;
  const fitted = [...widths];
  const total = () => fitted.reduce((a, b) => a + b, 0) + GAP * (fitted.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < fitted.length; i++) {
      if (
        (fitted[i] as number) > (minimums[i] as number) &&
        (widest < 0 || (fitted[i] as number) > (fitted[widest] as number))
      )
        widest = i;
    }
    if (widest < 0) break;
    fitted[widest] = (fitted[widest] as number) - 1;
  }
  return fitted;
}

const truncate = (cell: string, width: number) => (cell.length <= width ? cell : `${cell.slice(0, width - 1)}…`);

/**
 * A text table; columns sized to their widest cell, the widest ones truncated (with …) to fit the terminal,
 * the header bold on a colour terminal.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
  style: TableStyle = terminalStyle(),
): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : String(c))));
  const natural = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const widths = fit(
    natural,
    headers.map((h, i) => Math.min(natural[i] as number, Math.max(h.length, MIN_COLUMN))),
    style.width,
  );
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => truncate(c, widths[i] ?? 0).padEnd(widths[i] ?? 0))
      .join(" ".repeat(GAP))
      .trimEnd();
  const paint = (code: string, text: string) => (style.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return [paint("1", line(headers)), paint("2", line(widths.map((w) => "-".repeat(w)))), ...cells.map(line)].join("\n");
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
