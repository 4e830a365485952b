// `clerk workflow …` (definitions), `clerk fileset …` and `clerk form …`.
import type { Command } from "commander";
import { organizationOrDefault } from "../../cli/context.js";
import { jsonObject, orgHint } from "../../cli/input.js";
import { fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { workflowEndpoints } from "./workflow.routes.js";
import { STRATEGIES } from "./workflow.schema.js";
import { TEMPLATE_NAMES } from "./workflow.templates.js";
import type { stageObject, workflowObject } from "./workflow.view.js";

type WorkflowObject = ReturnType<typeof workflowObject>;
type StageObject = ReturnType<typeof stageObject>;

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
        const w = await api.call(workflowEndpoints.create, {
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

  workflow
    .command("list")
    .description("List an organization's workflows.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", '\nExample:\n  clerk workflow list --organization "engineering-team"')
    .action(
      action<{ organization?: string }>(async ({ api }, o) => {
        const { data } = await api.call(workflowEndpoints.list, {
          params: { organization_id: organizationOrDefault(o.organization) },
        });
        return {
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
        };
      }),
    );

  workflow
    .command("show")
    .description("Show a workflow and its stages.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name (default: clerk org use, else wherever the workflow is)")
    .addHelpText("after", '\nExample:\n  clerk workflow show --workflow "pull-request-approval"')
    .action(
      action<{ workflow: string; organization?: string }>(async ({ api }, o) => {
        const w = await api.call(workflowEndpoints.get, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
        });
        return { json: w, text: workflowText(w) };
      }),
    );

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
        const w = await api.call(workflowEndpoints.update, {
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
    workflow
      .command(verb)
      .description(
        verb === "pause"
          ? "Pause a workflow: events start no runs of it (open runs go on)."
          : "Resume a paused workflow.",
      )
      .requiredOption("--workflow <workflow>", "slug, id or name")
      .option("--organization <org>", "slug, id or name")
      .addHelpText("after", `\nExample:\n  clerk workflow ${verb} --workflow "pull-request-approval"`)
      .action(
        action<{ workflow: string; organization?: string }>(async ({ api }, o) => {
          const w = await api.call(workflowEndpoints.update, {
            params: { workflow_id: o.workflow },
            query: { organization_id: orgHint(o.organization) },
            body: { status },
          });
          return { json: w, text: `Workflow ${w.slug} is ${w.status}.` };
        }),
      );
  }

  workflow
    .command("delete")
    .description("Delete a workflow with its runs and tasks.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .addHelpText("after", '\nExample:\n  clerk workflow delete --workflow "pull-request-approval"')
    .action(
      action<{ workflow: string; organization?: string }>(async ({ api }, o) => {
        const w = await api.call(workflowEndpoints.remove, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
        });
        return { json: w, text: `Deleted workflow ${w.name} (${w.slug}).` };
      }),
    );

  workflow
    .command("templates")
    .description("List the built-in workflow templates.")
    .addHelpText("after", "\nExample:\n  clerk workflow templates")
    .action(
      action(async ({ api }) => {
        const { data } = await api.call(workflowEndpoints.templates);
        return {
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
        };
      }),
    );

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
        const w = await api.call(workflowEndpoints.addStage, {
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
        const w = await api.call(workflowEndpoints.updateStage, {
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

  stage
    .command("remove")
    .description("Remove a stage.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--stage <stage>", "the stage's name or id")
    .addHelpText(
      "after",
      '\nExample:\n  clerk workflow stage remove --workflow "pull-request-approval" --stage "Security Approval"',
    )
    .action(
      action<{ workflow: string; organization?: string; stage: string }>(async ({ api }, o) => {
        const w = await api.call(workflowEndpoints.removeStage, {
          params: { workflow_id: o.workflow, stage: o.stage },
          query: { organization_id: orgHint(o.organization) },
        });
        return { json: w, text: workflowText(w, `Removed stage ${o.stage} from ${w.slug}.`) };
      }),
    );

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
          const w = await api.call(workflowEndpoints.assign, {
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
  escalation
    .command("set")
    .description("Escalate a stage's open tasks to holders of another role after a while, and tell someone.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--stage <stage>", "the stage's name or id")
    .requiredOption("--after <duration>", "e.g. 48h")
    .requiredOption("--escalate-to <role>", "the role whose holders take over")
    .option("--notify <email>", "who is told when it escalates")
    .addHelpText(
      "after",
      '\nExample:\n  clerk workflow escalation set --workflow "pull-request-approval" --stage "Technical Review" --after "48h" --escalate-to "Senior Reviewer" --notify "tech-lead@acme.com"',
    )
    .action(
      action<{
        workflow: string;
        organization?: string;
        stage: string;
        after: string;
        escalateTo: string;
        notify?: string;
      }>(async ({ api }, o) => {
        const w = await api.call(workflowEndpoints.escalation, {
          params: { workflow_id: o.workflow },
          query: { organization_id: orgHint(o.organization) },
          body: { stage: o.stage, after: o.after, escalate_to: o.escalateTo, notify: o.notify },
        });
        const s = w.stages.find((x) => x.name.toLowerCase() === o.stage.toLowerCase() || x.id === o.stage);
        return {
          json: w,
          text: `Stage ${s?.name ?? o.stage} of ${w.slug} escalates to ${s?.escalation?.escalate_to} after ${s?.escalation?.after}${s?.escalation?.notify ? `, notifying ${s.escalation.notify}` : ""}.`,
        };
      }),
    );
  escalation
    .command("clear")
    .description("Remove a stage's escalation.")
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .requiredOption("--stage <stage>", "the stage's name or id")
    .addHelpText(
      "after",
      '\nExample:\n  clerk workflow escalation clear --workflow "pull-request-approval" --stage "Technical Review"',
    )
    .action(
      action<{ workflow: string; organization?: string; stage: string }>(async ({ api }, o) => {
        const w = await api.call(workflowEndpoints.clearEscalation, {
          params: { workflow_id: o.workflow, stage: o.stage },
          query: { organization_id: orgHint(o.organization) },
        });
        return { json: w, text: `Stage ${o.stage} of ${w.slug} no longer escalates.` };
      }),
    );

  const fileset = program
    .command("fileset")
    .alias("filesets")
    .description("File sets: named glob patterns for files:touched:<name> conditions.");
  fileset
    .command("create")
    .description("Create a file set.")
    .argument("<name>", "e.g. security-sensitive")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption(
      "--paths <patterns>",
      "comma-separated globs: * within a folder, ** across folders, a trailing / for everything below",
    )
    .addHelpText(
      "after",
      '\nExample:\n  clerk fileset create security-sensitive --organization engineering-team --paths "src/auth/**,**/*.pem"',
    )
    .action(
      action<{ organization?: string; paths: string }>(async ({ api }, o, args) => {
        const f = await api.call(workflowEndpoints.saveFileSet, {
          params: { organization_id: organizationOrDefault(o.organization) },
          body: { name: args[0] as string, paths: o.paths },
        });
        return { json: f, text: `Created file set ${f.name}: ${f.patterns.join(", ")}.` };
      }),
    );
  fileset
    .command("update")
    .description("Replace a file set's patterns.")
    .argument("<name>", "the file set")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--paths <patterns>", "comma-separated globs")
    .addHelpText(
      "after",
      '\nExample:\n  clerk fileset update security-sensitive --paths "src/auth/**,**/*.pem,**/*.key"',
    )
    .action(
      action<{ organization?: string; paths: string }>(async ({ api }, o, args) => {
        const f = await api.call(workflowEndpoints.replaceFileSet, {
          params: { organization_id: organizationOrDefault(o.organization), name: args[0] as string },
          body: { paths: o.paths },
        });
        return { json: f, text: `File set ${f.name} is now: ${f.patterns.join(", ")}.` };
      }),
    );
  fileset
    .command("list")
    .description("List an organization's file sets.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", "\nExample:\n  clerk fileset list --organization engineering-team")
    .action(
      action<{ organization?: string }>(async ({ api }, o) => {
        const { data } = await api.call(workflowEndpoints.listFileSets, {
          params: { organization_id: organizationOrDefault(o.organization) },
        });
        return {
          json: data,
          text: table(
            ["FILE SET", "PATTERNS", "UPDATED"],
            data.map((f) => [f.name, f.patterns.join(", "), when(f.updated_at)]),
          ),
        };
      }),
    );
  fileset
    .command("delete")
    .description("Delete a file set (conditions naming it then count as true).")
    .argument("<name>", "the file set")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", "\nExample:\n  clerk fileset delete security-sensitive --organization engineering-team")
    .action(
      action<{ organization?: string }>(async ({ api }, o, args) => {
        const f = await api.call(workflowEndpoints.deleteFileSet, {
          params: { organization_id: organizationOrDefault(o.organization), name: args[0] as string },
        });
        return { json: f, text: `Deleted file set ${f.name}.` };
      }),
    );

  const form = program
    .command("form")
    .alias("forms")
    .description("Forms: JSON Schema templates approvers fill in (built in: change-request-template).");
  form
    .command("create")
    .description("Create a form from a JSON Schema of an object.")
    .requiredOption("--name <name>", "e.g. security-checklist")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--schema <json>", "the JSON Schema inline, or @file.json")
    .option("--description <text>", "what it records")
    .addHelpText(
      "after",
      '\nExample:\n  clerk form create --name security-checklist --schema \'{"type":"object","required":["threat_model"],"properties":{"threat_model":{"type":"string"}}}\'',
    )
    .action(
      action<{ name: string; organization?: string; schema: string; description?: string }>(async ({ api }, o) => {
        const f = await api.call(workflowEndpoints.createForm, {
          params: { organization_id: organizationOrDefault(o.organization) },
          body: {
            name: o.name,
            description: o.description,
            schema: jsonObject(o.schema, "schema") as Record<string, unknown>,
          },
        });
        return { json: f, text: `Created form ${f.name}.` };
      }),
    );
  form
    .command("list")
    .description("List the forms usable in an organization.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", "\nExample:\n  clerk form list --organization engineering-team")
    .action(
      action<{ organization?: string }>(async ({ api }, o) => {
        const { data } = await api.call(workflowEndpoints.listForms, {
          params: { organization_id: organizationOrDefault(o.organization) },
        });
        const fieldsOf = (s: Record<string, unknown>) =>
          Object.keys((s.properties ?? {}) as Record<string, unknown>).join(", ");
        return {
          json: data,
          text: table(
            ["FORM", "FIELDS", "BUILT IN", "DESCRIPTION"],
            data.map((f) => [f.name, fieldsOf(f.schema), f.built_in ? "yes" : "no", f.description]),
          ),
        };
      }),
    );
}
