// `clerk workflow stage …`: add, change and remove a workflow's stages.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { orgHint } from "../../cli/input.js";
import { action } from "../../cli/run.js";
import {
  orgHintFlag,
  parseCount,
  parseStrategy,
  stageFlag,
  workflowFlag,
  workflowText,
} from "./definition.commands.js";
import { workflowOperations as ops } from "./workflow.operations.js";
import { STRATEGIES } from "./workflow.schema.js";

/** Adds the `stage` group under `clerk workflow`. */
export function registerStageCommands(workflow: Command): void {
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
}
