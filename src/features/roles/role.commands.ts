// `clerk role …`: create, list, show, update, delete, defaults.
import type { Command } from "commander";
import { fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { type Role, createRole, deleteRole, getRoleDefaults, listRoles, resolveRole, setRoleDefaults, updateRole } from "./index.js";

export const roleJson = (r: Role) => ({
  object: "role",
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  organization_id: r.organizationId,
  extends: r.parents.map((p) => p.key),
  permissions: r.grants.map((g) => ({ permission: g.permission, scopes: g.scopes, expires_at: g.expiresAt })),
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

const grantText = (r: Role) =>
  r.grants.map((g) => `${g.permission}${g.scopes.length ? ` [${g.scopes.join(", ")}]` : ""}${g.expiresAt ? ` (until ${when(g.expiresAt)})` : ""}`);

export function registerRoleCommands(program: Command): void {
  const role = program.command("role").description("Roles: named sets of permissions, which may extend other roles.");

  role
    .command("create")
    .description("Create a role in an organization (or instance-wide without --organization).")
    .requiredOption("--name <name>", "display name; the key is org:<name in snake_case>")
    .option("--organization <org>", "the organization the role belongs to (omit for an instance-wide role)")
    .option("--extends <roles>", "parent role(s), comma-separated; the role holds their permissions too")
    .option("--permissions <permissions>", "comma-separated, e.g. read:code,approve:pull-requests")
    .option("--description <text>", "what the role is for")
    .option("--key <key>", "explicit key, org:<name>")
    .addHelpText(
      "after",
      '\nExample:\n  clerk role create --name "Code Reviewer" --organization "engineering-team" --permissions "read:code,read:reviews,write:comments,approve:pull-requests"',
    )
    .action(
      action<{ name: string; organization?: string; extends?: string; permissions?: string; description?: string; key?: string }>(async ({ ctx }, o) => {
        const r = await createRole(ctx, { name: o.name, organization: o.organization, extends: o.extends, permissions: o.permissions, description: o.description, key: o.key });
        const parents = r.parents.length ? `, extending ${r.parents.map((p) => p.name).join(", ")}` : "";
        return { json: roleJson(r), text: `Created role ${r.name} (${r.key}) with ${r.grants.length} permission(s)${parents}.` };
      }),
    );

  role
    .command("list")
    .description("List roles usable in an organization (instance-wide, inherited from ancestors, its own); all roles without --organization.")
    .option("--organization <org>", "slug, id or name")
    .addHelpText("after", '\nExample:\n  clerk role list --organization "engineering-team" --format table')
    .action(
      action<{ organization?: string }>(async ({ ctx }, o) => {
        const roles = await listRoles(ctx, o.organization);
        const orgSlugs = new Map((await ctx.db.selectFrom("organizations").select(["id", "slug"]).execute()).map((x) => [x.id, x.slug]));
        return {
          json: roles.map((r) => ({ ...roleJson(r), members: r.members })),
          text: table(
            ["ROLE", "KEY", "ORGANIZATION", "EXTENDS", "PERMISSIONS", "MEMBERS"],
            roles.map((r) => [r.name, r.key, r.organizationId ? orgSlugs.get(r.organizationId) : "(instance)", r.parents.map((p) => p.name).join(", "), r.grants.map((g) => g.permission).join(", "), r.members]),
          ),
        };
      }),
    );

  role
    .command("show")
    .description("Show one role: parents, own grants with scopes and expiry.")
    .argument("<role>", "name, key or id")
    .option("--organization <org>", "where to look the role up")
    .addHelpText("after", '\nExample:\n  clerk role show "Senior Reviewer" --organization engineering-team')
    .action(
      action<{ organization?: string }>(async ({ ctx }, o, args) => {
        const r = await resolveRole(ctx, args[0] as string, o.organization);
        return {
          json: roleJson(r),
          text: fields([
            ["Role", r.name],
            ["Key", r.key],
            ["ID", r.id],
            ["Description", r.description],
            ["Extends", r.parents.map((p) => p.name).join(", ")],
            ["Permissions", grantText(r).join("\n             ")],
          ]),
        };
      }),
    );

  role
    .command("update")
    .description("Rename a role, change its parents, add or remove permissions.")
    .requiredOption("--role <role>", "name, key or id")
    .option("--organization <org>", "where to look the role up")
    .option("--name <name>", "new name")
    .option("--description <text>", "new description")
    .option("--extends <roles>", "replace the parents (\"\" for none)")
    .option("--add-permissions <permissions>", "comma-separated permissions to add")
    .option("--remove-permissions <permissions>", "comma-separated permissions to remove")
    .addHelpText("after", '\nExample:\n  clerk role update --role "Senior Reviewer" --add-permissions "write:rules"')
    .action(
      action<{ role: string; organization?: string; name?: string; description?: string; extends?: string; addPermissions?: string; removePermissions?: string }>(
        async ({ ctx }, o) => {
          const r = await updateRole(ctx, o.role, {
            organization: o.organization,
            name: o.name,
            description: o.description,
            extends: o.extends,
            addPermissions: o.addPermissions,
            removePermissions: o.removePermissions,
          });
          return { json: roleJson(r), text: `Updated role ${r.name} (${r.key}).` };
        },
      ),
    );

  role
    .command("delete")
    .description("Delete a role (refused for the creator/default role, a role members hold, or one others extend).")
    .requiredOption("--role <role>", "name, key or id")
    .option("--organization <org>", "where to look the role up")
    .addHelpText("after", '\nExample:\n  clerk role delete --role "Documentation Writer" --organization engineering-team')
    .action(
      action<{ role: string; organization?: string }>(async ({ ctx }, o) => {
        const r = await deleteRole(ctx, o.role, o.organization);
        return { json: { object: "role", id: r.id, key: r.key, deleted: true }, text: `Deleted role ${r.name} (${r.key}).` };
      }),
    );

  role
    .command("defaults")
    .description("Show or set the creator role (given to whoever creates an organization) and the default role (new members).")
    .option("--creator-role <role>", "instance-wide role for organization creators")
    .option("--default-role <role>", "instance-wide role for new members")
    .addHelpText("after", '\nExample:\n  clerk role defaults --default-role "org:member"')
    .action(
      action<{ creatorRole?: string; defaultRole?: string }>(async ({ ctx }, o) => {
        const d = o.creatorRole || o.defaultRole ? await setRoleDefaults(ctx, { creator: o.creatorRole, default: o.defaultRole }) : await getRoleDefaults(ctx);
        return {
          json: { creator_role: d.creator.key, default_role: d.default.key },
          text: fields([
            ["Creator role", `${d.creator.name} (${d.creator.key})`],
            ["Default role", `${d.default.name} (${d.default.key})`],
          ]),
        };
      }),
    );
}
