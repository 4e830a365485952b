// `clerk event emit`, `clerk task …`, `clerk run …`, `clerk workflow stats` and `clerk jobs …`.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { organizationOrDefault, readState } from "../../cli/context.js";
import { commandNamed, fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { formatDuration } from "../../duration.js";
import { orgHint } from "../../cli/input.js";
import type { RunObject, TaskObject } from "./task.view.js";
import { taskOperations as ops } from "./task.operations.js";

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
    [
      "Granted",
      r.granted &&
        `${r.granted.permission}${r.granted.scopes.length ? ` on ${r.granted.scopes.join(", ")}` : ""} to ${r.granted.member} until ${when(r.granted.expires_at)} (approved by ${r.granted.approved_by.join(", ")})`,
    ],
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
  const access = program
    .command("access")
    .description("Ask for access you lack: the organization's access-request workflow decides, people approve.");
  operationCommand(access, "request", ops.requestAccess, {
    description:
      "Ask for a permission (optionally scoped) for a while, as yourself (--as, or your key); returns at once with the run and who decides. On approval the grant is made, expiring after --duration.",
    flags: {
      organization_id: {
        flag: "organization",
        value: "org",
        help: "slug, id or name (default: clerk org use)",
        resolve: organizationOrDefault,
      },
      permission: { help: "the permission, e.g. org:deploys:write (or write:deploys)" },
      scope: {
        value: "scopes",
        help: "limit it to resources, comma-separated type:pattern, e.g. repository:frontend-app",
      },
      duration: { help: "for how long after the approval, e.g. 30m, 1h, 2d" },
      reason: { value: "text", help: "why you need it, for the people who decide" },
      idempotency_key: { value: "key", help: "sending the same key again returns the first request" },
    },
    examples: [
      'clerk access request --organization engineering-team --permission org:deploys:write --scope environment:production \\\n    --duration 1h --reason "Roll back release 1.4.2" --as deploy-bot@acme.com',
    ],
    render: (e) => {
      const runs = e.runs.map((r) => {
        const waiting = r.stages
          .flatMap((s) => s.tasks)
          .filter((t) => t.status === "open")
          .map((t) => t.assignee ?? "(unassigned)");
        return `  ${r.id} ${r.workflow.slug}: ${r.status}${r.current_stage ? `, at ${r.current_stage}` : ""}${waiting.length ? `, waiting on ${waiting.join(", ")}` : ""}${r.blocked_reason ? ` (blocked: ${r.blocked_reason})` : ""}`;
      });
      return {
        json: e,
        text: [`Asked for access (${e.id}); follow it with: clerk run show <run>`, ...runs].join("\n"),
      };
    },
  });

  const event = program
    .command("event")
    .alias("events")
    .description("Events start runs of the workflows they trigger.");
  operationCommand(event, "emit", ops.emit, {
    description: "Emit an event: each active workflow whose trigger and condition match starts a run.",
    flags: {
      organization_id: {
        flag: "organization",
        value: "org",
        help: "slug, id or name (default: clerk org use)",
        resolve: organizationOrDefault,
      },
      type: { help: "the event type, e.g. pull_request_opened" },
      data: {
        value: "json",
        help: 'the event\'s attributes as a JSON object (or @file.json), e.g. \'{"pr": {"number": 123}, "files": ["src/auth/a.ts"]}\'',
      },
      idempotency_key: { value: "key", help: "a redelivery with the same key starts nothing new" },
      requester: {
        value: "email",
        help: "who asked for the change (default: --as); never assigned or approving their own run",
      },
    },
    examples: [
      'clerk event emit --organization engineering-team --type pull_request_opened --idempotency-key gh-123-opened \\\n    --data \'{"pr": {"number": 123, "title": "Rotate keys", "url": "https://git.example.com/pr/123"}, "files": ["src/auth/keys.ts"]}\'',
    ],
    render: (e) => {
      const runs = e.runs.map(
        (r) =>
          `  ${r.id} ${r.workflow.slug}: ${r.status}${r.current_stage ? `, at ${r.current_stage}` : ""}${r.blocked_reason ? ` (blocked: ${r.blocked_reason})` : ""}`,
      );
      const headline = e.duplicate
        ? `Event ${e.id} was already received (idempotency key ${e.idempotency_key}); nothing new started.`
        : `Received ${e.type} (${e.id}); ${e.runs.length} run(s) started.`;
      return { json: e, text: [headline, ...runs].join("\n") };
    },
  });

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
          const { data } = await api.call(ops.listTasks, {
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
  operationCommand(task, "show", ops.getTask, {
    description: "Show a task.",
    args: [{ field: "id", name: "task", description: "the task id" }],
    examples: ["clerk task show task_2Wg7…"],
    render: (t) => ({ json: t, text: taskRows([t]) }),
  });
  operationCommand(task, "approve", ops.approve, {
    description: "Approve a task (as a member: --as, or that member's key).",
    args: [{ field: "id", name: "task", description: "the task id" }],
    flags: {
      comment: { value: "text", help: "why, for the record" },
      form_data: { value: "json", help: "the stage's form, as a JSON object (or @file.json)" },
    },
    examples: [
      'clerk task approve task_2Wg7… --comment "LGTM" --as bob@acme.com',
      'clerk task approve task_2Wg7… --as lead@acme.com --form-data \'{"summary":"Rotate keys","risk":"low","rollback_plan":"Restore old key","ticket":"CHG-1"}\'',
    ],
    render: (t) => ({
      json: t,
      text: runText(
        t.run,
        `Approved ${t.id} (${t.stage} of ${t.workflow.slug}). The run is ${t.run.status}${t.run.current_stage ? `, now at ${t.run.current_stage}` : ""}.`,
      ),
    }),
  });
  operationCommand(task, "reject", ops.reject, {
    description: "Reject a task; the run ends rejected.",
    args: [{ field: "id", name: "task", description: "the task id" }],
    flags: { reason: { value: "text", help: "why (shown to the requester, counted in stats)" } },
    examples: ['clerk task reject task_2Wg7… --reason "Missing tests for the token refresh" --as bob@acme.com'],
    render: (t) => ({
      json: t,
      text: `Rejected ${t.id} (${t.stage} of ${t.workflow.slug}); run ${t.run_id} is rejected.`,
    }),
  });
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
        const t = await api.call(ops.assign, {
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
  operationCommand(run, "show", ops.getRun, {
    description: "Show a run: its stages, tasks and whether it is blocked.",
    args: [{ field: "id", name: "run", description: "the run id" }],
    examples: ["clerk run show run_2Wg7…"],
    render: (r) => ({ json: r, text: runText(r) }),
  });
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
          const { data } = await api.call(ops.listRuns, {
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
  operationCommand(run, "cancel", ops.cancelRun, {
    description: "Cancel an open run (its requester or a workflow manager).",
    args: [{ field: "id", name: "run", description: "the run id" }],
    flags: { reason: { value: "text", help: "why" } },
    examples: ['clerk run cancel run_2Wg7… --reason "Superseded by #124"'],
    render: (r) => ({ json: r, text: `Cancelled run ${r.id} (${r.workflow.slug}).` }),
  });

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
        const s = await api.call(ops.stats, {
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
  operationCommand(jobs, "run", ops.runJobs, {
    description: "Run the timers that are due now, e.g. from cron when no server runs.",
    flags: { limit: false },
    examples: ["clerk jobs run"],
    render: (r) => ({
      json: r,
      text: `Ran ${r.ran} timer(s)${r.retried ? `, ${r.retried} to retry` : ""}${r.failed ? `, ${r.failed} failed` : ""}; ${r.pending} pending${r.next_due_at ? `, next due ${when(r.next_due_at)}` : ""}.`,
    }),
  });
  operationCommand(jobs, "status", ops.jobs, {
    description: "Count the timers by state.",
    examples: ["clerk jobs status"],
    render: (r) => ({
      json: r,
      text: fields([
        ["Pending", r.pending],
        ["Next due", r.next_due_at === null ? null : when(r.next_due_at)],
        ["Done", r.done],
        ["Failed", r.failed_total],
        ["Cancelled", r.cancelled],
      ]),
    }),
  });
}
