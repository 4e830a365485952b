// `clerk export`, `clerk plan -f`, `clerk apply -f` and `clerk schema config`: configuration as code, through
// the API (in-process or remote) like every command. Files are read here; the server sees the JSON.
import { readFileSync, writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { type CommandOutput, terminalStyle } from "../../cli/output.js";
import { ExitWith, action, fileAction } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { configText } from "./config.export.js";
import { envValues, loadConfig } from "./config.load.js";
import { configOperations } from "./config.operations.js";
import { type Config, configJsonSchema } from "./config.schema.js";
import type { PlanObject } from "./config.view.js";

const SIGN = { create: "+", update: "~", delete: "-" } as const;
const COLOUR = { create: 32, update: 33, delete: 31 } as const;

const show = (v: unknown) => (v === null ? "(none)" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v));

/** A plan as people read it: one block per change, its changed fields under it, then the counts. */
export function planText(plan: PlanObject, color: boolean): string {
  const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const c of plan.changes) {
    const where = c.organization !== null ? ` (${c.organization})` : c.kind === "role" ? " (instance-wide)" : "";
    const label =
      c.kind === "role_defaults" || c.kind === "settings"
        ? c.kind.replace("_", " ")
        : `${c.kind.replace("_", " ")} ${c.key}${where}`;
    lines.push(paint(COLOUR[c.action], `${SIGN[c.action]} ${label}`));
    for (const f of c.fields) {
      const change =
        c.action === "create"
          ? show(f.after)
          : f.after === null
            ? `${show(f.before)} → (removed)`
            : `${show(f.before)} → ${show(f.after)}`;
      lines.push(`    ${f.field}: ${change}`);
    }
  }
  const count = (a: string) => plan.changes.filter((c) => c.action === a).length;
  const totals = `${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete`;
  if (plan.changes.length === 0) lines.push("No changes: the store matches the configuration.");
  else lines.push(plan.applied ? `Applied: ${totals.replace(/to /g, "")}.` : `Plan: ${totals}.`);
  return lines.join("\n");
}

function output(plan: PlanObject): CommandOutput {
  return { json: plan, text: planText(plan, terminalStyle().color) };
}

const fileOption = () =>
  new Option("-f, --file <path...>", "configuration files or directories (*.yaml, *.yml, *.json), merged");

/** What `plan --out` writes and `apply --plan-file` reads: the plan and the configuration it was made from. */
interface PlanFile {
  plan: PlanObject;
  /** As written, `${env:NAME}` references unresolved: a plan file holds no secret. */
  config: Config;
}

const membersOption = () =>
  new Option("--with-members", "also the members of the organizations in scope, their roles and direct grants");

function readPlanFile(path: string): PlanFile {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as PlanFile;
    if (parsed?.plan?.base && parsed.config) return parsed;
  } catch {
    // reported below
  }
  throw new ClerkError("input.invalid", `${path} is not a plan file; write one with clerk plan -f … --out ${path}.`, {
    param: "plan-file",
  });
}

export function registerConfigCommands(program: Command): void {
  program
    .command("export")
    .description(
      "Write the current organizations, roles, permissions, workflows, providers and settings as a configuration",
    )
    .option("--organization <slug>", "only this organization and its descendants")
    .addOption(membersOption())
    .addOption(new Option("--format <format>", "yaml or json (default: yaml)"))
    .option("--output <file>", "write to this file (default: standard output)")
    .addHelpText("after", "\nExample:\n  clerk export > clerk.yaml && clerk plan -f clerk.yaml")
    .action(
      fileAction<{ organization?: string; output?: string; withMembers?: boolean }>(async ({ api }, o) => {
        const format = o.format ?? "yaml";
        if (format !== "yaml" && format !== "json")
          throw new ClerkError("input.invalid", `--format "${format}" is not a format here; use yaml or json.`, {
            param: "format",
          });
        const config = await api.call(configOperations.export, {
          query: { organization: o.organization, with_members: o.withMembers === true },
        });
        const text = configText(config, format);
        if (o.output === undefined || o.output === "-") {
          process.stdout.write(text);
          return undefined;
        }
        writeFileSync(o.output, text);
        return `Wrote ${o.output} (${format}).`;
      }),
    );

  program
    .command("plan")
    .description("Show what applying the configuration would change; exit 0 when nothing, 2 when there are changes")
    .addOption(fileOption().makeOptionMandatory())
    .option("--prune", "also delete what the configuration manages but no longer lists")
    .addOption(membersOption())
    .option("--out <file>", "save the plan for clerk apply --plan-file")
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing to do, 2 changes to apply, 1 any error (a bad file too), so CI can tell them apart.\n\nExample:\n  clerk plan -f config/ --prune --out plan.json",
    )
    .action(async (...received: unknown[]) => {
      let changes = false;
      await action<{ file: string[]; prune?: boolean; out?: string; withMembers?: boolean }>(async ({ api }, o) => {
        const config = loadConfig(o.file, process.env);
        const plan = await api.call(configOperations.plan, {
          query: { prune: o.prune === true, with_members: o.withMembers === true },
          body: { ...config, env: envValues(config, process.env) },
        });
        if (o.out !== undefined) writeFileSync(o.out, `${JSON.stringify({ plan, config }, null, 2)}\n`);
        changes = plan.changes.length > 0;
        if (changes) throw new ExitWith(output(plan), 2);
        return output(plan);
      })(...received);
      // 2 is reserved for "there are changes"; bad input (also 2 elsewhere) must not read as that in CI.
      if (!changes && process.exitCode !== undefined && process.exitCode !== 0) process.exitCode = 1;
    });

  program
    .command("apply")
    .description("Apply the configuration in one transaction: every change, or none")
    .addOption(fileOption())
    .option("--prune", "also delete what the configuration manages but no longer lists")
    .addOption(membersOption())
    .option("--plan-file <file>", "apply a saved plan; refused if the store changed since it was made")
    .addHelpText("after", "\nExamples:\n  clerk apply -f config/\n  clerk apply --plan-file plan.json")
    .action(
      action<{ file?: string[]; prune?: boolean; planFile?: string; withMembers?: boolean }>(async ({ api }, o) => {
        if ((o.file === undefined) === (o.planFile === undefined))
          throw new ClerkError("input.invalid", "Pass either -f <file|dir> or --plan-file <file>.", { param: "file" });
        const saved = o.planFile === undefined ? undefined : readPlanFile(o.planFile);
        const config = saved?.config ?? loadConfig(o.file ?? [], process.env);
        const prune = saved?.plan.prune ?? o.prune === true;
        const withMembers = saved?.plan.with_members ?? o.withMembers === true;
        const env = envValues(config, process.env, o.planFile ?? "the configuration");
        const plan = await api.call(configOperations.apply, {
          query: { prune, with_members: withMembers, ...(saved && { base: saved.plan.base }) },
          body: { ...config, env },
        });
        return output(plan);
      }),
    );

  program
    .command("schema")
    .description("Print a JSON Schema of a file format")
    .argument("<format>", "config: the configuration format")
    .addHelpText("after", "\nExample:\n  clerk schema config > clerk.schema.json")
    .action((format: string) => {
      if (format !== "config") {
        process.stderr.write(`error: no schema "${format}"; the one schema is config.\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
