// Writes an export to a file through the API's list, page by page: constant memory, atomic, the same locally and remotely.
import { randomBytes } from "node:crypto";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { once } from "node:events";
import { basename, dirname, join, resolve } from "node:path";
import type { Api } from "../../cli/api.js";
import { type ExportFormat, exportWriter } from "./audit.format.js";
import { auditEndpoints } from "./audit.routes.js";

/** What to export, and where. */
export interface ExportFileOptions {
  organization?: string | undefined;
  format: ExportFormat;
  filter?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  output: string;
  /** Where the progress line goes (a terminal); none when absent. */
  progress?: NodeJS.WritableStream | undefined;
  /** Events per request. */
  pageSize?: number | undefined;
  /** Milliseconds since some origin, for the rate on the progress line. */
  now?: () => number;
}

/** The format a file name suggests: .json, .csv, else JSON Lines. */
export function formatForFile(file: string): ExportFormat {
  if (/\.json$/i.test(file)) return "json";
  if (/\.csv$/i.test(file)) return "csv";
  return "jsonl";
}

/**
 * Pages oldest first through `GET /v1/audit_events` and writes each page as it arrives to a temporary file
 * beside the target, renamed over it only when complete: a reader never sees half an export.
 */
export async function exportToFile(api: Api, o: ExportFileOptions): Promise<{ count: number; path: string }> {
  const path = resolve(o.output);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const out = createWriteStream(temp, { flags: "wx", mode: 0o600 });
  const write = async (chunk: string) => {
    if (chunk !== "" && !out.write(chunk)) await once(out, "drain");
  };
  const writer = exportWriter(o.format);
  const now = o.now ?? (() => performance.now());
  const started = now();
  let count = 0;
  try {
    await write(writer.start());
    let cursor: string | undefined;
    for (;;) {
      const page = await api.call(auditEndpoints.list, {
        query: { organization_id: o.organization, filter: o.filter, from: o.from, to: o.to, order: "asc", limit: o.pageSize ?? 1000, cursor, purpose: "export" },
      });
      await write(writer.page(page.data));
      count += page.data.length;
      if (o.progress) {
        const seconds = Math.max((now() - started) / 1000, 0.001);
        o.progress.write(`\r${count} events  ${Math.round(count / seconds)}/s `);
      }
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    await write(writer.end());
    out.end();
    await once(out, "close");
    renameSync(temp, path);
    if (o.progress) o.progress.write("\n");
    return { count, path };
  } catch (error) {
    out.destroy();
    rmSync(temp, { force: true });
    throw error;
  }
}
