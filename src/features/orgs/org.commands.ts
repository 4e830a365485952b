// `clerk org …`: create, info, list, update, delete, use.
import type { Command } from "commander";
import { organizationOrDefault, writeState, readState } from "../../cli/context.js";
import { fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { createOrganization } from "../members/index.js";
import { listRoles } from "../roles/index.js";
import { type Organization, deleteOrg, listOrgTree, orgInfo, resolveOrg, updateOrg } from "./index.js";

const orgJson = (o: Organization) => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  description: o.description,
  parent_id: o.parentId,
  inherit_ancestor_read: o.inheritAncestorRead,
  max_allowed_memberships: o.maxAllowedMemberships,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
});

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ClerkError("input.invalid", `"${value}" is not a whole number ≥ 0 (0 means no limit).`, { param: "max-members" });
  return n;
}

function parseBool(value: string): boolean {
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new ClerkError("input.invalid", `"${value}" is not true or false.`);
}

export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("Organizations: create, inspect, nest, update, delete.");

  org
    .command("create")
    .description("Create an organization (the slug comes from the name).")
    .requiredOption("--name <name>", "display name, e.g. \"Engineering Team\"")
    .option("--description <text>", "what the organization is for")
    .option("--parent <org>", "parent organization (slug, id or name) to nest under")
    .option("--slug <slug>", "explicit slug instead of one made from the name")
    .option("--max-members <n>", "member limit (0 = none)")
    .addHelpText("after", '\nExample:\n  clerk org create --name "Engineering Team" --description "Software development and DevOps"')
    .action(
      action<{ name: string; description?: string; parent?: string; slug?: string; maxMembers?: string }>(async ({ ctx }, o) => {
        const created = await createOrganization(ctx, {
          name: o.name,
          description: o.description,
          parent: o.parent,
          slug: o.slug,
          maxAllowedMemberships: o.maxMembers === undefined ? undefined : parseCount(o.maxMembers),
        });
        return { json: orgJson(created), text: `Created organization ${created.name} (${created.slug}, ${created.id}).` };
      }),
    );

  org
    .command("info")
    .description("Show an organization: members, roles, parent and children.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .addHelpText("after", '\nExample:\n  clerk org info --organization "engineering-team"')
    .action(
      action<{ organization?: string }>(async ({ ctx }, o) => {
        const info = await orgInfo(ctx, organizationOrDefault(o.organization));
        const roles = (await listRoles(ctx, info.organization.id)).filter((r) => r.organizationId === info.organization.id);
        const json = {
          ...orgJson(info.organization),
          parent: info.parent && { id: info.parent.id, slug: info.parent.slug },
          children: info.children.map((c) => ({ id: c.id, slug: c.slug, name: c.name })),
          members_count: info.membersCount,
          roles: roles.map((r) => ({ id: r.id, key: r.key, name: r.name, members: r.members })),
          workflows_count: 0,
        };
        const text = fields([
          ["Name", info.organization.name],
          ["Slug", info.organization.slug],
          ["ID", info.organization.id],
          ["Description", info.organization.description],
          ["Parent", info.parent?.slug],
          ["Children", info.children.map((c) => c.slug).join(", ")],
          ["Members", info.membersCount],
          ["Roles", roles.map((r) => `${r.name} (${r.members})`).join(", ")],
          ["Workflows", 0],
          ["Created", when(info.organization.createdAt)],
        ]);
        return { json, text };
      }),
    );

  org
    .command("list")
    .description("List organizations as a tree.")
    .addHelpText("after", "\nExample:\n  clerk org list --format table")
    .action(
      action(async ({ ctx }) => {
        const tree = await listOrgTree(ctx);
        return {
          json: tree.map((e) => ({ ...orgJson(e.organization), depth: e.depth })),
          text: table(
            ["ORGANIZATION", "SLUG", "ID", "DESCRIPTION"],
            tree.map((e) => [`${"  ".repeat(e.depth)}${e.depth ? "└ " : ""}${e.organization.name}`, e.organization.slug, e.organization.id, e.organization.description]),
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
    .addHelpText("after", '\nExample:\n  clerk org update --organization frontend-guild --parent platform-team')
    .action(
      action<{ organization?: string; name?: string; slug?: string; description?: string; parent?: string | false; maxMembers?: string; inheritRead?: string }>(
        async ({ ctx }, o) => {
          const updated = await updateOrg(ctx, organizationOrDefault(o.organization), {
            name: o.name,
            slug: o.slug,
            description: o.description,
            parent: o.parent === false ? null : o.parent,
            maxAllowedMemberships: o.maxMembers === undefined ? undefined : parseCount(o.maxMembers),
            inheritAncestorRead: o.inheritRead === undefined ? undefined : parseBool(o.inheritRead),
          });
          return { json: orgJson(updated), text: `Updated organization ${updated.name} (${updated.slug}).` };
        },
      ),
    );

  org
    .command("delete")
    .description("Delete an organization with its memberships and roles (refused while it has children unless --recursive).")
    .requiredOption("--organization <org>", "slug, id or name")
    .option("--recursive", "delete child organizations too")
    .addHelpText("after", "\nExample:\n  clerk org delete --organization frontend-guild")
    .action(
      action<{ organization: string; recursive?: boolean }>(async ({ ctx }, o) => {
        const deleted = await deleteOrg(ctx, o.organization, { recursive: o.recursive === true });
        if (deleted.some((d) => d.id === readState().organization || d.slug === readState().organization)) writeState({});
        return {
          json: deleted.map((d) => ({ object: "organization", id: d.id, slug: d.slug, deleted: true })),
          text: deleted.map((d) => `Deleted organization ${d.name} (${d.slug}).`).join("\n"),
        };
      }),
    );

  org
    .command("use")
    .description("Remember a default organization for commands that need one (like a kubectl context).")
    .argument("<org>", "slug, id or name")
    .addHelpText("after", "\nExample:\n  clerk org use engineering-team")
    .action(
      action(async ({ ctx }, _o, args) => {
        const chosen = await resolveOrg(ctx, args[0] as string);
        writeState({ ...readState(), organization: chosen.id });
        return { json: { organization: chosen.slug, id: chosen.id }, text: `Default organization is now ${chosen.slug}.` };
      }),
    );
}
