// `clerk event emit`, `clerk task …`, `clerk run …`, `clerk workflow stats` and `clerk jobs …`.
import type { Command } from "commander";
import { organizationOrDefault, readState } from "../../cli/context.js";
import { commandNamed, fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { formatDuration } from "../../duration.js";
import { jsonObject, orgHint } from "../../cli/input.js";
import type { runObject, taskObject } from "./run.records.js";
import { taskEndpoints } from "./task.routes.js";

type RunObject = ReturnType<typeof runObject>;
type TaskObject = ReturnType<typeof taskObject>;

const ms = (v: number | null) => (v === null ? "-" : formatDuration(v));

function runText(r: RunObject, headline?: string): string {
  const head = fields([
    ["Run", r.id],
    ["Workflow", `${r.workflow.name} (${r.workflow.slug})`],
    ["Subject", r.subject],
    ["Requester", r.requester],
    ["Status", r.blocked_reason ? `${r.status}, blocked: ${r.blocked_reason}` : r.status],
    ["Current stage", r.current_stage],
    ["Outcome", r.outcome_reason],
    ["Started", when(r.created_at)],
  ]);
  const stages = r.stages.map((s) => {
    const flags = [s.overdue_at ? "overdue" : "", s.escalated_at ? "escalated" : ""].filter((x) => x).join(", ");
    const line = `  ${s.position}. ${s.name}: ${s.status}${s.status === "active" || s.approvals ? ` (${s.approvals}/${s.approvals_needed} approvals)` : ""}${flags ? ` [${flags}]` : ""}${s.note ? ` (${s.note})` : ""}`;
    const tasks = s.tasks.map(
      (t) =>
        `       ${t.id} ${t.status}${t.assignee ? ` ${t.assignee}` : " unassigned"}${t.decided_by ? ` by ${t.decided_by}` : ""}${t.reason ? `: ${t.reason}` : ""}`,
    );
    return [line, ...tasks].join("\n");
  });
  return [headline, head, stages.length ? `Stages:\n${stages.join("\n")}` : "Stages: none"].filter((x) => x).join("\n");
}

const taskRows = (tasks: readonly TaskObject[]) =>
  table(
    ["TASK", "WORKFLOW", "SUBJECT", "STAGE", "ASSIGNEE", "STATUS", "SINCE"],
    tasks.map((t) => [
      t.id,
      t.workflow.slug,
      t.subject ?? "",
      t.stage,
      t.assignee ?? "(unassigned)",
      `${t.status}${t.overdue ? ", overdue" : ""}${t.escalated ? ", escalated" : ""}`,
      when(t.created_at),
    ]),
  );

export function registerTaskCommands(program: Command): void {
  const event = program
    .command("event")
    .alias("events")
    .description("Events start runs of the workflows they trigger.");
  event
    .command("emit")
    .description("Emit an event: each active workflow whose trigger and condition match starts a run.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--type <type>", "the event type, e.g. pull_request_opened")
    .option(
      "--data <json>",
      'the event\'s attributes as a JSON object (or @file.json), e.g. \'{"pr": {"number": 123}, "files": ["src/auth/a.ts"]}\'',
    )
    .option("--idempotency-key <key>", "a redelivery with the same key starts nothing new")
    .option(
      "--requester <email>",
      "who asked for the change (default: --as); never assigned or approving their own run",
    )
    .addHelpText(
      "after",
      '\nExample:\n  clerk event emit --organization engineering-team --type pull_request_opened --idempotency-key gh-123-opened \\\n    --data \'{"pr": {"number": 123, "title": "Rotate keys", "url": "https://git.example.com/pr/123"}, "files": ["src/auth/keys.ts"]}\'',
    )
    .action(
      action<{ organization?: string; type: string; data?: string; idempotencyKey?: string; requester?: string }>(
        async ({ api }, o) => {
          const e = await api.call(taskEndpoints.emit, {
            body: {
              organization_id: organizationOrDefault(o.organization),
              type: o.type,
              data: jsonObject(o.data, "data"),
              idempotency_key: o.idempotencyKey,
              requester: o.requester,
            },
          });
          const runs = e.runs.map(
            (r) =>
              `  ${r.id} ${r.workflow.slug}: ${r.status}${r.current_stage ? `, at ${r.current_stage}` : ""}${r.blocked_reason ? ` (blocked: ${r.blocked_reason})` : ""}`,
          );
          const headline = e.duplicate
            ? `Event ${e.id} was already received (idempotency key ${e.idempotency_key}); nothing new started.`
            : `Received ${e.type} (${e.id}); ${e.runs.length} run(s) started.`;
          return { json: e, text: [headline, ...runs].join("\n") };
        },
      ),
    );

  const task = program
    .command("task")
    .alias("tasks")
    .description("Tasks: the approvals workflow stages ask of reviewers.");
  task
    .command("list")
    .description("List open tasks: yours (--mine), an assignee's, a workflow's or an organization's.")
    .option("--mine", "only the tasks assigned to you (with --as, or your agent key)")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--workflow <workflow>", "only this workflow's")
    .option("--assignee <email>", "only this member's")
    .option("--status <statuses>", "open, approved, rejected, cancelled (comma-separated)", "open")
    .addHelpText(
      "after",
      "\nExamples:\n  clerk task list --mine --as bob@acme.com\n  clerk task list --organization engineering-team --status open",
    )
    .action(
      action<{ mine?: boolean; organization?: string; workflow?: string; assignee?: string; status: string }>(
        async ({ api }, o) => {
          const organization = o.mine || o.workflow ? o.organization : organizationOrDefault(o.organization);
          const { data } = await api.call(taskEndpoints.listTasks, {
            query: {
              mine: o.mine,
              organization_id: organization ?? (o.workflow ? readState().organization : undefined),
              workflow: o.workflow,
              assignee: o.assignee,
              status: o.status,
              limit: 500,
            },
          });
          return { json: data, text: taskRows(data) };
        },
      ),
    );
  task
    .command("show")
    .description("Show a task.")
    .argument("<task>", "the task id")
    .addHelpText("after", "\nExample:\n  clerk task show task_2Wg7…")
    .action(
      action(async ({ api }, _o, args) => {
        const t = await api.call(taskEndpoints.getTask, { params: { id: args[0] as string } });
        return { json: t, text: taskRows([t]) };
      }),
    );
  task
    .command("approve")
    .description("Approve a task (as a member: --as, or that member's key).")
    .argument("<task>", "the task id")
    .option("--comment <text>", "why, for the record")
    .option("--form-data <json>", "the stage's form, as a JSON object (or @file.json)")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk task approve task_2Wg7… --comment "LGTM" --as bob@acme.com\n  clerk task approve task_2Wg7… --as lead@acme.com --form-data \'{"summary":"Rotate keys","risk":"low","rollback_plan":"Restore old key","ticket":"CHG-1"}\'',
    )
    .action(
      action<{ comment?: string; formData?: string }>(async ({ api }, o, args) => {
        const t = await api.call(taskEndpoints.approve, {
          params: { id: args[0] as string },
          body: { comment: o.comment, form_data: jsonObject(o.formData, "form-data") },
        });
        return {
          json: t,
          text: runText(
            t.run,
            `Approved ${t.id} (${t.stage} of ${t.workflow.slug}). The run is ${t.run.status}${t.run.current_stage ? `, now at ${t.run.current_stage}` : ""}.`,
          ),
        };
      }),
    );
  task
    .command("reject")
    .description("Reject a task; the run ends rejected.")
    .argument("<task>", "the task id")
    .requiredOption("--reason <text>", "why (shown to the requester, counted in stats)")
    .addHelpText(
      "after",
      '\nExample:\n  clerk task reject task_2Wg7… --reason "Missing tests for the token refresh" --as bob@acme.com',
    )
    .action(
      action<{ reason: string }>(async ({ api }, o, args) => {
        const t = await api.call(taskEndpoints.reject, {
          params: { id: args[0] as string },
          body: { reason: o.reason },
        });
        return { json: t, text: `Rejected ${t.id} (${t.stage} of ${t.workflow.slug}); run ${t.run_id} is rejected.` };
      }),
    );
  task
    .command("assign")
    .description("Assign a reviewer by hand: to a task, a run, or a workflow's run for a pull request.")
    .requiredOption("--reviewer <email>", "who reviews (must hold the stage's role, and not be the requester)")
    .option("--workflow <workflow>", "slug, id or name (with --pull-request)")
    .option("--organization <org>", "slug, id or name")
    .option("--pull-request <number>", "the pull request the run is about")
    .option("--run <run>", "the run id")
    .option("--task <task>", "the task id")
    .addHelpText(
      "after",
      '\nExample:\n  clerk task assign --workflow "pull-request-approval" --reviewer "alice@acme.com" --pull-request "123"',
    )
    .action(
      action<{
        reviewer: string;
        workflow?: string;
        organization?: string;
        pullRequest?: string;
        run?: string;
        task?: string;
      }>(async ({ api }, o) => {
        const t = await api.call(taskEndpoints.assign, {
          body: {
            reviewer: o.reviewer,
            workflow: o.workflow,
            organization_id: o.workflow ? orgHint(o.organization) : o.organization,
            pull_request: o.pullRequest,
            run: o.run,
            task: o.task,
          },
        });
        return {
          json: t,
          text: `Assigned ${t.id} (${t.stage} of ${t.workflow.slug}${t.subject ? ` #${t.subject}` : ""}) to ${t.assignee}.`,
        };
      }),
    );

  const run = program.command("run").alias("runs").description("Runs: one workflow's progress on one event.");
  run
    .command("show")
    .description("Show a run: its stages, tasks and whether it is blocked.")
    .argument("<run>", "the run id")
    .addHelpText("after", "\nExample:\n  clerk run show run_2Wg7…")
    .action(
      action(async ({ api }, _o, args) => {
        const r = await api.call(taskEndpoints.getRun, { params: { id: args[0] as string } });
        return { json: r, text: runText(r) };
      }),
    );
  run
    .command("list")
    .description("List runs of a workflow (or an organization), newest first.")
    .option("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--status <statuses>", "open, approved, rejected, cancelled (comma-separated)")
    .option("--pull-request <number>", "only runs about this pull request")
    .option("--limit <n>", "at most this many", "50")
    .addHelpText("after", '\nExample:\n  clerk run list --workflow "pull-request-approval" --status open')
    .action(
      action<{ workflow?: string; organization?: string; status?: string; pullRequest?: string; limit: string }>(
        async ({ api }, o) => {
          const { data } = await api.call(taskEndpoints.listRuns, {
            query: {
              workflow: o.workflow,
              organization_id: o.workflow ? orgHint(o.organization) : organizationOrDefault(o.organization),
              status: o.status,
              subject: o.pullRequest,
              limit: o.limit,
            },
          });
          return {
            json: data,
            text: table(
              ["RUN", "WORKFLOW", "SUBJECT", "STATUS", "STAGE", "REQUESTER", "STARTED"],
              data.map((r) => [
                r.id,
                r.workflow.slug,
                r.subject ?? "",
                r.blocked_reason ? `${r.status} (blocked)` : r.status,
                r.current_stage ?? "",
                r.requester ?? "",
                when(r.created_at),
              ]),
            ),
          };
        },
      ),
    );
  run
    .command("cancel")
    .description("Cancel an open run (its requester or a workflow manager).")
    .argument("<run>", "the run id")
    .option("--reason <text>", "why")
    .addHelpText("after", '\nExample:\n  clerk run cancel run_2Wg7… --reason "Superseded by #124"')
    .action(
      action<{ reason?: string }>(async ({ api }, o, args) => {
        const r = await api.call(taskEndpoints.cancelRun, {
          params: { id: args[0] as string },
          body: { reason: o.reason },
        });
        return { json: r, text: `Cancelled run ${r.id} (${r.workflow.slug}).` };
      }),
    );

  commandNamed(program, "workflow")
    .command("stats")
    .description(
      "A workflow's figures for a period: outcomes, approval rate, completion times, stages, overdue, escalations, rejections.",
    )
    .requiredOption("--workflow <workflow>", "slug, id or name")
    .option("--organization <org>", "slug, id or name")
    .option("--period <duration>", "how far back runs are counted, e.g. 7d, 30d", "30d")
    .addHelpText("after", '\nExample:\n  clerk workflow stats --workflow "pull-request-approval" --period "30d"')
    .action(
      action<{ workflow: string; organization?: string; period: string }>(async ({ api }, o) => {
        const s = await api.call(taskEndpoints.stats, {
          params: { workflow_id: o.workflow },
          query: { period: o.period, organization_id: orgHint(o.organization) },
        });
        const text = [
          `${s.workflow.name} (${s.workflow.slug}), last ${s.period}:`,
          fields([
            ["Runs", s.runs],
            ["Approved", s.approved],
            ["Rejected", s.rejected],
            ["Open", s.open],
            ["Cancelled", s.cancelled],
            ["Approval rate", s.approval_rate === null ? "-" : `${Math.round(s.approval_rate * 1000) / 10}%`],
            [
              "Completion",
              `average ${ms(s.completion_ms.average)}, p50 ${ms(s.completion_ms.p50)}, p90 ${ms(s.completion_ms.p90)}`,
            ],
            ["Overdue", s.overdue],
            ["Escalations", s.escalations],
          ]),
          s.stages.length
            ? `Stages:\n${s.stages.map((x) => `  ${x.name}: ${x.completed} decided, average ${ms(x.average_ms)}`).join("\n")}`
            : "",
          s.top_rejection_reasons.length
            ? `Top rejection reasons:\n${s.top_rejection_reasons.map((r) => `  ${r.count} × ${r.reason}`).join("\n")}`
            : "",
        ];
        return { json: s, text: text.filter((x) => x).join("\n") };
      }),
    );

  const jobs = program
    .command("jobs")
    .description("The timer queue: stage timeouts and escalations (clerk serve runs it; use this without a server).");
  jobs
    .command("run")
    .description("Run the timers that are due now, e.g. from cron when no server runs.")
    .addHelpText("after", "\nExample:\n  clerk jobs run")
    .action(
      action(async ({ api }) => {
        const r = await api.call(taskEndpoints.runJobs, { body: {} });
        return {
          json: r,
          text: `Ran ${r.ran} timer(s)${r.retried ? `, ${r.retried} to retry` : ""}${r.failed ? `, ${r.failed} failed` : ""}; ${r.pending} pending${r.next_due_at ? `, next due ${when(r.next_due_at)}` : ""}.`,
        };
      }),
    );
  jobs
    .command("status")
    .description("Count the timers by state.")
    .addHelpText("after", "\nExample:\n  clerk jobs status")
    .action(
      action(async ({ api }) => {
        const r = await api.call(taskEndpoints.jobs);
        return {
          json: r,
          text: fields([
            ["Pending", r.pending],
            ["Next due", r.next_due_at === null ? null : when(r.next_due_at)],
            ["Done", r.done],
            ["Failed", r.failed_total],
            ["Cancelled", r.cancelled],
          ]),
        };
      }),
    );
}
