// `clerk audit …`: list, export, verify, checkpoint and retention of the audit log, all through the API.
import type { Command } from "commander";
import type { Api } from "../../cli/api.js";
import { operationCommand } from "../../cli/command.js";
import { table, when } from "../../cli/output.js";
import { ExitWith, action, fileAction } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { type ExportFileOptions, formatForFile, writeExport, writeExportFile } from "./audit.export-file.js";
import { EXPORT_FORMATS, type ExportFormat } from "./audit.format.js";
import { auditOperations } from "./audit.operations.js";

const ORG_HELP = "slug, id or name (default: the instance's own log; instance admins only)";

/** Which events to export. */
interface ExportQuery {
  organization?: string | undefined;
  filter?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The export's chunks from the API (in-process or over HTTP, the same bytes), once it has started. */
const exportSource = (api: Api, o: ExportQuery & { format: ExportFormat }) => () =>
  api.stream(auditOperations.export, {
    query: { organization_id: o.organization, filter: o.filter, from: o.from, to: o.to, format: o.format },
  });

/**
 * Exports the matching events to a file, written beside it and renamed over it only when complete: a reader
 * never sees half an export, and a failed one leaves the old file as it was.
 */
export function exportToFile(api: Api, o: ExportQuery & ExportFileOptions): Promise<{ count: number; path: string }> {
  return writeExportFile(exportSource(api, o), o);
}

function exportFormat(given: string | undefined, file: string): ExportFormat {
  if (given === undefined) return formatForFile(file);
  if (!(EXPORT_FORMATS as readonly string[]).includes(given)) {
    throw new ClerkError(
      "input.invalid",
      `--format "${given}" is not an export format; use json (one array), jsonl (one event per line) or csv.`,
      { param: "format" },
    );
  }
  return given as ExportFormat;
}

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command("audit")
    .description("The tamper-evident audit log: list, export, verify, checkpoint, retention.");

  operationCommand(audit, "list", auditOperations.list, {
    description: "List audit events, newest first.",
    flags: {
      organization_id: { flag: "organization", value: "org", help: ORG_HELP },
      filter: { value: "filters" },
      from: { value: "when" },
      to: { value: "when" },
      limit: { value: "n", default: "50" },
      cursor: { help: "the next page, as printed after the previous one" },
      order: false,
    },
    examples: [
      'clerk audit list --organization engineering-team --limit 50 --filter "action:approval"',
      'clerk audit list --organization engineering-team --filter "action:role.created,actor:alice@acme.com" --from 2026-03-01 --to 2026-03-31',
    ],
    render: (page) => {
      if (page.next_cursor) process.stderr.write(`More events: add --cursor ${page.next_cursor}\n`);
      return {
        json: page.data,
        text: table(
          ["TIME", "ACTION", "ACTOR", "TARGET", "SEQ"],
          page.data.map((e) => [
            when(e.created_at),
            e.action,
            e.via ? `${e.actor.label} (via ${e.via.label})` : e.actor.label,
            `${e.target.type}:${e.target.label || e.target.id || ""}`,
            e.seq,
          ]),
        ),
      };
    },
  });

  audit
    .command("export")
    .description(
      "Export audit events oldest first (json: one array, jsonl, csv) to a file, written atomically, or to stdout.",
    )
    .option("--organization <org>", ORG_HELP)
    .option("--output <file>", "the file to write, replaced only once the export is complete; - or none: stdout")
    .option("--filter <filters>", "as for audit list")
    .option("--from <when>", "a date or an ISO time with zone, included")
    .option("--to <when>", "a date (through that day) or an ISO time with zone, included")
    .addHelpText(
      "after",
      "\n--format json|jsonl|csv picks the format (default: from the file name, else jsonl).\n\nExamples:\n  clerk audit export --organization engineering-team --format csv --from 2026-01-01 --to 2026-03-31 --output q1.csv\n  clerk audit export --organization engineering-team --format jsonl | gzip > audit.jsonl.gz",
    )
    .action(
      fileAction<{ organization?: string; output?: string; filter?: string; from?: string; to?: string }>(
        async ({ api }, o) => {
          const progress = process.stderr.isTTY ? process.stderr : undefined;
          if (o.output === undefined || o.output === "-") {
            const format = exportFormat(o.format, "");
            // The data owns stdout (a reader that stops early ends the CLI quietly, see bin/clerk.js); the
            // summary goes beside the progress line.
            const { count } = await writeExport(
              exportSource(api, { ...o, format }),
              { format, progress },
              process.stdout,
            );
            process.stderr.write(`Exported ${count} events (${format}).\n`);
            return undefined;
          }
          const format = exportFormat(o.format, o.output);
          const { count, path } = await exportToFile(api, { ...o, output: o.output, format, progress });
          return `Exported ${count} events to ${path} (${format}).`;
        },
      ),
    );

