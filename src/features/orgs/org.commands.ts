// `clerk org …`: create, info, list, update, delete, use.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { organizationOrDefault, writeState, readState } from "../../cli/context.js";
import { fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { orgOperations } from "./org.operations.js";

/** `--organization <org>`, falling back to the organization chosen with `clerk org use`. */
const organizationFlag = {
  flag: "organization",
  value: "org",
  help: "slug, id or name (default: clerk org use)",
  resolve: organizationOrDefault,
};

export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("Organizations: create, inspect, nest, update, delete.");

  operationCommand(org, "create", orgOperations.create, {
    description: "Create an organization (the slug comes from the name).",
    flags: {
      description: { value: "text" },
      parent_id: { flag: "parent", value: "org" },
      max_allowed_memberships: { flag: "max-members", value: "n" },
      created_by: false,
      public_metadata: false,
      private_metadata: false,
    },
    examples: ['clerk org create --name "Engineering Team" --description "Software development and DevOps"'],
    render: (created) => ({
      json: created,
      text: `Created organization ${created.name} (${created.slug}, ${created.id}).`,
    }),
  });

  operationCommand(org, "info", orgOperations.info, {
    description: "Show an organization: members, roles, parent and children.",
    flags: { organization_id: organizationFlag },
    examples: ['clerk org info --organization "engineering-team"'],
    render: (info) => ({
      json: info,
      text: fields([
        ["Name", info.name],
        ["Slug", info.slug],
        ["ID", info.id],
        ["Description", info.description],
        ["Parent", info.parent?.slug],
        ["Children", info.children.map((c) => c.slug).join(", ")],
        ["Members", info.members_count],
        ["Roles", info.roles.map((r) => `${r.name} (${r.members})`).join(", ")],
        ["Workflows", info.workflows_count],
        ["Created", when(info.created_at)],
      ]),
    }),
  });

  operationCommand(org, "list", orgOperations.tree, {
    description: "List organizations as a tree.",
    paged: true,
    examples: ["clerk org list --format table"],
    render: ({ data: tree }) => ({
      json: tree,
      text: table(
        ["ORGANIZATION", "SLUG", "ID", "DESCRIPTION"],
        tree.map((e) => [`${"  ".repeat(e.depth)}${e.depth ? "└ " : ""}${e.name}`, e.slug, e.id, e.description]),
      ),
    }),
  });

  operationCommand(org, "update", orgOperations.update, {
    description: "Rename, re-describe, move or reconfigure an organization.",
    flags: {
      organization_id: organizationFlag,
      name: { help: "new display name" },
      slug: { help: "new slug" },
      description: { value: "text", help: "new description" },
      // commander sets `parent` to false for --no-parent (added below): null makes the organization top-level.
      parent_id: {
        flag: "parent",
        value: "org",
        help: "move under this organization",
        resolve: (given) => ((given as string | false | undefined) === false ? null : given),
      },
      max_allowed_memberships: { flag: "max-members", value: "n", help: "member limit (0 = none)" },
      inherit_ancestor_read: {
        flag: "inherit-read",
        value: "bool",
        help: "members of ancestors may read here (true/false)",
      },
      admin_delete_enabled: false,
    },
    extra: (command) => command.option("--no-parent", "make the organization top-level"),
    examples: ["clerk org update --organization frontend-guild --parent platform-team"],
    render: (updated) => ({ json: updated, text: `Updated organization ${updated.name} (${updated.slug}).` }),
  });

  // Hand-written: it also forgets the default organization (`clerk org use`) when that one is deleted.
  org
    .command("delete")
    .description(
      "Delete an organization with its memberships and roles (refused while it has children unless --recursive).",
    )
    .requiredOption("--organization <org>", "slug, id or name")
    .option("--recursive", "delete child organizations too")
    .addHelpText("after", "\nExample:\n  clerk org delete --organization frontend-guild")
    .action(
      action<{ organization: string; recursive?: boolean }>(async ({ api }, o) => {
        const org = await api.call(orgOperations.get, { params: { organization_id: o.organization } });
        const result = await api.call(orgOperations.delete, {
          params: { organization_id: org.id },
          query: { recursive: o.recursive === true },
        });
        // The default organization may have gone with it (a descendant, with --recursive): forget it if so.
        const chosen = readState().organization;
        if (chosen !== undefined) {
          const gone = await api.call(orgOperations.get, { params: { organization_id: chosen } }).then(
            () => false,
            (error: unknown) => (error as { code?: string }).code === "org.not_found",
          );
          if (gone) writeState({});
        }
        return {
          json: result,
          text: `Deleted organization ${org.name} (${org.slug})${o.recursive ? " and its descendants" : ""}.`,
        };
      }),
    );

  // Hand-written: it remembers the organization in the CLI's state.
  org
    .command("use")
    .description("Remember a default organization for commands that need one (like a kubectl context).")
    .argument("<org>", "slug, id or name")
    .addHelpText("after", "\nExample:\n  clerk org use engineering-team")
    .action(
      action(async ({ api }, _o, args) => {
        const chosen = await api.call(orgOperations.get, { params: { organization_id: args[0] as string } });
        writeState({ ...readState(), organization: chosen.id });
        return { json: chosen, text: `Default organization is now ${chosen.slug}.` };
      }),
    );
}
