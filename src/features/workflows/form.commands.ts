// `clerk form …`: JSON Schema templates approvers fill in.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { table } from "../../cli/output.js";
import { orgOrDefault } from "./definition.commands.js";
import { workflowOperations as ops } from "./workflow.operations.js";

export function registerFormCommands(program: Command): void {
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
