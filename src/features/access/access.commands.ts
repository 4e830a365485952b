// `clerk check` and `clerk who-can`: asking the access engine from the shell.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table } from "../../cli/output.js";
import { ExitWith, action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { accessOperations } from "./access.operations.js";

/** `--at 2026-07-01` (start of that day, UTC) or an ISO time; any instant, past or future. */
function parseAt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00.000Z`) : Date.parse(value);
  if (!Number.isFinite(at))
    throw new ClerkError(
      "input.invalid",
      `--at "${value}" is not a date (2026-07-01) or ISO time (2026-07-01T12:00:00Z).`,
      { param: "at" },
    );
  return at;
}

export function registerAccessCommands(program: Command): void {
  // Hand-written: --explain is a switch, --at takes a date, and a denial exits 4 with the answer printed.
  program
    .command("check")
    .description("May a member do something (on a resource)? Exit 0 allowed, 4 denied.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--member <email>", "the member's e-mail address (or user id)")
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option("--resource <resource>", "type:id, e.g. repository:frontend-app or path:docs/guide.md")
    .option("--at <when>", "decide as of this date or time instead of now")
    .option("--explain", "print the full path, or the nearest miss")
    .option(
      "--at-least <token>",
      "a Clerk-Consistency-Token a write answered: decide on at least that policy (remote mode, several servers)",
    )
    .addHelpText(
      "after",
      "\nExample:\n  clerk check --organization engineering-team --member alice@acme.com --permission write:deployments --resource environment:staging --explain",
    )
    .action(
      action<{
        organization?: string;
        member: string;
        permission: string;
        resource?: string;
        at?: string;
        explain?: boolean;
        atLeast?: string;
      }>(async ({ api }, o) => {
        const result = await api.call(accessOperations.check, {
          body: {
            organization_id: organizationOrDefault(o.organization),
            user_id: o.member,
            permission: o.permission,
            resource: o.resource,
            at: parseAt(o.at),
            explain: o.explain === true,
            ...(o.atLeast === undefined ? {} : { at_least: o.atLeast }),
          },
        });
        const json = {
          allowed: result.allowed,
          reason: result.reason,
          ...(o.explain ? { path: result.path, nearest_miss: result.nearest_miss } : {}),
        };
        // The engine's reason already starts with its verdict ("allowed: …", "denied: …"); say it once.
        const verdict = result.allowed ? "allowed" : "denied";
        const lines = [`${verdict}: ${result.reason.replace(/^(allowed|denied): /, "")}`];
        if (o.explain && result.path?.length) lines.push(...result.path.map((s) => `  ${s.kind}: ${s.label}`));
        if (o.explain && result.nearest_miss) lines.push(`  nearest miss: ${result.nearest_miss}`);
        const output = { json, text: lines.join("\n") };
        if (!result.allowed) throw new ExitWith(output, 4);
        return output;
      }),
    );

  operationCommand(program, "who-can", accessOperations.whoCan, {
    description: "Which members may do something (on a resource), and through what.",
    flags: {
      organization_id: {
        flag: "organization",
        value: "org",
        help: "slug, id or name (default: clerk org use)",
        resolve: organizationOrDefault,
      },
    },
    examples: ["clerk who-can --organization engineering-team --permission approve:pull-requests"],
    render: ({ data: rows }) => ({
      json: rows,
      text: table(
        ["MEMBER", "THROUGH"],
        rows.map((r) => [r.identifier, r.reason]),
      ),
    }),
  });
}
