// `clerk fileset …`: named glob patterns for files:touched:<name> conditions.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { table, when } from "../../cli/output.js";
import { orgOrDefault } from "./definition.commands.js";
import { workflowOperations as ops } from "./workflow.operations.js";

export function registerFileSetCommands(program: Command): void {
  const fileset = program
    .command("fileset")
    .alias("filesets")
    .description("File sets: named glob patterns for files:touched:<name> conditions.");
  operationCommand(fileset, "create", ops.saveFileSet, {
    description: "Create a file set.",
    args: [{ field: "name", name: "name", description: "e.g. security-sensitive" }],
    flags: {
      organization_id: orgOrDefault(),
      paths: {
        value: "patterns",
        help: "comma-separated globs: * within a folder, ** across folders, a trailing / for everything below",
      },
    },
    examples: [
      'clerk fileset create security-sensitive --organization engineering-team --paths "src/auth/**,**/*.pem"',
    ],
    render: (f) => ({ json: f, text: `Created file set ${f.name}: ${f.patterns.join(", ")}.` }),
  });
  operationCommand(fileset, "update", ops.replaceFileSet, {
    description: "Replace a file set's patterns.",
    args: [{ field: "name", name: "name", description: "the file set" }],
    flags: { organization_id: orgOrDefault(), paths: { value: "patterns", help: "comma-separated globs" } },
    examples: ['clerk fileset update security-sensitive --paths "src/auth/**,**/*.pem,**/*.key"'],
    render: (f) => ({ json: f, text: `File set ${f.name} is now: ${f.patterns.join(", ")}.` }),
  });
  operationCommand(fileset, "list", ops.listFileSets, {
    description: "List an organization's file sets.",
    flags: { organization_id: orgOrDefault() },
    examples: ["clerk fileset list --organization engineering-team"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["FILE SET", "PATTERNS", "UPDATED"],
        data.map((f) => [f.name, f.patterns.join(", "), when(f.updated_at)]),
      ),
    }),
  });
  operationCommand(fileset, "delete", ops.deleteFileSet, {
    description: "Delete a file set (conditions naming it then count as true).",
    args: [{ field: "name", name: "name", description: "the file set" }],
    flags: { organization_id: orgOrDefault() },
    examples: ["clerk fileset delete security-sensitive --organization engineering-team"],
    render: (f) => ({ json: f, text: `Deleted file set ${f.name}.` }),
  });
}
