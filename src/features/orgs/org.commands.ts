// `clerk org …`: create, info, list, update, delete, use.
import type { Command } from "commander";
import { listAll } from "../../cli/api.js";
import { organizationOrDefault, writeState, readState } from "../../cli/context.js";
import { fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { orgEndpoints } from "./org.routes.js";

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ClerkError("input.invalid", `"${value}" is not a whole number ≥ 0 (0 means no limit).`, {
      param: "max-members",
    });
  return n;
}

function parseBool(value: string): boolean {
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new ClerkError("input.invalid", `"${value}" is not true or false.`, { param: "inherit-read" });
}

export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("Organizations: create, inspect, nest, update, delete.");

  org
    .command("create")
    .description("Create an organization (the slug comes from the name).")
    .requiredOption("--name <name>", 'display name, e.g. "Engineering Team"')
    .option("--description <text>", "what the organization is for")
    .option("--parent <org>", "parent organization (slug, id or name) to nest under")
    .option("--slug <slug>", "explicit slug instead of one made from the name")
    .option("--max-members <n>", "member limit (0 = none)")
    .addHelpText(
      "after",
      '\nExample:\n  clerk org create --name "Engineering Team" --description "Software development and DevOps"',
    )
    .action(
      action<{ name: string; description?: string; parent?: string; slug?: string; maxMembers?: string }>(
        async ({ api }, o) => {
          const created = await api.call(orgEndpoints.create, {
            body: {
              name: o.name,
              description: o.description,
              parent_id: o.parent,
              slug: o.slug,
              max_allowed_memberships: o.maxMembers === undefined ? undefined : parseCount(o.maxMembers),
            },
          });
          return { json: created, text: `Created organization ${created.name} (${created.slug}, ${created.id}).` };
        },
      ),
    );

  org
    .command("info")
    .description("Show an organization: members, roles, parent and children.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", '\nExample:\n  clerk org info --organization "engineering-team"')
    .action(
      action<{ organization?: string }>(async ({ api }, o) => {
        const info = await api.call(orgEndpoints.info, {
          params: { organization_id: organizationOrDefault(o.organization) },
        });
        const text = fields([
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
        ]);
        return { json: info, text };
      }),
    );

  org
    .command("list")
    .description("List organizations as a tree.")
    .addHelpText("after", "\nExample:\n  clerk org list --format table")
    .action(
      action(async ({ api }) => {
        const tree = await listAll(api, orgEndpoints.tree);
        return {
          json: tree,
          text: table(
            ["ORGANIZATION", "SLUG", "ID", "DESCRIPTION"],
            tree.map((e) => [`${"  ".repeat(e.depth)}${e.depth ? "└ " : ""}${e.name}`, e.slug, e.id, e.description]),
          ),
        };
      }),
    );

  org
    .command("update")
    .description("Rename, re-describe, move or reconfigure an organization.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--name <name>", "new display name")
    .option("--slug <slug>", "new slug")
    .option("--description <text>", "new description")
    .option("--parent <org>", "move under this organization")
    .option("--no-parent", "make the organization top-level")
    .option("--max-members <n>", "member limit (0 = none)")
    .option("--inherit-read <bool>", "members of ancestors may read here (true/false)")
    .addHelpText("after", "\nExample:\n  clerk org update --organization frontend-guild --parent platform-team")
    .action(
      action<{
        organization?: string;
        name?: string;
        slug?: string;
        description?: string;
        parent?: string | false;
        maxMembers?: string;
        inheritRead?: string;
      }>(async ({ api }, o) => {
        const updated = await api.call(orgEndpoints.update, {
          params: { organization_id: organizationOrDefault(o.organization) },
          body: {
            name: o.name,
            slug: o.slug,
            description: o.description,
            parent_id: o.parent === false ? null : o.parent,
            max_allowed_memberships: o.maxMembers === undefined ? undefined : parseCount(o.maxMembers),
            inherit_ancestor_read: o.inheritRead === undefined ? undefined : parseBool(o.inheritRead),
          },
        });
        return { json: updated, text: `Updated organization ${updated.name} (${updated.slug}).` };
      }),
    );

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
        const result = await api.call(orgEndpoints.delete, {
          params: { organization_id: o.organization },
          query: { recursive: o.recursive === true },
        });
        const chosen = readState().organization;
        if (result.deleted_organizations.some((d) => d.id === chosen || d.slug === chosen)) writeState({});
        return {
          json: result,
          text: result.deleted_organizations.map((d) => `Deleted organization ${d.name} (${d.slug}).`).join("\n"),
        };
      }),
    );

  org
    .command("use")
    .description("Remember a default organization for commands that need one (like a kubectl context).")
    .argument("<org>", "slug, id or name")
    .addHelpText("after", "\nExample:\n  clerk org use engineering-team")
    .action(
      action(async ({ api }, _o, args) => {
        const chosen = await api.call(orgEndpoints.get, { params: { organization_id: args[0] as string } });
        writeState({ ...readState(), organization: chosen.id });
        return { json: chosen, text: `Default organization is now ${chosen.slug}.` };
      }),
    );
}
