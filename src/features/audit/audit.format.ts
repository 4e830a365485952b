// The audit event as the API and exports show it, and the JSON, JSONL and CSV writers the export streams through.
import type { AuditEventObject } from "./audit.view.js";

/** The formats an export is written in. */
export const EXPORT_FORMATS = ["json", "jsonl", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = Object.freeze({
  json: "application/json",
  jsonl: "application/x-ndjson",
  csv: "text/csv; charset=utf-8",
});

/** The CSV columns, in order; `before` and `after` hold JSON text, an empty cell is null. */
export const CSV_COLUMNS = Object.freeze([
  "id",
  "seq",
  "organization_id",
  "created_at",
  "time",
  "actor_type",
  "actor_id",
  "actor_label",
  "action",
  "target_type",
  "target_id",
  "target_label",
  "before",
  "after",
  "request_id",
  "ip",
  "prev_hash",
  "hash",
  "via_type",
  "via_id",
  "via_label",
  "checkpoint_seq",
] as const);

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading `'`, so opening an
 * export never executes what an actor typed into a name. A cell already starting with `'` gets one too,
 * so the rule reverses exactly: a reader strips one leading `'` from text cells.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "string" && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(e: AuditEventObject): string {
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  return [
    e.id,
    e.seq,
    e.organization_id,
    e.created_at,
    e.time,
    e.actor.type,
    e.actor.id,
    e.actor.label,
    e.action,
    e.target.type,
    e.target.id,
    e.target.label,
    json(e.before),
    json(e.after),
    e.request_id,
    e.ip,
    e.prev_hash,
    e.hash,
    e.via?.type ?? null,
    e.via?.id ?? null,
    e.via?.label ?? null,
    e.checkpoint_seq,
  ]
    .map(csvCell)
    .join(",");
}

/**
 * Writes events in one format as text chunks: `start`, then `page` for each page in order, then `end`.
 * JSON is one array (an SIEM reads the whole file as one value); JSONL and CSV are one event per line.
 */
export interface ExportWriter {
  start(): string;
  page(events: readonly AuditEventObject[]): string;
  end(): string;
}

export function exportWriter(format: ExportFormat): ExportWriter {
  let written = 0;
  switch (format) {
    case "json":
      return {
        start: () => "[",
        page: (events) => {
          let out = "";
          for (const e of events) out += `${written++ === 0 ? "\n" : ",\n"}${JSON.stringify(e)}`;
          return out;
        },
        end: () => (written === 0 ? "]\n" : "\n]\n"),
      };
    case "jsonl":
      return { start: () => "", page: (events) => events.map((e) => `${JSON.stringify(e)}\n`).join(""), end: () => "" };
    case "csv":
      return {
        start: () => `${CSV_COLUMNS.join(",")}\n`,
        page: (events) => events.map((e) => `${csvRow(e)}\n`).join(""),
        end: () => "",
      };
  }
}

/**
 * Counts the events in an export's bytes as they stream past, chunk by chunk, from the shape the writers
 * above give each format: JSONL ends every event with a newline; JSON starts each on a new line with `{`
 * (a newline inside an event is always escaped); CSV ends every row with a newline outside quotes, after
 * one header row.
 */
export function eventCounter(format: ExportFormat): (chunk: Buffer) => number {
  const NL = 0x0a;
  switch (format) {
    case "jsonl":
      return (chunk) => {
        let n = 0;
        for (let i = chunk.indexOf(NL); i !== -1; i = chunk.indexOf(NL, i + 1)) n++;
        return n;
      };
    case "json": {
      let afterNewline = false;
      return (chunk) => {
        if (chunk.length === 0) return 0;
        let n = afterNewline && chunk[0] === 0x7b ? 1 : 0;
        for (let i = chunk.indexOf(NL); i !== -1 && i + 1 < chunk.length; i = chunk.indexOf(NL, i + 1))
          if (chunk[i + 1] === 0x7b) n++;
        afterNewline = chunk[chunk.length - 1] === NL;
        return n;
      };
    }
    case "csv": {
      let quoted = false;
      let header = true;
      return (chunk) => {
        let n = 0;
        for (let i = 0; i < chunk.length; i++) {
          const b = chunk[i];
          if (b === 0x22) quoted = !quoted;
          else if (b === NL && !quoted) {
            if (header) header = false;
            else n++;
          }
        }
        return n;
      };
    }
  }
}
