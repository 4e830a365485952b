// SCIM Groups of one organization: stored with their members (SCIM users of the same organization); a group's
// members hold the roles its name is mapped to (`clerk scim map-group`), re-synced whenever membership or name moves.
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { syncRoles } from "./scim.access.js";
import { invalidValue, notFound, uniqueness } from "./scim.errors.js";
import { simpleEquality } from "./scim.filter.js";
import { type ListQuery, listResponse, metaOf } from "./scim.list.js";
import { GROUP_SCHEMA, applyPatch, resourceIn } from "./scim.schema.js";
import type { ScimGroupsTable } from "./scim.table.js";
import { type ScimScope, assertIfMatch } from "./scim.users.js";

type Resource = Record<string, unknown>;
interface Member {
  value: string;
  display: string;
}

async function membersOf(tx: ServiceContext, groupIds: readonly string[]): Promise<Map<string, Member[]>> {
  const out = new Map<string, Member[]>();
  for (let i = 0; i < groupIds.length; i += 500) {
    const rows = await tx.db
      .selectFrom("scim_group_members")
      .innerJoin("scim_users", "scim_users.id", "scim_group_members.scim_user_id")
      .select(["scim_group_members.group_id", "scim_users.id", "scim_users.user_name_key"])
      .where("scim_group_members.group_id", "in", groupIds.slice(i, i + 500))
      .orderBy("scim_users.user_name_key")
      .execute();
    for (const r of rows)
      out.set(r.group_id, [...(out.get(r.group_id) ?? []), { value: r.id, display: r.user_name_key }]);
  }
  return out;
}

function answer(scope: ScimScope, row: ScimGroupsTable, members: Member[]): Resource {
  const data = JSON.parse(row.data) as Resource;
  const location = `${scope.base}/Groups/${row.id}`;
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    displayName: data.displayName,
    members: members.map((m) => ({ ...m, $ref: `${scope.base}/Users/${m.value}`, type: "User" })),
    meta: metaOf("Group", location, row),
  };
}

async function rowById(tx: ServiceContext, scope: ScimScope, id: string): Promise<ScimGroupsTable> {
  const row = await tx.db
    .selectFrom("scim_groups")
    .selectAll()
    .where("organization_id", "=", scope.org.id)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("Group", id);
  return row;
}

async function answerRow(tx: ServiceContext, scope: ScimScope, row: ScimGroupsTable) {
  return answer(scope, row, (await membersOf(tx, [row.id])).get(row.id) ?? []);
}

/** GET /Groups/{id}. */
export async function getScimGroup(tx: ServiceContext, scope: ScimScope, id: string): Promise<Resource> {
  return answerRow(tx, scope, await rowById(tx, scope, id));
}

/** GET /Groups: displayName, externalId or id equality reads by index; anything else reads them all. */
export async function listScimGroups(tx: ServiceContext, scope: ScimScope, q: ListQuery) {
  let query = tx.db.selectFrom("scim_groups").selectAll().where("organization_id", "=", scope.org.id);
  const eq = q.filter ? simpleEquality(q.filter) : undefined;
  if (eq?.attribute === "displayname") query = query.where("display_key", "=", eq.value.trim().toLowerCase());
  else if (eq?.attribute === "externalid") query = query.where("external_id", "=", eq.value);
  else if (eq?.attribute === "id") query = query.where("id", "=", eq.value);
  const rows = await query.orderBy("created_at").orderBy("id").execute();
  const excludesMembers = q.excluded?.some((p) => p.length === 1 && p[0] === "members");
  const members = excludesMembers
    ? new Map<string, Member[]>()
    : await membersOf(
        tx,
        rows.map((r) => r.id),
      );
  return listResponse(
    rows.map((r) => answer(scope, r, members.get(r.id) ?? [])),
    q,
  );
}

/** The member ids of a resource, each checked to be a SCIM user of this organization. */
async function memberIds(tx: ServiceContext, scope: ScimScope, resource: Resource): Promise<string[]> {
  const raw = Array.isArray(resource.members) ? (resource.members as { value?: unknown }[]) : [];
  const ids = [...new Set(raw.map((m) => String(m.value ?? "")))];
  if (ids.length > 10_000) throw invalidValue("A group holds at most 10 000 members per request.");
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.db
      .selectFrom("scim_users")
      .select("id")
      .where("organization_id", "=", scope.org.id)
      .where("id", "in", ids.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.id);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length)
    throw invalidValue(
      `members: no User ${missing
        .slice(0, 5)
        .map((m) => `"${m}"`)
        .join(", ")} in this organization; provision users before pushing them in a group.`,
    );
  return ids;
}

function displayNameOf(resource: Resource): string {
  const name = typeof resource.displayName === "string" ? resource.displayName.trim() : "";
  if (name === "" || name.length > 256) throw invalidValue("displayName is required (1 to 256 characters).");
  return name;
}

async function assertNameFree(tx: ServiceContext, scope: ScimScope, name: string, self?: string) {
  const clash = await tx.db
    .selectFrom("scim_groups")
    .select("id")
    .where("organization_id", "=", scope.org.id)
    .where("display_key", "=", name.toLowerCase())
    .executeTakeFirst();
  if (clash && clash.id !== self)
    throw uniqueness(`A group named "${name}" already exists in this organization (id ${clash.id}).`);
}

