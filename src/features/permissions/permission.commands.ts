// `clerk permission …`: the catalogue, and assigning permissions (with scopes and expiry) to roles.
import type { Command } from "commander";
import { table } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { describeGrant, grantJson } from "../grants/index.js";
import { assignPermission, revokePermission } from "../roles/index.js";
import { type Permission, createPermission, deletePermission, listPermissions, updatePermission } from "./index.js";

const permissionJson = (p: Permission) => ({ object: "permission", id: p.id, key: p.key, name: p.name, description: p.description, type: p.type, created_at: p.createdAt, updated_at: p.updatedAt });

export function registerPermissionCommands(program: Command): void {
  const permission = program.command("permission").description("Permissions org:<feature>:<action>, and granting them to roles.");

  permission
    .command("create")
    .description("Add a custom permission to the catalogue (roles and grants also create unknown ones).")
    .requiredOption("--key <key>", "org:<feature>:<action>, or the shorthand <action>:<feature>")
    .option("--name <name>", "display name")
    .option("--description <text>", "what it allows")
    .addHelpText("after", '\nExample:\n  clerk permission create --key "deploy:production" --name "Deploy to production"')
    .action(
      action<{ key: string; name?: string; description?: string }>(async ({ ctx }, o) => {
        const p = await createPermission(ctx, { key: o.key, name: o.name, description: o.description });
        return { json: permissionJson(p), text: `Created permission ${p.key} (${p.name}).` };
      }),
    );

  permission
    .command("list")
    .description("List the permission catalogue: system permissions, then custom ones.")
    .addHelpText("after", "\nExample:\n  clerk permission list --format table")
    .action(
      action(async ({ ctx }) => {
        const all = await listPermissions(ctx);
        return { json: all.map(permissionJson), text: table(["KEY", "NAME", "TYPE", "DESCRIPTION"], all.map((p) => [p.key, p.name, p.type, p.description])) };
      }),
    );

  permission
    .command("update")
    .description("Rename or re-describe a custom permission.")
    .requiredOption("--permission <permission>", "key or id")
    .option("--name <name>", "new display name")
    .option("--description <text>", "new description")
    .addHelpText("after", '\nExample:\n  clerk permission update --permission read:code --description "Clone and browse repositories"')
    .action(
      action<{ permission: string; name?: string; description?: string }>(async ({ ctx }, o) => {
        const p = await updatePermission(ctx, o.permission, { name: o.name, description: o.description });
        return { json: permissionJson(p), text: `Updated permission ${p.key}.` };
      }),
    );

  permission
    .command("delete")
    .description("Delete a custom permission (refused while granted, unless --force revokes it everywhere).")
    .requiredOption("--permission <permission>", "key or id")
    .option("--force", "also revoke it from every role and member")
    .addHelpText("after", "\nExample:\n  clerk permission delete --permission write:rules --force")
    .action(
      action<{ permission: string; force?: boolean }>(async ({ ctx }, o) => {
        const p = await deletePermission(ctx, o.permission, { force: o.force === true });
        return { json: { object: "permission", id: p.id, key: p.key, deleted: true }, text: `Deleted permission ${p.key}.` };
      }),
    );

  permission
    .command("assign")
    .description("Grant a permission to a role, optionally limited to scopes and until a date (re-assigning replaces scopes and expiry).")
    .requiredOption("--role <role>", "name, key or id")
    .option("--organization <org>", "where to look the role up (needed only when several organizations have that role name)")
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option("--scope <scopes>", "comma-separated type:pattern, e.g. repository:frontend-app,repository:*-app or path:docs/")
    .option("--expires <when>", "a date (through that day, UTC) or an ISO time")
    .addHelpText("after", '\nExample:\n  clerk permission assign --role "Developer" --permission "read:code" --scope "repository:*-app"')
    .action(
      action<{ role: string; organization?: string; permission: string; scope?: string; expires?: string }>(async ({ ctx }, o) => {
        const { role, grant, before } = await assignPermission(ctx, o);
        const verb = before ? `Changed ${role.name}'s ${describeGrant(before)} to` : `Granted ${role.name}`;
        return { json: { role: role.key, role_id: role.id, ...grantJson(grant) }, text: `${verb} ${describeGrant(grant)}.` };
      }),
    );

  permission
    .command("revoke")
    .description("Take a permission away from a role.")
    .requiredOption("--role <role>", "name, key or id")
    .option("--organization <org>", "where to look the role up")
    .requiredOption("--permission <permission>", "the permission to remove")
    .addHelpText("after", '\nExample:\n  clerk permission revoke --role "Code Reviewer" --permission "write:comments"')
    .action(
      action<{ role: string; organization?: string; permission: string }>(async ({ ctx }, o) => {
        const role = await revokePermission(ctx, o);
        return { json: { role: role.key, permission: o.permission, deleted: true }, text: `Revoked ${o.permission} from ${role.name}.` };
      }),
    );
}
