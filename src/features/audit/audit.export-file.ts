// Writes an export's chunks to a file (atomically) or a stream: constant memory, counting events for the progress
// line. Where the chunks come from (the API, in-process or over HTTP) is the caller's business.
import { randomBytes } from "node:crypto";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { once } from "node:events";
import { basename, dirname, join, resolve } from "node:path";
import { ClerkError } from "../../errors.js";
import { type ExportFormat, eventCounter } from "./audit.format.js";

/** Starts an export and hands over its chunks once it is under way (a refusal rejects before the first). */
export type ExportSource = () => Promise<AsyncIterable<string | Uint8Array>>;

/** How to write an export. */
export interface ExportWriteOptions {
  format: ExportFormat;
  /** Where the progress line goes (a terminal); none when absent. */
  progress?: NodeJS.WritableStream | undefined;
  /** Milliseconds since some origin, for the rate on the progress line. */
  now?: () => number;
}

/** How to write an export, and the file it goes to. */
export interface ExportFileOptions extends ExportWriteOptions {
  output: string;
}

/** The format a file name suggests: .json, .csv, else JSON Lines. */
export function formatForFile(file: string): ExportFormat {
  if (/\.json$/i.test(file)) return "json";
  if (/\.csv$/i.test(file)) return "csv";
  return "jsonl";
}

/** Streams the export from `source` into `out`, counting the events as they pass for the progress line and the summary. */
export async function writeExport(
  source: ExportSource,
  o: ExportWriteOptions,
  out: NodeJS.WritableStream,
): Promise<{ count: number }> {
  const chunks = await source();
  const counter = eventCounter(o.format);
  const now = o.now ?? (() => performance.now());
  const started = now();
  let count = 0;
  let shown = started;
  const show = () => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    o.progress?.write(`\r${count} events  ${Math.round(count / seconds)}/s `);
  };
  for await (const chunk of chunks) {
    const bytes =
      typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.length === 0) continue;
    count += counter(bytes);
    if (!out.write(bytes)) await once(out, "drain");
    if (o.progress && now() - shown >= 100) {
      shown = now();
      show();
    }
  }
  if (o.progress) {
    show();
    o.progress.write("\n");
  }
  return { count };
}

/**
 * Writes the export to a temporary file beside the target, renamed over it only when complete: a reader
 * never sees half an export, and a failed one leaves the old file as it was.
 */
export async function writeExportFile(
  source: ExportSource,
  o: ExportFileOptions,
): Promise<{ count: number; path: string }> {
  const path = resolve(o.output);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const out = createWriteStream(temp, { flags: "wx", mode: 0o600 });
  // An open error (no such directory, no permission) arrives as an event; make it the export's error.
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => undefined);
  try {
    const { count } = await Promise.race([writeExport(source, o, out), failed]);
    out.end();
    await Promise.race([once(out, "close"), failed]);
    renameSync(temp, path);
    return { count, path };
  } catch (error) {
    out.destroy();
    rmSync(temp, { force: true });
    throw unwritable(error, o.output) ?? error;
  }
}

/** A file-system refusal (no such directory, no permission, disk full) as the user's mistake it usually is. */
function unwritable(error: unknown, output: string): ClerkError | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: "its directory does not exist",
    EACCES: "you may not write there",
    EPERM: "you may not write there",
    EROFS: "the file system is read-only",
    ENOSPC: "the disk is full",
    EISDIR: "it is a directory",
    ENOTDIR: "a part of its path is not a directory",
  };
  const reason = code === undefined ? undefined : why[code];
  if (!reason) return undefined;
  return new ClerkError(
    "input.invalid",
    `Cannot write the export to ${output}: ${reason}. Nothing was written; pass --output a file in a writable directory.`,
    { param: "output", cause: error },
  );
}
