// `clerk permission …`: the catalogue (granting permissions to roles is the roles feature's `permission assign|revoke`).
import type { Command } from "commander";
import { listAll } from "../../cli/api.js";
import { table } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { permissionEndpoints } from "./permission.routes.js";

/** The catalogue's own order: system permissions first, then by key. */
const catalogueOrder = (a: { type: string; key: string }, b: { type: string; key: string }) =>
  a.type === b.type ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.type === "system" ? -1 : 1;

export function registerPermissionCommands(program: Command): void {
  const permission = program
    .command("permission")
    .description("Permissions org:<feature>:<action>, and granting them to roles.");

  permission
    .command("create")
    .description("Add a custom permission to the catalogue (roles and grants also create unknown ones).")
    .requiredOption("--key <key>", "org:<feature>:<action>, or the shorthand <action>:<feature>")
    .option("--name <name>", "display name")
    .option("--description <text>", "what it allows")
    .addHelpText(
      "after",
      '\nExample:\n  clerk permission create --key "deploy:production" --name "Deploy to production"',
    )
    .action(
      action<{ key: string; name?: string; description?: string }>(async ({ api }, o) => {
        const p = await api.call(permissionEndpoints.create, {
          body: { key: o.key, name: o.name, description: o.description },
        });
        return { json: p, text: `Created permission ${p.key} (${p.name}).` };
      }),
    );

  permission
    .command("list")
    .description("List the permission catalogue: system permissions, then custom ones.")
    .addHelpText("after", "\nExample:\n  clerk permission list --format table")
    .action(
      action(async ({ api }) => {
        const all = (await listAll(api, permissionEndpoints.list, { query: { order_by: "key" } })).sort(catalogueOrder);
        return {
          json: all,
          text: table(
            ["KEY", "NAME", "TYPE", "DESCRIPTION"],
            all.map((p) => [p.key, p.name, p.type, p.description]),
          ),
        };
      }),
    );

  permission
    .command("update")
    .description("Rename or re-describe a custom permission.")
    .requiredOption("--permission <permission>", "key or id")
    .option("--name <name>", "new display name")
    .option("--description <text>", "new description")
    .addHelpText(
      "after",
      '\nExample:\n  clerk permission update --permission read:code --description "Clone and browse repositories"',
    )
    .action(
      action<{ permission: string; name?: string; description?: string }>(async ({ api }, o) => {
        const p = await api.call(permissionEndpoints.update, {
          params: { permission_id: o.permission },
          body: { name: o.name, description: o.description },
        });
        return { json: p, text: `Updated permission ${p.key}.` };
      }),
    );

  permission
    .command("delete")
    .description("Delete a custom permission (refused while granted, unless --force revokes it everywhere).")
    .requiredOption("--permission <permission>", "key or id")
    .option("--force", "also revoke it from every role and member")
    .addHelpText("after", "\nExample:\n  clerk permission delete --permission write:rules --force")
    .action(
      action<{ permission: string; force?: boolean }>(async ({ api }, o) => {
        const p = await api.call(permissionEndpoints.delete, {
          params: { permission_id: o.permission },
          query: { force: o.force === true ? "true" : "false" },
        });
        return { json: p, text: `Deleted permission ${p.key}.` };
      }),
    );
}
