// The `clerk` command: assembles every feature's commands under one program.
import { Command, CommanderError } from "commander";
import { registerAccessCommands } from "../features/access/access.commands.js";
import { registerDashboardCommands } from "../features/dashboard/dashboard.commands.js";
import { registerConfigCommands } from "../features/config/config.commands.js";
import { registerAuditCommands } from "../features/audit/audit.commands.js";
import { registerDomainCommands } from "../features/domains/domain.commands.js";
import { registerHealthCommands } from "../features/health/health.commands.js";
import { registerInvitationCommands } from "../features/invitations/invitation.commands.js";
import { registerKeyCommands } from "../features/keys/key.commands.js";
import { registerScimCommands } from "../features/scim/scim.commands.js";
import { registerSsoCommands } from "../features/sso/sso.commands.js";
import { registerMemberCommands } from "../features/members/member.commands.js";
import { registerNotificationCommands } from "../features/notifications/notification.commands.js";
import { registerOrgCommands } from "../features/orgs/org.commands.js";
import { registerPermissionCommands } from "../features/permissions/permission.commands.js";
import { registerRoleCommands } from "../features/roles/role.commands.js";
import { registerSessionCommands } from "../features/sessions/session.commands.js";
import { registerSettingsCommands } from "../features/settings/settings.commands.js";
import { registerTaskCommands } from "../features/tasks/task.commands.js";
import { registerWebhookCommands } from "../features/webhooks/webhook.commands.js";
import { registerWorkflowCommands } from "../features/workflows/workflow.commands.js";
import { VERSION } from "../version.js";
import { registerBackupCommands } from "./backup.command.js";
import { registerServeCommand } from "./serve.command.js";
import { registerMcpCommand } from "../mcp/mcp.command.js";
import { exitCodeOf } from "./exit.js";
import { acceptSubjectEitherWay } from "./subject.js";

/** Builds the program (exported so tests can inspect the command table). */
export function buildProgram(): Command {
  const program = new Command("clerk")
    .description("Organizations, roles, permissions and approval workflows.")
    .version(VERSION)
    .option(
      "--database <location>",
      "SQLite file, sqlite:<path> or postgres:// URL (default: $CLERK_DATABASE_URL, else clerk.db in the nearest .clerk/ here or above, else a new ./.clerk/)",
    )
    .option("--format <format>", "table or json (default: table on a terminal, json otherwise)")
    .option(
      "--as <email>",
      "act as this member, held to their permissions (default: the local operator, an instance admin)",
    )
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerOrgCommands(program);
  registerMemberCommands(program);
  registerInvitationCommands(program);
  registerDomainCommands(program);
  // Roles add `permission assign|revoke` (they call role endpoints) to the permission group, so it comes first.
  registerPermissionCommands(program);
  registerRoleCommands(program);
  registerAccessCommands(program);
  registerSettingsCommands(program);
  registerKeyCommands(program);
  registerSsoCommands(program);
  registerScimCommands(program);
  registerSessionCommands(program);
  registerDashboardCommands(program);
  registerAuditCommands(program);
  registerHealthCommands(program);
  // Tasks add `workflow stats` to the workflow group, so workflows come first.
  registerWorkflowCommands(program);
  registerTaskCommands(program);
  registerNotificationCommands(program);
  registerWebhookCommands(program);
  registerConfigCommands(program);
  registerServeCommand(program);
  registerBackupCommands(program);
  registerMcpCommand(program);
  program.addHelpText(
    "after",
    '\nExamples:\n  clerk org create --name "Engineering Team"\n  clerk role create --name "Developer" --organization engineering-team --permissions "read:code"\n  clerk check --organization engineering-team --member alice@acme.com --permission read:code --explain\n  clerk serve --port 3000',
  );
  // A group's help shows its subcommands; one example of each makes it a place to start.
  for (const group of program.commands) {
    const names = group.commands.map((c) => c.name());
    if (names.length === 0) continue;
    group.addHelpText(
      "after",
      `\nRun "clerk ${group.name()} <command> --help" for an example of each (${names.join(", ")}).`,
    );
  }
  // Every subcommand reports usage errors through the same override, so they exit 2 as documented, and
  // takes its subject as a positional or as an option alike.
  const visit = (c: Command, groups: readonly string[]) => {
    c.exitOverride();
    c.showSuggestionAfterError(true);
    if (c !== program) acceptSubjectEitherWay(c, groups);
    for (const sub of c.commands) visit(sub, c === program ? [] : [...groups, c.name()]);
  };
  visit(program, []);
  return program;
}

/** Runs the CLI with `argv` and sets the process exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = exitCodeOf(error);
      return;
    }
    throw error;
  }
}
