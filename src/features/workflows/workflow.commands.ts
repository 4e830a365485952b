// `clerk workflow …` (definitions; stages in stage.commands.ts), then `clerk fileset …` and `clerk form …`.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { orgHint } from "../../cli/input.js";
import { table } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import {
  orgHintFlag,
  orgOrDefault,
  parseStrategy,
  stageFlag,
  workflowFlag,
  workflowText,
} from "./definition.commands.js";
import { registerFileSetCommands } from "./fileset.commands.js";
import { registerFormCommands } from "./form.commands.js";
import { registerStageCommands } from "./stage.commands.js";
import { workflowOperations as ops } from "./workflow.operations.js";
import { STRATEGIES } from "./workflow.schema.js";
import { TEMPLATE_NAMES } from "./workflow.templates.js";

/** Adds `clerk workflow …`, `clerk fileset …` and `clerk form …`. */

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
    .option(
      "--on-approve <effect>",
      "grant: an approved run gives the requester the access its event asks for (an access-request workflow)",
    )
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
        onApprove?: string;
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
            on_approve: o.onApprove as "grant" | undefined,
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
    .option("--on-approve <effect>", "grant (an approved run gives the requester the access asked for) or none")
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
        onApprove?: string;
      }>(async ({ api }, o) => {
        const w = await api.call(ops.update, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
          body: {
            name: o.name,
            trigger: o.trigger,
            condition: o.condition === false ? null : o.condition,
            description: o.description,
            on_approve: o.onApprove === "none" ? null : (o.onApprove as "grant" | undefined),
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
        on_approve: false,
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

  registerStageCommands(workflow);

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

  // File sets and forms belong to definitions (conditions and stages name them); their groups follow.
  registerFileSetCommands(program);
  registerFormCommands(program);
}
