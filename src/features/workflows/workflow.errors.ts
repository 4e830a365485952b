// The errors the workflows feature throws (definitions: workflows, stages, file sets, forms, templates).
import { ClerkError } from "../../errors.js";
import { didYouMean } from "../../suggest.js";

export function workflowNotFound(ref: string, known: readonly string[], organization: string | null): ClerkError {
  const where = organization ? ` in ${organization}` : "";
  return new ClerkError(
    "workflow.not_found",
    `No workflow "${ref}"${where}.${didYouMean(ref, known)} List them with: clerk workflow list${organization ? ` --organization "${organization}"` : ""}`,
    { param: "workflow", details: { ref } },
  );
}

export function workflowAmbiguous(ref: string, organizations: readonly string[]): ClerkError {
  return new ClerkError(
    "workflow.ambiguous",
    `Several organizations have a workflow "${ref}" (${organizations.join(", ")}); pass --organization.`,
    { param: "organization" },
  );
}

export function workflowNameTaken(slug: string, organization: string): ClerkError {
  return new ClerkError(
    "workflow.name_taken",
    `${organization} already has a workflow ${slug}; choose another name or change it with: clerk workflow update --workflow ${slug}`,
    {
      param: "name",
    },
  );
}

export function invalidTrigger(trigger: string): ClerkError {
  return new ClerkError(
    "workflow.invalid_trigger",
    `Trigger "${trigger}" is not event:<type>; write e.g. event:pull_request_opened or event:deployment_requested (letters, digits, "_", "-", ".").`,
    { param: "trigger" },
  );
}

export function invalidDuration(text: string, param: string): ClerkError {
  return new ClerkError(
    "workflow.invalid_duration",
    `--${param} "${text}" is not a duration; use e.g. 90m, 24h, 7d or 1h30m.`,
    { param },
  );
}

export function stageNotFound(ref: string, workflow: string, known: readonly string[]): ClerkError {
  return new ClerkError(
    "workflow.stage_not_found",
    `Workflow ${workflow} has no stage "${ref}".${didYouMean(ref, known)} Its stages: ${known.join(", ") || "none yet"}.`,
    {
      param: "stage",
    },
  );
}

export function stageExists(name: string, workflow: string): ClerkError {
  return new ClerkError(
    "workflow.stage_exists",
    `Workflow ${workflow} already has a stage "${name}"; choose another name.`,
    { param: "name" },
  );
}

export function invalidStage(message: string, param: string): ClerkError {
  return new ClerkError("workflow.invalid_stage", message, { param });
}

export function unknownTemplate(name: string, known: readonly string[]): ClerkError {
  return new ClerkError(
    "workflow.unknown_template",
    `No workflow template "${name}".${didYouMean(name, known)} Templates: ${known.join(", ")}.`,
    { param: "template" },
  );
}

export function templateRolesMissing(template: string, organization: string, missing: readonly string[]): ClerkError {
  const fixes = missing.map((r) => `clerk role create --name "${r}" --organization "${organization}"`).join("; ");
  return new ClerkError(
    "workflow.roles_missing",
    `Template ${template} needs the role(s) ${missing.map((r) => `"${r}"`).join(", ")}, which ${organization} does not have; create them first: ${fixes}`,
    { param: "template", details: { missing } },
  );
}

export function fileSetNotFound(name: string, organization: string, known: readonly string[]): ClerkError {
  return new ClerkError(
    "fileset.not_found",
    `No file set "${name}" in ${organization}.${didYouMean(name, known)} Create it with: clerk fileset create ${name} --paths "src/auth/**"`,
    {
      param: "name",
    },
  );
}

export function fileSetExists(name: string, organization: string): ClerkError {
  return new ClerkError(
    "fileset.exists",
    `${organization} already has a file set "${name}"; change it with: clerk fileset update ${name} --paths …`,
    { param: "name" },
  );
}

export function formNotFound(name: string, organization: string, known: readonly string[]): ClerkError {
  return new ClerkError(
    "form.not_found",
    `No form "${name}" in ${organization}.${didYouMean(name, known)} Forms: ${known.join(", ")}. Create one with: clerk form create --name ${name} --schema '{…}'`,
    {
      param: "form",
    },
  );
}

export function formExists(name: string, organization: string): ClerkError {
  return new ClerkError("form.exists", `${organization} already has a form "${name}"; choose another name.`, {
    param: "name",
  });
}

export function invalidFormSchema(name: string, why: string): ClerkError {
  return new ClerkError("form.invalid_schema", `The schema of form "${name}" is not a usable JSON Schema: ${why}`, {
    param: "schema",
  });
}

export function formInUse(name: string, users: readonly string[]): ClerkError {
  return new ClerkError("form.in_use", `Form ${name} is asked for by ${users.join(", ")}; change those stages first.`, {
    param: "form",
  });
}
