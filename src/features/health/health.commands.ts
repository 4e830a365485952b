// `clerk health`, and the `audit` subcommands it adds to the role, permission and member groups.
import type { Command } from "commander";
import { type FlagSpec, operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { commandNamed } from "../../cli/output.js";
import { healthOperations } from "./health.operations.js";

/** Findings for people: one line each, then the commands that would fix it. */
function findingsText(findings: readonly { summary: string; fix: string[] }[], none: string): string {
  if (findings.length === 0) return none;
  return findings.map((f) => [`- ${f.summary}`, ...f.fix.map((c) => `    fix: ${c}`)].join("\n")).join("\n");
}

/** The organization, or the one chosen with `clerk org use`. */
const organization: FlagSpec = {
  flag: "organization",
  value: "org",
  help: "slug, id or name (default: clerk org use)",
  resolve: organizationOrDefault,
};

/** Registers after the role, permission and member groups exist (their `audit` subcommands join them). */
export function registerHealthCommands(program: Command): void {
  operationCommand(commandNamed(program, "role"), "audit", healthOperations.roles, {
    description: "Find roles of an organization that no member holds, directly or through a role that extends them.",
    flags: { organization_id: organization, filter: { help: "no-members", default: "no-members" } },
    examples: ["clerk role audit --organization engineering-team --filter no-members"],
    render: ({ data }) => ({ json: data, text: findingsText(data, "Every role has members.") }),
  });

  operationCommand(commandNamed(program, "permission"), "audit", healthOperations.permissions, {
    description: "Find permissions members hold that no allowed check has used for a while, with who holds them.",
    flags: {
      organization_id: organization,
      unused_for: { value: "duration", help: "the window: 90d, 12h or 30m", default: "90d" },
    },
    examples: ["clerk permission audit --organization engineering-team --unused-for 90d"],
    render: ({ data }, { options }) => ({
      json: data,
      text: findingsText(data, `Every permission held was used in the last ${String(options.unusedFor)}.`),
    }),
  });

  operationCommand(commandNamed(program, "member"), "audit", healthOperations.members, {
    description: "Find direct grants that exceed members' roles, and grants past their expiry still present.",
    flags: {
      organization_id: organization,
      filter: { value: "filters", help: "over-permissioned, expired-grants, or both comma-separated (default: both)" },
    },
    examples: [
      "clerk member audit --organization engineering-team --filter over-permissioned",
      "clerk member audit --organization engineering-team --filter expired-grants",
    ],
    render: ({ data }) => ({
      json: data,
      text: findingsText(data, "No direct grant exceeds its member's roles, and no expired grant is left."),
    }),
  });

  operationCommand(program, "health", healthOperations.report, {
    description:
      "One report of every health check of an organization, each finding with the command that would fix it.",
    flags: {
      organization_id: organization,
      unused_for: { value: "duration", help: "window for unused permissions: 90d, 12h or 30m", default: "90d" },
    },
    examples: ["clerk health --organization engineering-team"],
    render: (report) => {
      const sections = report.sections.map((s) =>
        s.available
          ? `${s.title} (${s.findings.length})\n${findingsText(s.findings, "  (none)")}`
          : `${s.title}: not available yet\n  ${s.note}`,
      );
      const head = `Health of ${report.organization}: ${report.total_findings === 0 ? "no findings" : `${report.total_findings} finding${report.total_findings === 1 ? "" : "s"}`}.`;
      return { json: report, text: [head, ...sections].join("\n\n") };
    },
  });
}
