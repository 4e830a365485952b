// `clerk status`: where the data lives and what it holds.
import type { Command } from "commander";
import { fields } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { settingsEndpoints } from "./settings.routes.js";

export function registerSettingsCommands(program: Command): void {
  program
    .command("status")
    .description("Show the store clerk uses and what it holds (creates the default SQLite store on first run).")
    .addHelpText("after", "\nExample:\n  clerk status\n  clerk status --database postgres://clerk@db.internal/clerk")
    .action(
      action(async ({ api }) => {
        const s = await api.call(settingsEndpoints.status);
        return {
          json: s,
          text: fields([
            ["Database", `${s.database ?? "(unknown)"} (${s.engine})`],
            ["Organizations", s.organizations],
            ["Users", s.users],
            ["Roles", s.roles],
            ["Permissions", s.permissions],
            ["Audit events", s.audit_events],
          ]),
        };
      }),
    );
}
