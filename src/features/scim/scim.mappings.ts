// Group-to-role mappings: members of a SCIM group named so (any case) hold the role; changing a mapping re-syncs the
// roles of that group's current members in the same transaction.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, resolveOrg } from "../orgs/index.js";
import { roleRefsById } from "../policy/index.js";
import { resolveRole } from "../roles/index.js";
import { syncRoles } from "./scim.access.js";
import { scimMappingNotFound } from "./scim.errors.js";

/** One mapping as listed. */
export interface GroupMapping {
  group: string;
  role: { id: string; key: string; name: string };
  createdAt: number;
}

const groupKey = (name: string) => name.trim().toLowerCase();

function assertMayManage(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, { kind: "instance_admin", what, why: "a mapped group gives its SCIM members the role" });
}

/** The SCIM users in the organization's group named `key`. */
function groupMembers(tx: ServiceContext, org: Organization, key: string) {
  return tx.db
    .selectFrom("scim_group_members")
    .innerJoin("scim_groups", "scim_groups.id", "scim_group_members.group_id")
    .innerJoin("scim_users", "scim_users.id", "scim_group_members.scim_user_id")
    .select(["scim_users.id", "scim_users.user_id"])
    .where("scim_groups.organization_id", "=", org.id)
    .where("scim_groups.display_key", "=", key)
    .execute();
}

/** Re-syncs the roles of the current members of the organization's group named `key`. */
async function resyncGroup(tx: ServiceContext, org: Organization, key: string): Promise<void> {
  for (const m of await groupMembers(tx, org, key)) await syncRoles(tx, org, { id: m.id, userId: m.user_id });
}

/** The organization's mappings, by group then when they were made. */
export async function listGroupMappings(ctx: ServiceContext, organization: string): Promise<GroupMapping[]> {
  assertMayManage(ctx, "list SCIM group mappings");
  const org = await resolveOrg(ctx, organization);
  const rows = await ctx.db
    .selectFrom("scim_group_roles")
    .select(["group_name", "role_id", "created_at"])
    .where("organization_id", "=", org.id)
    .orderBy("group_key")
    .orderBy("created_at")
    .execute();
  const roles = await roleRefsById(
    ctx.db,
    rows.map((r) => r.role_id),
  );
  // A mapping whose role was deleted since maps to nothing.
  return rows.flatMap((r) => {
    const role = roles.get(r.role_id);
    return role ? [{ group: r.group_name, role, createdAt: r.created_at }] : [];
  });
}

/** Maps a group to a role (a group may map to several roles); mapping again is a no-op. */
export async function mapGroup(
  ctx: ServiceContext,
  input: { organization: string; group: string; role: string },
): Promise<GroupMapping> {
  assertMayManage(ctx, "map SCIM groups to roles");
  const group = input.group.trim();
  if (group === "" || group.length > 256)
    throw new ClerkError(
      "input.invalid",
      "group: give the group's display name as the IdP sends it (1 to 256 characters).",
      { param: "group" },
    );
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const role = await resolveRole(tx, input.role, org.id);
    const existing = await tx.db
      .selectFrom("scim_group_roles")
      .select("created_at")
      .where("organization_id", "=", org.id)
      .where("group_key", "=", groupKey(group))
      .where("role_id", "=", role.id)
      .executeTakeFirst();
    const now = tx.clock.now();
    const mapping = {
      group,
      role: { id: role.id, key: role.key, name: role.name },
      createdAt: existing?.created_at ?? now,
    };
    if (existing) return mapping;
    await tx.db
      .insertInto("scim_group_roles")
      .values({
        id: newId("scimgr", now),
        organization_id: org.id,
        group_name: group,
        group_key: groupKey(group),
        role_id: role.id,
        created_at: now,
      })
      .execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "scim.group_mapped",
      target: { type: "scim_group_mapping", id: role.id, label: group },
      after: { group, role: role.key },
    });
    await resyncGroup(tx, org, groupKey(group));
    return mapping;
  });
}

/** Removes a group's mapping to one role, or to every role when `role` is not given; its members lose those roles. */
export async function unmapGroup(
  ctx: ServiceContext,
  input: { organization: string; group: string; role?: string | undefined },
): Promise<GroupMapping[]> {
  assertMayManage(ctx, "unmap SCIM groups");
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const key = groupKey(input.group);
    const roleId = input.role === undefined ? undefined : (await resolveRole(tx, input.role, org.id)).id;
    const removed = (await listGroupMappings(tx, org.id)).filter(
      (m) => groupKey(m.group) === key && (roleId === undefined || m.role.id === roleId),
    );
    if (removed.length === 0) throw scimMappingNotFound(input.group, org.slug);
    let q = tx.db.deleteFrom("scim_group_roles").where("organization_id", "=", org.id).where("group_key", "=", key);
    if (roleId !== undefined) q = q.where("role_id", "=", roleId);
    await q.execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "scim.group_unmapped",
      target: { type: "scim_group_mapping", id: removed[0]?.role.id ?? key, label: input.group.trim() },
      before: { group: input.group.trim(), roles: removed.map((m) => m.role.key) },
    });
    await dropUnmappedRoles(
      tx,
      org,
      key,
      removed.map((m) => m.role.id),
    );
    return removed;
  });
}

/** After an unmap: the group's members lose the roles no other group of theirs still maps to. */
async function dropUnmappedRoles(tx: ServiceContext, org: Organization, key: string, roleIds: string[]): Promise<void> {
  for (const m of await groupMembers(tx, org, key)) await syncRoles(tx, org, { id: m.id, userId: m.user_id }, roleIds);
}