/** Re-syncs the roles of these SCIM users. */
async function resync(tx: ServiceContext, scope: ScimScope, scimUserIds: readonly string[]) {
  if (scimUserIds.length === 0) return;
  for (let i = 0; i < scimUserIds.length; i += 500) {
    const rows = await tx.db
      .selectFrom("scim_users")
      .select(["id", "user_id"])
      .where("id", "in", scimUserIds.slice(i, i + 500))
      .execute();
    for (const r of rows) await syncRoles(tx, scope.org, { id: r.id, userId: r.user_id });
  }
}

/** POST /Groups. */
export async function createScimGroup(tx: ServiceContext, scope: ScimScope, body: unknown): Promise<Resource> {
  const resource = resourceIn("Group", body);
  const name = displayNameOf(resource);
  await assertNameFree(tx, scope, name);
  const members = await memberIds(tx, scope, resource);
  const now = tx.clock.now();
  const row: ScimGroupsTable = {
    id: newId("scimg", now),
    organization_id: scope.org.id,
    display_key: name.toLowerCase(),
    external_id: typeof resource.externalId === "string" ? resource.externalId : null,
    data: JSON.stringify({ displayName: name }),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await tx.db.insertInto("scim_groups").values(row).execute();
  if (members.length)
    await tx.db
      .insertInto("scim_group_members")
      .values(members.map((m) => ({ group_id: row.id, scim_user_id: m })))
      .execute();
  await recordAudit(tx, {
    organizationId: scope.org.id,
    action: "scim.group_created",
    target: { type: "scim_group", id: row.id, label: name },
    after: { displayName: name, externalId: row.external_id, members },
  });
  await resync(tx, scope, members);
  return answerRow(tx, scope, row);
}

/** Writes a group's new name and members (PUT, or a PATCH's result); only what changed moves roles. */
async function writeGroup(
  tx: ServiceContext,
  scope: ScimScope,
  row: ScimGroupsTable,
  resource: Resource,
  action: string,
) {
  const name = displayNameOf(resource);
  await assertNameFree(tx, scope, name, row.id);
  const next = await memberIds(tx, scope, resource);
  const had = (await membersOf(tx, [row.id])).get(row.id)?.map((m) => m.value) ?? [];
  const added = next.filter((m) => !had.includes(m));
  const removed = had.filter((m) => !next.includes(m));
  const externalId = typeof resource.externalId === "string" ? resource.externalId : row.external_id;
  const renamed = name.toLowerCase() !== row.display_key;
  const data = JSON.stringify({ displayName: name });
  if (!added.length && !removed.length && data === row.data && externalId === row.external_id)
    return answerRow(tx, scope, row);
  const now = tx.clock.now();
  await tx.db
    .updateTable("scim_groups")
    .set({ display_key: name.toLowerCase(), external_id: externalId, data, version: row.version + 1, updated_at: now })
    .where("id", "=", row.id)
    .execute();
  if (removed.length)
    await tx.db
      .deleteFrom("scim_group_members")
      .where("group_id", "=", row.id)
      .where("scim_user_id", "in", removed)
      .execute();
  if (added.length)
    await tx.db
      .insertInto("scim_group_members")
      .values(added.map((m) => ({ group_id: row.id, scim_user_id: m })))
      .execute();
  await recordAudit(tx, {
    organizationId: scope.org.id,
    action,
    target: { type: "scim_group", id: row.id, label: name },
    before: { displayName: (JSON.parse(row.data) as Resource).displayName },
    after: { displayName: name, members_added: added, members_removed: removed },
  });
  await resync(tx, scope, renamed ? [...new Set([...had, ...next])] : [...added, ...removed]);
  return answerRow(tx, scope, {
    ...row,
    display_key: name.toLowerCase(),
    external_id: externalId,
    data,
    version: row.version + 1,
    updated_at: now,
  });
}

/** PUT /Groups/{id}. */
export async function replaceScimGroup(
  tx: ServiceContext,
  scope: ScimScope,
  id: string,
  body: unknown,
  ifMatch?: string,
) {
  const row = await rowById(tx, scope, id);
  assertIfMatch(ifMatch, row.version);
  return writeGroup(tx, scope, row, resourceIn("Group", body), "scim.group_replaced");
}

/** PATCH /Groups/{id}: Okta's and Entra's member adds and removes, renames. */
export async function patchScimGroup(
  tx: ServiceContext,
  scope: ScimScope,
  id: string,
  body: unknown,
  ifMatch?: string,
) {
  const row = await rowById(tx, scope, id);
  assertIfMatch(ifMatch, row.version);
  const { meta: _meta, ...current } = await answerRow(tx, scope, row);
  current.members = (current.members as Member[]).map((m) => ({ value: m.value, display: m.display }));
  return writeGroup(tx, scope, row, await applyPatch("Group", current, body), "scim.group_updated");
}

/** DELETE /Groups/{id}: its members lose the roles it gave them. */
export async function deleteScimGroup(
  tx: ServiceContext,
  scope: ScimScope,
  id: string,
  ifMatch?: string,
): Promise<void> {
  const row = await rowById(tx, scope, id);
  assertIfMatch(ifMatch, row.version);
  const had = (await membersOf(tx, [row.id])).get(row.id)?.map((m) => m.value) ?? [];
  await tx.db.deleteFrom("scim_group_members").where("group_id", "=", row.id).execute();
  await tx.db.deleteFrom("scim_groups").where("id", "=", row.id).execute();
  await recordAudit(tx, {
    organizationId: scope.org.id,
    action: "scim.group_deleted",
    target: { type: "scim_group", id: row.id, label: String((JSON.parse(row.data) as Resource).displayName) },
    before: { members: had },
  });
  await resync(tx, scope, had);
}
