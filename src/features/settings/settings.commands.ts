// `clerk status`: where the data lives and what it holds.
import type { Command } from "commander";
import { fields } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { instanceStatus } from "./index.js";

export function registerSettingsCommands(program: Command): void {
  program
    .command("status")
    .description("Show the store clerk uses and what it holds (creates the default SQLite store on first run).")
    .addHelpText("after", "\nExample:\n  clerk status\n  clerk status --database postgres://clerk@db.internal/clerk")
    .action(
      action(async ({ store, ctx }) => {
        const s = await instanceStatus(ctx);
        return {
          json: { database: store.location, engine: store.dialect.name, organizations: s.organizations, users: s.users, roles: s.roles, permissions: s.permissions, audit_events: s.auditEvents },
          text: fields([
            ["Database", `${store.location} (${store.dialect.name})`],
            ["Organizations", s.organizations],
            ["Users", s.users],
            ["Roles", s.roles],
            ["Permissions", s.permissions],
            ["Audit events", s.auditEvents],
          ]),
        };
      }),
    );
}
