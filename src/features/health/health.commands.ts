// `clerk health`, and the `audit` subcommands it adds to the role, permission and member groups.
import type { Command } from "commander";
import { organizationOrDefault } from "../../cli/context.js";
import { commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { healthEndpoints } from "./health.routes.js";

/** Findings for people: one line each, then the commands that would fix it. */
function findingsText(findings: readonly { summary: string; fix: string[] }[], none: string): string {
  if (findings.length === 0) return none;
  return findings.map((f) => [`- ${f.summary}`, ...f.fix.map((c) => `    fix: ${c}`)].join("\n")).join("\n");
}

/** Registers after the role, permission and member groups exist (their `audit` subcommands join them). */
export function registerHealthCommands(program: Command): void {
  commandNamed(program, "role")
    .command("audit")
    .description("Find roles of an organization that no member holds, directly or through a role that extends them.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--filter <filter>", "no-members", "no-members")
    .addHelpText("after", "\nExample:\n  clerk role audit --organization engineering-team --filter no-members")
    .action(
      action<{ organization?: string; filter: string }>(async ({ api }, o) => {
        const { data } = await api.call(healthEndpoints.roles, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { filter: o.filter },
        });
        return { json: data, text: findingsText(data, "Every role has members.") };
      }),
    );

  commandNamed(program, "permission")
    .command("audit")
    .description("Find permissions members hold that no allowed check has used for a while, with who holds them.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--unused-for <duration>", "the window: 90d, 12h or 30m", "90d")
    .addHelpText("after", "\nExample:\n  clerk permission audit --organization engineering-team --unused-for 90d")
    .action(
      action<{ organization?: string; unusedFor: string }>(async ({ api }, o) => {
        const { data } = await api.call(healthEndpoints.permissions, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { unused_for: o.unusedFor },
        });
        return { json: data, text: findingsText(data, `Every permission held was used in the last ${o.unusedFor}.`) };
      }),
    );

  commandNamed(program, "member")
    .command("audit")
    .description("Find direct grants that exceed members' roles, and grants past their expiry still present.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--filter <filters>", "over-permissioned, expired-grants, or both comma-separated (default: both)")
    .addHelpText(
      "after",
      "\nExamples:\n  clerk member audit --organization engineering-team --filter over-permissioned\n  clerk member audit --organization engineering-team --filter expired-grants",
    )
    .action(
      action<{ organization?: string; filter?: string }>(async ({ api }, o) => {
        const { data } = await api.call(healthEndpoints.members, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { filter: o.filter },
        });
        return {
          json: data,
          text: findingsText(data, "No direct grant exceeds its member's roles, and no expired grant is left."),
        };
      }),
    );

  program
    .command("health")
    .description(
      "One report of every health check of an organization, each finding with the command that would fix it.",
    )
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--unused-for <duration>", "window for unused permissions: 90d, 12h or 30m", "90d")
    .addHelpText("after", "\nExample:\n  clerk health --organization engineering-team")
    .action(
      action<{ organization?: string; unusedFor: string }>(async ({ api }, o) => {
        const report = await api.call(healthEndpoints.report, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { unused_for: o.unusedFor },
        });
        const sections = report.sections.map((s) =>
          s.available
            ? `${s.title} (${s.findings.length})\n${findingsText(s.findings, "  (none)")}`
            : `${s.title}: not available yet\n  ${s.note}`,
        );
        const head = `Health of ${report.organization}: ${report.total_findings === 0 ? "no findings" : `${report.total_findings} finding${report.total_findings === 1 ? "" : "s"}`}.`;
        return { json: report, text: [head, ...sections].join("\n\n") };
      }),
    );
}
