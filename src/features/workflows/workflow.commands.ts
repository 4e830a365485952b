// `clerk workflow …` (definitions), `clerk fileset …` and `clerk form …`.
import type { Command } from "commander";
import { type FlagSpec, operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { orgHint } from "../../cli/input.js";
import { fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { workflowOperations as ops } from "./workflow.operations.js";
import { STRATEGIES } from "./workflow.schema.js";
import { TEMPLATE_NAMES } from "./workflow.templates.js";
import type { StageObject, WorkflowObject } from "./workflow.view.js";

/** `--organization <org>` for an organization's own objects: clerk org use when left out. */
const orgOrDefault = (help = "slug, id or name (default: clerk org use)"): FlagSpec => ({
  flag: "organization",
  value: "org",
  help,
  resolve: organizationOrDefault,
});
/** `--organization <org>` telling which organization's workflow a slug names. */
const orgHintFlag = (help = "slug, id or name"): FlagSpec => ({
  flag: "organization",
  value: "org",
  help,
  resolve: orgHint,
});
const workflowFlag: FlagSpec = { flag: "workflow", value: "workflow", help: "slug, id or name" };
const stageFlag: FlagSpec = { flag: "stage", value: "stage", help: "the stage's name or id" };

function parseStrategy(value: string | undefined) {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (!(STRATEGIES as readonly string[]).includes(v))
    throw new ClerkError("input.invalid", `--strategy "${value}" is not a strategy; use ${STRATEGIES.join(", ")}.`, {
      param: "strategy",
    });
  return v as (typeof STRATEGIES)[number];
}

function parseCount(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new ClerkError("input.invalid", `--${param} "${value}" is not a whole number from 1 to 20.`, { param });
  return n;
}

function stageLine(s: StageObject): string {
  const parts = [`needs ${s.requires_role}${s.role_exists ? "" : " (role deleted)"}`];
  if (s.approvals > 1) parts.push(`${s.approvals} approvals`);
  if (s.condition) parts.push(`when ${s.condition}`);
  if (s.timeout) parts.push(`timeout ${s.timeout}`);
  if (s.form) parts.push(`form ${s.form}`);
  parts.push(s.strategy);
  if (s.escalation)
    parts.push(
      `escalates to ${s.escalation.escalate_to} after ${s.escalation.after}${s.escalation.notify ? `, notifying ${s.escalation.notify}` : ""}`,
    );
  return `  ${s.position}. ${s.name}: ${parts.join(", ")}`;
}

/** A workflow for people: its fields, its stages, then any warning. */
function workflowText(w: WorkflowObject, headline?: string): string {
  const body = fields([
    ["Workflow", `${w.name} (${w.slug})`],
    ["Organization", w.organization_slug],
    ["Trigger", w.trigger],
    ["Condition", w.condition],
    ["Status", w.status],
    ["ID", w.id],
  ]);
  const stages = w.stages.length
    ? `Stages:\n${w.stages.map(stageLine).join("\n")}`
    : "Stages: none yet (add one with: clerk workflow stage add)";
  const warnings = w.warnings.map((x) => `warning: ${x}`).join("\n");
  return [headline, body, stages, warnings].filter((x) => x).join("\n");
}

export function registerWorkflowCommands(program: Command): void {
  const workflow = program
    .command("workflow")
    .alias("workflows")
    .description("Approval workflows: a trigger, conditions, and stages that need a role.");

  workflow
    .command("create")
    .description(
      "Create a workflow triggered by an event (or from a template: code-review, document-approval, deployment-gate).",
    )
    .option("--name <name>", "the workflow's name (its slug comes from it)")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--trigger <trigger>", "event:<type>, e.g. event:pull_request_opened")
    .option(
      "--condition <condition>",
      "key:value pairs joined by , that the event must have, e.g. environment:production",
    )
    .option("--description <text>", "what it is for")
    .option("--template <template>", TEMPLATE_NAMES.join(", "))
    .option("--paused", "create it paused (no runs until resumed)")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk workflow create --name "Pull Request Approval" --organization "engineering-team" --trigger "event:pull_request_opened"\n  clerk workflow create --name "Production Deploy Gate" --organization "engineering-team" --trigger "event:deployment_requested" --condition "environment:production"\n  clerk workflow create --template code-review --organization "engineering-team"',
    )
    .action(
      action<{
        name?: string;
        organization?: string;
        trigger?: string;
        condition?: string;
        description?: string;
        template?: string;
        paused?: boolean;
      }>(async ({ api }, o) => {
        const w = await api.call(ops.create, {
          params: { organization_id: organizationOrDefault(o.organization) },
          body: {
            name: o.name,
            trigger: o.trigger,
            condition: o.condition,
            description: o.description,
            template: o.template,
            paused: o.paused,
          },
        });
        return { json: w, text: workflowText(w, `Created workflow ${w.name} (${w.slug}, ${w.id}).`) };
      }),
    );

  operationCommand(workflow, "list", ops.list, {
    description: "List an organization's workflows.",
    flags: { organization_id: orgOrDefault() },
    examples: ['clerk workflow list --organization "engineering-team"'],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["WORKFLOW", "SLUG", "TRIGGER", "CONDITION", "STAGES", "STATUS"],
        data.map((w) => [
          w.name,
          w.slug,
          w.trigger,
          w.condition ?? "",
          w.stages.map((s) => s.name).join(" → "),
          w.status,
        ]),
      ),
    }),
  });

  operationCommand(workflow, "show", ops.get, {
    description: "Show a workflow and its stages.",
    flags: {
      workflow_id: workflowFlag,
      organization_id: orgHintFlag("slug, id or name (default: clerk org use, else wherever the workflow is)"),
    },
    examples: ['clerk workflow show --workflow "pull-request-approval"'],
    render: (w) => ({ json: w, text: workflowText(w) }),
  });

  workflow
    .command("update")
    .description("Rename a workflow, or change its trigger, condition or description.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .option("--name <name>", "new name (the slug follows)")
    .option("--trigger <trigger>", "event:<type>")
    .option("--condition <condition>", "key:value pairs joined by ,")
    .option("--no-condition", "remove the condition")
    .option("--description <text>", "what it is for")
    .addHelpText(
      "after",
      '\nExample:\n  clerk workflow update --workflow "production-deploy-gate" --condition "environment:production,region:eu"',
    )
    .action(
      action<{
        workflow: string;
        organization?: string;
        name?: string;
        trigger?: string;
        condition?: string | false;
        description?: string;
      }>(async ({ api }, o) => {
        const w = await api.call(ops.update, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
          body: {
            name: o.name,
            trigger: o.trigger,
            condition: o.condition === false ? null : o.condition,
            description: o.description,
          },
        });
        return { json: w, text: workflowText(w, `Updated workflow ${w.slug}.`) };
      }),
    );

  for (const [verb, status] of [
    ["pause", "paused"],
    ["resume", "active"],
  ] as const) {
    operationCommand(workflow, verb, ops.update, {
      description:
        verb === "pause"
          ? "Pause a workflow: events start no runs of it (open runs go on)."
          : "Resume a paused workflow.",
      flags: {
        workflow_id: workflowFlag,
        organization_id: orgHintFlag(),
        name: false,
        description: false,
        trigger: false,
        condition: false,
        status: { fixed: status },
      },
      examples: [`clerk workflow ${verb} --workflow "pull-request-approval"`],
      render: (w) => ({ json: w, text: `Workflow ${w.slug} is ${w.status}.` }),
    });
  }

  operationCommand(workflow, "delete", ops.remove, {
    description: "Delete a workflow with its runs and tasks.",
    flags: { workflow_id: workflowFlag, organization_id: orgHintFlag() },
    examples: ['clerk workflow delete --workflow "pull-request-approval"'],
    render: (w) => ({ json: w, text: `Deleted workflow ${w.name} (${w.slug}).` }),
  });

  operationCommand(workflow, "templates", ops.templates, {
    description: "List the built-in workflow templates.",
    examples: ["clerk workflow templates"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["TEMPLATE", "TRIGGER", "CONDITION", "STAGES"],
        data.map((t) => [
          t.name,
          t.trigger,
          t.condition ?? "",
          t.stages.map((s) => `${s.name} (${s.requiresRole})`).join(" → "),
        ]),
      ),
    }),
  });

  const stage = workflow
    .command("stage")
    .alias("stages")
    .description("A workflow's stages: each needs a role, may be conditional and time out.");
  stage
    .command("add")
    .description("Add a stage at the end (or at --position).")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--name <name>", "the stage's name")
    .requiredOption("--requires-role <role>", "who may approve: holders of this role (directly or by inheritance)")
    .option(
      "--condition <condition>",
      "when the stage applies, e.g. files:touched:security-sensitive or estimated-impact:high",
    )
    .option("--timeout <duration>", "after how long it is overdue, e.g. 24h, 90m, 7d")
    .option("--approvals <n>", "distinct approvers needed (default 1)")
    .option("--form <form>", "a form the approver fills in, e.g. change-request-template")
    .option("--strategy <strategy>", `how tasks are assigned: ${STRATEGIES.join(", ")} (default round-robin)`)
    .option("--position <n>", "where to insert it, counted from 1")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk workflow stage add --workflow "pull-request-approval" --name "Technical Review" --requires-role "Code Reviewer" --timeout "24h"\n  clerk workflow stage add --workflow "pull-request-approval" --name "Security Approval" --requires-role "Security Lead" --condition "files:touched:security-sensitive"',
    )
    .action(
      action<{
        workflow: string;
        organization?: string;
        name: string;
        requiresRole: string;
        condition?: string;
        timeout?: string;
        approvals?: string;
        form?: string;
        strategy?: string;
        position?: string;
      }>(async ({ api }, o) => {
        const w = await api.call(ops.addStage, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
          body: {
            name: o.name,
            requires_role: o.requiresRole,
            condition: o.condition,
            timeout: o.timeout,
            approvals: parseCount(o.approvals, "approvals"),
            form: o.form,
            strategy: parseStrategy(o.strategy),
            position: o.position === undefined ? undefined : parseCount(o.position, "position"),
          },
        });
        return { json: w, text: workflowText(w, `Added stage ${o.name} to ${w.slug}.`) };
      }),
    );

  stage
    .command("update")
    .description("Change a stage.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--stage <stage>", "the stage's name or id")
    .option("--name <name>", "new name")
    .option("--requires-role <role>", "who may approve")
    .option("--condition <condition>", "when it applies")
    .option("--no-condition", "always apply")
    .option("--timeout <duration>", "e.g. 24h")
    .option("--no-timeout", "never overdue")
    .option("--approvals <n>", "distinct approvers needed")
    .option("--form <form>", "a form the approver fills in")
    .option("--no-form", "no form")
    .option("--strategy <strategy>", STRATEGIES.join(", "))
    .addHelpText(
      "after",
      '\nExample:\n  clerk workflow stage update --workflow "pull-request-approval" --stage "Technical Review" --approvals 2',
    )
    .action(
      action<{
        workflow: string;
        organization?: string;
        stage: string;
        name?: string;
        requiresRole?: string;
        condition?: string | false;
        timeout?: string | false;
        approvals?: string;
        form?: string | false;
        strategy?: string;
      }>(async ({ api }, o) => {
        const orNull = (v: string | false | undefined) => (v === false ? null : v);
        const w = await api.call(ops.updateStage, {
          params: { workflow_id: o.workflow, stage: o.stage },
          query: { organization_id: orgHint(o.organization) },
          body: {
            name: o.name,
            requires_role: o.requiresRole,
            condition: orNull(o.condition),
            timeout: orNull(o.timeout),
            approvals: parseCount(o.approvals, "approvals"),
            form: orNull(o.form),
            strategy: parseStrategy(o.strategy),
          },
        });
        return { json: w, text: workflowText(w, `Updated stage ${o.name ?? o.stage} of ${w.slug}.`) };
      }),
    );

  operationCommand(stage, "remove", ops.removeStage, {
    description: "Remove a stage.",
    flags: { workflow_id: workflowFlag, stage: stageFlag, organization_id: orgHintFlag() },
    examples: ['clerk workflow stage remove --workflow "pull-request-approval" --stage "Security Approval"'],
    render: (w, { options }) => ({
      json: w,
      text: workflowText(w, `Removed stage ${String(options.stage)} from ${w.slug}.`),
    }),
  });

  workflow
    .command("assign")
    .description("Set how tasks are assigned for the stages that need a role (or --stage, or every stage).")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--strategy <strategy>", STRATEGIES.join(", "))
    .option("--role <role>", "the stages that need this role")
    .option("--stage <stage>", "one stage, by name or id")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk workflow assign --workflow "pull-request-approval" --strategy "round-robin" --role "Code Reviewer"\n  clerk workflow assign --workflow "pull-request-approval" --strategy "least-loaded" --role "Code Reviewer"',
    )
    .action(
      action<{ workflow: string; organization?: string; strategy: string; role?: string; stage?: string }>(
        async ({ api }, o) => {
          const w = await api.call(ops.assign, {
            params: { workflow_id: o.workflow },
            query: { organization_id: orgHint(o.organization) },
            body: { strategy: parseStrategy(o.strategy) as (typeof STRATEGIES)[number], role: o.role, stage: o.stage },
          });
          // Name the stages this call set: the one given, or those needing the role (named by key or by name).
          const key =
            o.role === undefined
              ? undefined
              : o.role.startsWith("org:")
                ? o.role.toLowerCase()
                : `org:${o.role
                    .trim()
                    .toLowerCase()
                    .replace(/[^a-z0-9]+/g, "_")
                    .replace(/^_+|_+$/g, "")}`;
          const picked = w.stages.filter((s) =>
            o.stage
              ? s.name.toLowerCase() === o.stage.toLowerCase() || s.id === o.stage
              : key
                ? s.requires_role === key
                : true,
          );
          const changed = (
            picked.length ? picked : w.stages.filter((s) => s.strategy === o.strategy.toLowerCase())
          ).map((s) => s.name);
          return {
            json: w,
            text: `Tasks of ${w.slug} (${changed.join(", ")}) are now assigned ${o.strategy.toLowerCase()}.`,
          };
        },
      ),
    );

  const escalation = workflow
    .command("escalation")
    .description("Escalation: open tasks of a stage go to another role after a while.");
  operationCommand(escalation, "set", ops.escalation, {
    description: "Escalate a stage's open tasks to holders of another role after a while, and tell someone.",
    flags: {
      workflow_id: workflowFlag,
      organization_id: orgHintFlag(),
      stage: stageFlag,
      after: { value: "duration", help: "e.g. 48h" },
      escalate_to: { value: "role", help: "the role whose holders take over" },
      notify: { value: "email", help: "who is told when it escalates" },
    },
    examples: [
      'clerk workflow escalation set --workflow "pull-request-approval" --stage "Technical Review" --after "48h" --escalate-to "Senior Reviewer" --notify "tech-lead@acme.com"',
    ],
    render: (w, { options }) => {
      const name = String(options.stage);
      const s = w.stages.find((x) => x.name.toLowerCase() === name.toLowerCase() || x.id === name);
      return {
        json: w,
        text: `Stage ${s?.name ?? name} of ${w.slug} escalates to ${s?.escalation?.escalate_to} after ${s?.escalation?.after}${s?.escalation?.notify ? `, notifying ${s.escalation.notify}` : ""}.`,
      };
    },
  });
  operationCommand(escalation, "clear", ops.clearEscalation, {
    description: "Remove a stage's escalation.",
    flags: { workflow_id: workflowFlag, stage: stageFlag, organization_id: orgHintFlag() },
    examples: ['clerk workflow escalation clear --workflow "pull-request-approval" --stage "Technical Review"'],
    render: (w, { options }) => ({ json: w, text: `Stage ${String(options.stage)} of ${w.slug} no longer escalates.` }),
  });

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

  const form = program
    .command("form")
    .alias("forms")
    .description("Forms: JSON Schema templates approvers fill in (built in: change-request-template).");
  operationCommand(form, "create", ops.createForm, {
    description: "Create a form from a JSON Schema of an object.",
    flags: {
      organization_id: orgOrDefault(),
      name: { help: "e.g. security-checklist" },
      description: { value: "text", help: "what it records" },
      schema: { value: "json", help: "the JSON Schema inline, or @file.json" },
    },
    examples: [
      'clerk form create --name security-checklist --schema \'{"type":"object","required":["threat_model"],"properties":{"threat_model":{"type":"string"}}}\'',
    ],
    render: (f) => ({ json: f, text: `Created form ${f.name}.` }),
  });
  operationCommand(form, "list", ops.listForms, {
    description: "List the forms usable in an organization.",
    flags: { organization_id: orgOrDefault() },
    examples: ["clerk form list --organization engineering-team"],
    render: ({ data }) => {
      const fieldsOf = (s: Record<string, unknown>) =>
        Object.keys((s.properties ?? {}) as Record<string, unknown>).join(", ");
      return {
        json: data,
        text: table(
          ["FORM", "FIELDS", "BUILT IN", "DESCRIPTION"],
          data.map((f) => [f.name, fieldsOf(f.schema), f.built_in ? "yes" : "no", f.description]),
        ),
      };
    },
  });
}
