// `clerk backup <file>` and `clerk restore <file>`: a consistent copy of a live store, and putting one back.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { MASTER_KEY_ENV, masterKeyFileFor } from "../secrets.js";
import { backupStore, restoreStore } from "../store/backup.js";
import { chooseStore, parseStoreLocation } from "../store/index.js";
import type { GlobalOptions } from "./context.js";
import { reportError } from "./run.js";

/** Where the master key that seals this store's secrets lives, said so the operator keeps it with the backup plan. */
function masterKeyNote(database: string | undefined): string {
  if (process.env[MASTER_KEY_ENV])
    return `The master key is ${MASTER_KEY_ENV}: it is not in the backup; keep it safe separately.`;
  const target = parseStoreLocation(chooseStore(database).location);
  const file = masterKeyFileFor(target.kind === "sqlite" ? target.path : undefined);
  return `The master key (${file}) is not in the backup: keep a copy apart from it. Without it the sealed secrets (webhook and Slack URLs, SMTP passwords, SSO client secrets) cannot be opened after a restore.`;
}

export function registerBackupCommands(program: Command): void {
  program
    .command("backup")
    .description(
      "Write a consistent copy of the store to <file> while servers keep running (SQLite); for PostgreSQL, print the pg_dump command.",
    )
    .argument("<file>", "the backup file to write (never overwritten)")
    .addHelpText("after", "\nExample:\n  clerk backup /var/backups/clerk-$(date +%F).db")
    .action(async (file: string, _options: unknown, command: Command) => {
      const o = command.optsWithGlobals() as GlobalOptions;
      try {
        const report = await backupStore(o.database, file);
        if (report.kind === "postgres") {
          process.stdout.write(
            `PostgreSQL is backed up with its own tools. Back up with:\n  ${report.commands?.[0]}\nRestore with:\n  ${report.commands?.[1]}\n(the password is not printed: give it with PGPASSWORD or ~/.pgpass)\n`,
          );
        } else {
          process.stdout.write(
            `Backed up ${report.organizations} organizations and ${report.auditEvents} audit events to ${report.file} (${report.bytes} bytes).\n`,
          );
        }
        process.stderr.write(`${masterKeyNote(o.database)}\n`);
      } catch (error) {
        process.exitCode = reportError(error, o.format === "json");
      }
    });
  program
    .command("restore")
    .description("Put a `clerk backup` file back as the store (SQLite); stop the servers using the store first.")
    .argument("<file>", "a file written by clerk backup")
    .option("--force", "replace an existing store (and a different master key file beside it)")
    .option(
      "--master-key <file>",
      "the master key file of the store the backup came from, copied beside the restored store (SQLite); without it, audit checkpoints and sealed secrets do not open",
    )
    .addHelpText(
      "after",
      "\nAfterwards, `clerk audit verify` proves the restored audit log is whole.\n\nExample:\n  clerk restore /var/backups/clerk-2026-01-15.db --master-key /secure/clerk-master.key --database ./.clerk/clerk.db --force",
    )
    .action(async (file: string, _options: unknown, command: Command) => {
      const o = command.optsWithGlobals() as GlobalOptions & { force?: boolean; masterKey?: string };
      try {
        const target = parseStoreLocation(chooseStore(o.database).location);
        const keyFile = masterKeyFileFor(target.kind === "sqlite" ? target.path : undefined);
        const report = await restoreStore(
          o.database,
          file,
          o.force === true,
          o.masterKey === undefined ? undefined : { from: o.masterKey, to: keyFile },
        );
        if (o.masterKey === undefined && !process.env[MASTER_KEY_ENV] && !existsSync(keyFile))
          process.stderr.write(
            `Warning: no master key at ${keyFile}. Copy the original store's master key there (or pass --master-key, or set ${MASTER_KEY_ENV}): audit checkpoints are signed with it and sealed secrets need it.\n`,
          );
        if (report.kind === "postgres") process.stdout.write(`Restore PostgreSQL with:\n  ${report.commands?.[0]}\n`);
        else
          process.stdout.write(
            `Restored ${report.organizations} organizations and ${report.auditEvents} audit events into ${report.file}. Run clerk audit verify to check the audit log.\n`,
          );
        process.stderr.write(`${masterKeyNote(o.database)}\n`);
      } catch (error) {
        process.exitCode = reportError(error, o.format === "json");
      }
    });
}