  audit
    .command("verify")
    .description(
      "Walk the hash chains and report the first broken link (edited, deleted, inserted, reordered rows, a truncated tail).",
    )
    .option("--organization <org>", "slug, id or name (default: every chain; instance admins only)")
    .option(
      "--anchor <hash>",
      "a checkpoint hash kept outside the database (printed by clerk audit checkpoint); must still be in the checkpoint chain; repeatable",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addHelpText(
      "after",
      "\nExits 1 when a chain or the checkpoint chain is broken.\n\nExample:\n  clerk audit verify --organization engineering-team --anchor 3f1c…(64 hex digits)",
    )
    .action(
      action<{ organization?: string; anchor?: string[] }>(async ({ api }, o) => {
        const report = await api.call(auditOperations.verify, {
          query: { organization_id: o.organization, anchor: o.anchor?.join(",") },
        });
        const name = (c: (typeof report.chains)[number]) =>
          c.chain === "*"
            ? "instance"
            : c.organization_slug
              ? `${c.organization_slug} (${c.chain})`
              : `${c.chain} (deleted)`;
        const ck = report.checkpoints;
        const text = [
          ck.ok
            ? `ok      checkpoints: ${ck.checkpoints_checked} signed${ck.newest ? `, newest #${ck.newest.seq} ${ck.newest.hash} (${when(ck.newest.created_at)})` : ""}`
            : `BROKEN  checkpoints: ${ck.problem?.message}`,
          ...report.chains.map((c) =>
            c.ok
              ? `ok      ${name(c)}: ${c.events_checked} events (seq ${c.first_seq}–${c.last_seq})${c.checkpoint ? `, checkpoint at seq ${c.checkpoint.seq}` : ""}`
              : `BROKEN  ${name(c)}: ${c.problem?.message}`,
          ),
          report.ok ? "The audit log is intact." : "The audit log was tampered with.",
        ].join("\n");
        const output = { json: report, text };
        if (!report.ok) throw new ExitWith(output, 1);
        return output;
      }),
    );

  operationCommand(audit, "checkpoint", auditOperations.checkpoint, {
    description:
      "Append a signed checkpoint of every chain's head to the checkpoint chain and print its hash, to keep outside the database.",
    flags: {
      organization_id: {
        flag: "organization",
        value: "org",
        help: "slug, id or name: list only its chain (the checkpoint covers every chain)",
      },
      notify: {
        value: "channel",
        help: "also send the hash to webhook:<provider>, slack:<provider> or email:<address> (see clerk notify configure)",
      },
    },
    render: ({ data, anchor }, { options }) => ({
      json: { anchor, data },
      text: [
        table(
          ["CHAIN", "SEQ", "EVENT TIME", "CHECKPOINT"],
          data.map((c) => [c.chain === "*" ? "instance" : c.chain, c.seq, when(c.event_at), c.id]),
        ),
        `Checkpoint #${anchor.seq}: ${anchor.hash}`,
        options.notify
          ? `Queued to ${String(options.notify)}; clerk audit verify --anchor ${anchor.hash} proves the log still reaches it.`
          : `Keep this hash outside the database; clerk audit verify --anchor ${anchor.hash} proves the log still reaches it.`,
      ].join("\n"),
    }),
  }).addHelpText(
    "after",
    "\nCheckpoints are also written automatically (every CLERK_AUDIT_CHECKPOINT_EVENTS events of a chain or\nCLERK_AUDIT_CHECKPOINT_SECONDS seconds). Keep the printed hash somewhere the database's writers cannot reach\n(a ticket, a log shipper, a WORM bucket) and pass it to clerk audit verify --anchor later.\n\nExamples:\n  clerk audit checkpoint\n  clerk audit checkpoint --notify webhook:anchors",
  );

  const retention = audit.command("retention").description("How long audit events are kept.");
  retention
    .command("set")
    .description(
      "Keep an organization's audit events for a period and delete older ones now (a signed checkpoint is recorded first).",
    )
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--keep <period>", "e.g. 365d, 52w, 72h")
    .option(
      "--export-before-delete <file>",
      "first export the events to be deleted to this file (format from its name)",
    )
    .addHelpText(
      "after",
      "\nExample:\n  clerk audit retention set --organization engineering-team --keep 365d --export-before-delete old-events.jsonl",
    )
    .action(
      action<{ organization?: string; keep: string; exportBeforeDelete?: string }>(async ({ api }, o) => {
        if (!o.organization)
          throw new ClerkError(
            "input.missing",
            "Name the organization whose audit events to prune with --organization.",
            { param: "organization" },
          );
        let exported = "";
        let through: number | undefined;
        if (o.exportBeforeDelete) {
          const plan = await api.call(auditOperations.retention, {
            body: { organization_id: o.organization, keep: o.keep, dry_run: true },
          });
          through = plan.cutoff;
          const file = o.exportBeforeDelete;
          const { count, path } = await exportToFile(api, {
            organization: o.organization,
            format: formatForFile(file),
            to: String(plan.cutoff - 1),
            output: file,
          });
          exported = `Exported ${count} events to ${path}. `;
        }
        const r = await api.call(auditOperations.retention, {
          body: { organization_id: o.organization, keep: o.keep, through },
        });
        return {
          json: r,
          text: `${exported}Keeping ${r.keep}: deleted ${r.deleted} events created before ${when(r.cutoff)}.`,
        };
      }),
    );
}
