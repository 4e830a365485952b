// `clerk role …` (create, list, show, update, delete, defaults) and `clerk permission assign|revoke` (a role's grants).
import type { Command } from "commander";
import { listAll } from "../../cli/api.js";
import { commandNamed, fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { describeGrant } from "../grants/index.js";
import { roleOperations } from "./role.operations.js";

/** A grant as the API returns it. */
interface GrantFields {
  permission: string;
  scopes: string[];
  expires_at: number | null;
}

const described = (g: GrantFields) =>
  describeGrant({ permission: g.permission, scopes: g.scopes, expiresAt: g.expires_at });

const grantText = (grants: readonly GrantFields[]) =>
  grants.map(
    (g) =>
      `${g.permission}${g.scopes.length ? ` [${g.scopes.join(", ")}]` : ""}${g.expires_at ? ` (until ${when(g.expires_at)})` : ""}`,
  );

/**
 * A role named with --organization is looked up there; without it, instance-wide first, then in the one
 * organization that has a role so named: each command calls the endpoint that looks it up that way.
 * `permission assign|revoke` join the permission group, so register them after `registerPermissionCommands`.
 */
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
      action<{
        name: string;
        organization?: string;
        extends?: string;
        permissions?: string;
        description?: string;
        key?: string;
      }>(async ({ api }, o) => {
        const body = {
          name: o.name,
          key: o.key,
          description: o.description,
          extends: o.extends,
          permissions: o.permissions,
        };
        const r =
          o.organization === undefined
            ? await api.call(roleOperations.create, { body })
            : await api.call(roleOperations.createInOrg, { params: { organization_id: o.organization }, body });
        const parents = r.extends_names.length ? `, extending ${r.extends_names.join(", ")}` : "";
        return { json: r, text: `Created role ${r.name} (${r.key}) with ${r.grants.length} permission(s)${parents}.` };
      }),
    );

  role
    .command("list")
    .description(
      "List roles usable in an organization (instance-wide, inherited from ancestors, its own); all roles without --organization.",
    )
    .option("--organization <org>", "slug, id or name")
    .addHelpText("after", '\nExample:\n  clerk role list --organization "engineering-team" --format table')
    .action(
      action<{ organization?: string }>(async ({ api }, o) => {
        const roles =
          o.organization === undefined
            ? await listAll(api, roleOperations.list)
            : await listAll(api, roleOperations.listInOrg, { params: { organization_id: o.organization } });
        return {
          json: roles,
          text: table(
            ["ROLE", "KEY", "ORGANIZATION", "EXTENDS", "PERMISSIONS", "MEMBERS"],
            roles.map((r) => [
              r.name,
              r.key,
              r.organization_slug ?? "(instance)",
              r.extends_names.join(", "),
              r.grants.map((g) => g.permission).join(", "),
              r.members_count,
            ]),
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
      action<{ organization?: string }>(async ({ api }, o, args) => {
        const ref = args[0] as string;
        const r =
          o.organization === undefined
            ? await api.call(roleOperations.get, { params: { role: ref } })
            : await api.call(roleOperations.getInOrg, { params: { organization_id: o.organization, role: ref } });
        return {
          json: r,
          text: fields([
            ["Role", r.name],
            ["Key", r.key],
            ["ID", r.id],
            ["Description", r.description],
            ["Extends", r.extends_names.join(", ")],
            ["Permissions", grantText(r.grants).join("\n             ")],
            [
              "Can do",
              grantText(r.effective_grants)
                .map((line, i) => {
                  const g = r.effective_grants[i];
                  return g?.inherited ? `${line} (from ${g.from_role_name})` : line;
                })
                .join("\n             "),
            ],
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
    .option("--extends <roles>", 'replace the parents ("" for none)')
    .option("--add-permissions <permissions>", "comma-separated permissions to add")
    .option("--remove-permissions <permissions>", "comma-separated permissions to remove")
    .addHelpText("after", '\nExample:\n  clerk role update --role "Senior Reviewer" --add-permissions "write:rules"')
    .action(
      action<{
        role: string;
        organization?: string;
        name?: string;
        description?: string;
        extends?: string;
        addPermissions?: string;
        removePermissions?: string;
      }>(async ({ api }, o) => {
        const body = {
          name: o.name,
          description: o.description,
          extends: o.extends,
          add_permissions: o.addPermissions,
          remove_permissions: o.removePermissions,
        };
        const r =
          o.organization === undefined
            ? await api.call(roleOperations.update, { params: { role: o.role }, body })
            : await api.call(roleOperations.updateInOrg, {
                params: { organization_id: o.organization, role: o.role },
                body,
              });
        return { json: r, text: `Updated role ${r.name} (${r.key}).` };
      }),
    );

  role
    .command("delete")
    .description("Delete a role (refused for the creator/default role, a role members hold, or one others extend).")
    .requiredOption("--role <role>", "name, key or id")
    .option("--organization <org>", "where to look the role up")
    .addHelpText(
      "after",
      '\nExample:\n  clerk role delete --role "Documentation Writer" --organization engineering-team',
    )
    .action(
      action<{ role: string; organization?: string }>(async ({ api }, o) => {
        const r =
          o.organization === undefined
            ? await api.call(roleOperations.delete, { params: { role: o.role } })
            : await api.call(roleOperations.deleteInOrg, { params: { organization_id: o.organization, role: o.role } });
        return { json: r, text: `Deleted role ${r.name} (${r.key}).` };
      }),
    );

  role
    .command("defaults")
    .description(
      "Show or set the creator role (given to whoever creates an organization) and the default role (new members).",
    )
    .option("--creator-role <role>", "instance-wide role for organization creators")
    .option("--default-role <role>", "instance-wide role for new members")
    .addHelpText("after", '\nExample:\n  clerk role defaults --default-role "org:member"')
    .action(
      action<{ creatorRole?: string; defaultRole?: string }>(async ({ api }, o) => {
        const d =
          o.creatorRole || o.defaultRole
            ? await api.call(roleOperations.setDefaults, {
                body: { creator_role: o.creatorRole, default_role: o.defaultRole },
              })
            : await api.call(roleOperations.defaults);
        return {
          json: d,
          text: fields([
            ["Creator role", `${d.creator_role_name} (${d.creator_role})`],
            ["Default role", `${d.default_role_name} (${d.default_role})`],
          ]),
        };
      }),
    );

  const permission = commandNamed(program, "permission");
  permission
    .command("assign")
    .description(
      "Grant a permission to a role, optionally limited to scopes and until a date (re-assigning replaces scopes and expiry).",
    )
    .requiredOption("--role <role>", "name, key or id")
    .option(
      "--organization <org>",
      "where to look the role up (needed only when several organizations have that role name)",
    )
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option(
      "--scope <scopes>",
      "comma-separated type:pattern, e.g. repository:frontend-app,repository:*-app or path:docs/",
    )
    .option("--expires <when>", "a date (through that day, UTC) or an ISO time")
    .addHelpText(
      "after",
      '\nExample:\n  clerk permission assign --role "Developer" --permission "read:code" --scope "repository:*-app"',
    )
    .action(
      action<{ role: string; organization?: string; permission: string; scope?: string; expires?: string }>(
        async ({ api }, o) => {
          const body = { scopes: o.scope, expires_at: o.expires };
          const g =
            o.organization === undefined
              ? await api.call(roleOperations.grant, { params: { role: o.role, permission: o.permission }, body })
              : await api.call(roleOperations.grantInOrg, {
                  params: { organization_id: o.organization, role: o.role, permission: o.permission },
                  body,
                });
          const verb = g.previous ? `Changed ${g.role_name}'s ${described(g.previous)} to` : `Granted ${g.role_name}`;
          return { json: g, text: `${verb} ${described(g)}.` };
        },
      ),
    );

  permission
    .command("revoke")
    .description("Take a permission away from a role.")
    .requiredOption("--role <role>", "name, key or id")
    .option("--organization <org>", "where to look the role up")
    .requiredOption("--permission <permission>", "the permission to remove")
    .addHelpText("after", '\nExample:\n  clerk permission revoke --role "Code Reviewer" --permission "write:comments"')
    .action(
      action<{ role: string; organization?: string; permission: string }>(async ({ api }, o) => {
        const r =
          o.organization === undefined
            ? await api.call(roleOperations.revoke, { params: { role: o.role, permission: o.permission } })
            : await api.call(roleOperations.revokeInOrg, {
                params: { organization_id: o.organization, role: o.role, permission: o.permission },
              });
        return { json: r, text: `Revoked ${o.permission} from ${r.name}.` };
      }),
    );
}
