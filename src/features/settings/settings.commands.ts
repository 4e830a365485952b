// `clerk status`: where the data lives and what it holds.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { fields } from "../../cli/output.js";
import { settingsOperations } from "./settings.operations.js";

export function registerSettingsCommands(program: Command): void {
  operationCommand(program, "status", settingsOperations.status, {
    description: "Show the store clerk uses and what it holds (creates the default SQLite store on first run).",
    examples: ["clerk status", "clerk status --database postgres://clerk@db.internal/clerk"],
    render: (s) => ({
      json: s,
      text: fields([
        ["Database", `${s.database ?? "(unknown)"} (${s.engine})`],
        ["Organizations", s.organizations],
        ["Users", s.users],
        ["Roles", s.roles],
        ["Permissions", s.permissions],
        ["Audit events", s.audit_events],
      ]),
    }),
  });
}
