// `clerk permission …`: the catalogue (granting permissions to roles is the roles feature's `permission assign|revoke`).
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { table } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { permissionOperations } from "./permission.operations.js";

/** The catalogue's own order: system permissions first, then by key. */
const catalogueOrder = (a: { type: string; key: string }, b: { type: string; key: string }) =>
  a.type === b.type ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.type === "system" ? -1 : 1;

export function registerPermissionCommands(program: Command): void {
  const permission = program
    .command("permission")
    .description("Permissions org:<feature>:<action>, and granting them to roles.");

  operationCommand(permission, "create", permissionOperations.create, {
    description: "Add a custom permission to the catalogue (roles and grants also create unknown ones).",
    flags: { description: { value: "text" } },
    examples: ['clerk permission create --key "deploy:production" --name "Deploy to production"'],
    render: (p) => ({ json: p, text: `Created permission ${p.key} (${p.name}).` }),
  });

  operationCommand(permission, "list", permissionOperations.list, {
    description: "List the permission catalogue: system permissions, then custom ones.",
    paged: true,
    flags: { order_by: { fixed: "key" }, query: false },
    examples: ["clerk permission list --format table"],
    render: ({ data }) => {
      const all = [...data].sort(catalogueOrder);
      return {
        json: all,
        text: table(
          ["KEY", "NAME", "TYPE", "DESCRIPTION"],
          all.map((p) => [p.key, p.name, p.type, p.description]),
        ),
      };
    },
  });

  operationCommand(permission, "update", permissionOperations.update, {
    description: "Rename or re-describe a custom permission.",
    flags: { permission_id: { flag: "permission", value: "permission" }, key: false, description: { value: "text" } },
    examples: ['clerk permission update --permission read:code --description "Clone and browse repositories"'],
    render: (p) => ({ json: p, text: `Updated permission ${p.key}.` }),
  });

  // Hand-written: --force is a switch (no value), which the API spells force=true|false.
  permission
    .command("delete")
    .description("Delete a custom permission (refused while granted, unless --force revokes it everywhere).")
    .requiredOption("--permission <permission>", "key or id")
    .option("--force", "also revoke it from every role and member")
    .addHelpText("after", "\nExample:\n  clerk permission delete --permission write:rules --force")
    .action(
      action<{ permission: string; force?: boolean }>(async ({ api }, o) => {
        const p = await api.call(permissionOperations.delete, {
          params: { permission_id: o.permission },
          query: { force: o.force === true ? "true" : "false" },
        });
        return { json: p, text: `Deleted permission ${o.permission} (${p.id}).` };
      }),
    );
}
