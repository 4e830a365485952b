// The errors the configuration feature throws (codes listed in src/errors.ts).
import { ClerkError } from "../../errors.js";

export function stalePlan(expected: string, actual: string): ClerkError {
  return new ClerkError(
    "config.stale_plan",
    `The store changed since the plan was made (plan base ${expected.slice(0, 12)}, now ${actual.slice(0, 12)}); nothing was applied. Run clerk plan again and review it.`,
    { param: "base", details: { expected, actual } },
  );
}

export function workflowHasOpenRuns(organization: string, workflow: string, open: number): ClerkError {
  return new ClerkError(
    "config.workflow_has_open_runs",
    `Workflow ${workflow} in ${organization} has ${open} open run(s); pruning it would delete them. Cancel them (clerk run cancel …) or keep the workflow in the file (paused: true stops new runs); nothing was applied.`,
    { param: "workflows", details: { workflow, open } },
  );
}

export function missingEnv(name: string, where: string, details: Record<string, unknown> = {}): ClerkError {
  return new ClerkError(
    "input.invalid",
    `${where}: \${env:${name}} is not set; export ${name} before planning or applying (secrets never go in the file).`,
    { param: "env", details: { ...details, variable: name } },
  );
}
