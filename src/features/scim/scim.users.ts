// SCIM Users of one organization: a clerk user plus a membership of the organization, with the attributes the IdP
// pushed kept as the resource. `active: false` and DELETE suspend the membership; `active: true` restores it.
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import type { Organization } from "../orgs/index.js";
import { isDashboardAdmin } from "../dashboard/index.js";
import { type MembershipRecord, membershipRecords, organizationIdsOfUser } from "../policy/index.js";
import { ensureUser, parseEmail, syncUserProfile } from "../users/index.js";
import { addScimMember, deactivateMember, membershipOf, reactivateMember, syncRoles } from "./scim.access.js";
import { ScimError, invalidValue, notFound, uniqueness } from "./scim.errors.js";
import { simpleEquality } from "./scim.filter.js";
import { type ListQuery, etagOf, listResponse, metaOf } from "./scim.list.js";
import { ENTERPRISE_SCHEMA, USER_SCHEMA, applyPatch, resourceIn } from "./scim.schema.js";
import type { ScimUsersTable } from "./scim.table.js";

/** Where a SCIM request is served: the organization and the absolute base URL of its SCIM endpoints. */
export interface ScimScope {
  org: Organization;
  base: string;
}

type Resource = Record<string, unknown>;

/** The e-mail a SCIM user's clerk user has: the primary e-mail, else the first work one, else any, else userName. */
function emailOf(resource: Resource): string {
  const emails = Array.isArray(resource.emails)
    ? (resource.emails as { value?: string; type?: string; primary?: boolean }[])
    : [];
  const chosen = emails.find((e) => e.primary === true) ??
    emails.find((e) => e.type === "work") ??
    emails[0] ?? { value: resource.userName as string };
  try {
    return parseEmail(String(chosen.value ?? ""));
  } catch {
    throw invalidValue(
      `A user needs an e-mail address: give emails[{"value":"…","primary":true}], or a userName that is one ("${String(chosen.value)}" is not).`,
    );
  }
}

/** The person's name as the IdP sends it: `name.formatted`, else given and family names, else `displayName`. */
function nameOf(resource: Resource): string | undefined {
  const name = (typeof resource.name === "object" && resource.name !== null ? resource.name : {}) as Resource;
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const parts = [text(name.givenName), text(name.familyName)].filter((x) => x !== undefined);
  return text(name.formatted) ?? (parts.length > 0 ? parts.join(" ") : undefined) ?? text(resource.displayName);
}

/**
 * The IdP is the source of truth for its people: their clerk user takes the name and e-mail it pushes. Only for a
 * user this organization alone holds: a person who is also in another organization, or a dashboard admin, is not
 * this IdP's to rename or re-address (else one tenant's SCIM token could take over another's user by e-mail).
 */
async function syncProfile(tx: ServiceContext, scope: ScimScope, userId: string, resource: Resource): Promise<void> {
  const orgs = await organizationIdsOfUser(tx.db, userId, { includeSuspended: true });
  if (orgs.some((id) => id !== scope.org.id) || (await isDashboardAdmin(tx.db, userId))) return;
  try {
    await syncUserProfile(tx, userId, { name: nameOf(resource), email: emailOf(resource) }, `scim:${scope.org.slug}`);
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "user.email_taken")
      throw uniqueness(`${emailOf(resource)} is another user's e-mail address; this person cannot take it.`);
    throw error;
  }
}

/** The resource as answered: stored attributes, `active` from the membership, its groups, meta. */
function answer(
  scope: ScimScope,
  row: ScimUsersTable,
  membership: MembershipRecord | undefined,
  groups: { value: string; display: string }[],
): Resource {
  const data = JSON.parse(row.data) as Resource;
  const location = `${scope.base}/Users/${row.id}`;
  return {
    schemas: data[ENTERPRISE_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    ...Object.fromEntries(
      Object.entries(data).filter(([k]) => k !== "externalId" && k !== "active" && k !== "schemas"),
    ),
    active: membership !== undefined && membership.suspendedAt === null,
    groups: groups.map((g) => ({ ...g, $ref: `${scope.base}/Groups/${g.value}`, type: "direct" })),
    meta: metaOf("User", location, row),
  };
}

async function groupsOf(
  tx: ServiceContext,
  userIds: readonly string[],
): Promise<Map<string, { value: string; display: string }[]>> {
  const out = new Map<string, { value: string; display: string }[]>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await tx.db
      .selectFrom("scim_group_members")
      .innerJoin("scim_groups", "scim_groups.id", "scim_group_members.group_id")
      .select(["scim_group_members.scim_user_id", "scim_groups.id", "scim_groups.data"])
      .where("scim_group_members.scim_user_id", "in", userIds.slice(i, i + 500))
      .orderBy("scim_groups.display_key")
      .execute();
    for (const r of rows)
      out.set(r.scim_user_id, [
        ...(out.get(r.scim_user_id) ?? []),
        { value: r.id, display: String((JSON.parse(r.data) as Resource).displayName ?? "") },
      ]);
  }
  return out;
}

async function rowById(tx: ServiceContext, scope: ScimScope, id: string): Promise<ScimUsersTable> {
  const row = await tx.db
    .selectFrom("scim_users")
    .selectAll()
    .where("organization_id", "=", scope.org.id)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("User", id);
  return row;
}

async function answerRow(tx: ServiceContext, scope: ScimScope, row: ScimUsersTable): Promise<Resource> {
  return answer(
    scope,
    row,
    await membershipOf(tx, scope.org.id, row.user_id),
    (await groupsOf(tx, [row.id])).get(row.id) ?? [],
  );
}

/** One user, as GET /Users/{id} answers it. */
export async function getScimUser(tx: ServiceContext, scope: ScimScope, id: string): Promise<Resource> {
  return answerRow(tx, scope, await rowById(tx, scope, id));
}

/** GET /Users: a filter on userName, externalId or id alone reads one row by index; anything else reads them all. */
export async function listScimUsers(tx: ServiceContext, scope: ScimScope, q: ListQuery) {
  let query = tx.db.selectFrom("scim_users").selectAll().where("organization_id", "=", scope.org.id);
  const eq = q.filter ? simpleEquality(q.filter) : undefined;
  if (eq?.attribute === "username") query = query.where("user_name_key", "=", eq.value.toLowerCase());
  else if (eq?.attribute === "externalid") query = query.where("external_id", "=", eq.value);
  else if (eq?.attribute === "id") query = query.where("id", "=", eq.value);
  const rows = await query.orderBy("created_at").orderBy("id").execute();
  const memberships =
    rows.length === 1
      ? new Map((await membershipRecords(tx.db, scope.org.id, rows[0]?.user_id)).map((m) => [m.user.id, m]))
      : new Map((rows.length ? await membershipRecords(tx.db, scope.org.id) : []).map((m) => [m.user.id, m]));
  const groups = await groupsOf(
    tx,
    rows.map((r) => r.id),
  );
  return listResponse(
    rows.map((r) => answer(scope, r, memberships.get(r.user_id), groups.get(r.id) ?? [])),
    q,
  );
}

/** Refuses a userName another SCIM user of the organization has. */
async function assertUserNameFree(
  tx: ServiceContext,
  scope: ScimScope,
  userName: string,
  self?: string,
): Promise<void> {
  const clash = await tx.db
    .selectFrom("scim_users")
    .select("id")
    .where("organization_id", "=", scope.org.id)
    .where("user_name_key", "=", userName.toLowerCase())
    .executeTakeFirst();
  if (clash && clash.id !== self)
    throw uniqueness(`userName "${userName}" is already provisioned in this organization (id ${clash.id}).`);
}

const stored = (resource: Resource) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(resource).filter(
        ([k]) => !["schemas", "id", "meta", "groups", "active", "externalId"].includes(k),
      ),
    ),
  );

/** POST /Users: creates the clerk user when new, adds the membership (default role) or adopts an existing one. */
export async function createScimUser(tx: ServiceContext, scope: ScimScope, body: unknown): Promise<Resource> {
  const resource = resourceIn("User", body);
  const userName = String(resource.userName);
  await assertUserNameFree(tx, scope, userName);
  const email = emailOf(resource);
  const user = await ensureUser(tx, email, "human");
  const already = await tx.db
    .selectFrom("scim_users")
    .select(["id", "user_name_key"])
    .where("organization_id", "=", scope.org.id)
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (already)
    throw uniqueness(
      `${email} is already provisioned in this organization as userName "${already.user_name_key}" (id ${already.id}).`,
    );
  await syncProfile(tx, scope, user.id, resource);
  const existing = await membershipOf(tx, scope.org.id, user.id);
  if (!existing) await addScimMember(tx, scope.org, user);
  const now = tx.clock.now();
  const row: ScimUsersTable = {
    id: newId("scimu", now),
    organization_id: scope.org.id,
    user_id: user.id,
    user_name_key: userName.toLowerCase(),
    external_id: typeof resource.externalId === "string" ? resource.externalId : null,
    data: stored(resource),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await tx.db.insertInto("scim_users").values(row).execute();
  await recordAudit(tx, {
    organizationId: scope.org.id,
    action: "scim.user_created",
    target: { type: "scim_user", id: row.id, label: email },
    after: { userName, externalId: row.external_id, user_id: user.id, adopted: existing !== undefined },
  });
  if (resource.active === false)
    await deactivateMember(tx, scope.org, user.id, "the identity provider created the user inactive");
  else if (existing?.suspendedAt != null) await reactivateMember(tx, scope.org, user.id);
  await syncRoles(tx, scope.org, { id: row.id, userId: user.id });
  return answerRow(tx, scope, row);
}

/** 412 when If-Match names another version than the current one (`*` matches any). */
export function assertIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(",").map((t) => t.trim());
  if (tags.includes("*") || tags.includes(etagOf(version)) || tags.includes(`"${version}"`)) return;
  throw new ScimError(
    412,
    undefined,
    `If-Match ${ifMatch} does not match the current version ${etagOf(version)}; GET the resource again.`,
  );
}

/** Writes a user's new attributes (PUT or the result of a PATCH), moving the membership with `active`. */
async function writeUser(
  tx: ServiceContext,
  scope: ScimScope,
  row: ScimUsersTable,
  resource: Resource,
  action: string,
) {
  const userName = String(resource.userName);
  await assertUserNameFree(tx, scope, userName, row.id);
  const before = await answerRow(tx, scope, row);
  const now = tx.clock.now();
  const next: ScimUsersTable = {
    ...row,
    user_name_key: userName.toLowerCase(),
    external_id: typeof resource.externalId === "string" ? resource.externalId : null,
    data: stored(resource),
    version: row.version + 1,
    updated_at: now,
  };
  const changed =
    next.data !== row.data ||
    next.external_id !== row.external_id ||
    (resource.active !== undefined && resource.active !== before.active);
  if (!changed) return before;
  await syncProfile(tx, scope, row.user_id, resource);
  await tx.db
    .updateTable("scim_users")
    .set({
      user_name_key: next.user_name_key,
      external_id: next.external_id,
      data: next.data,
      version: next.version,
      updated_at: now,
    })
    .where("id", "=", row.id)
    .execute();
  await recordAudit(tx, {
    organizationId: scope.org.id,
    action,
    target: { type: "scim_user", id: row.id, label: userName },
    before: { ...JSON.parse(row.data), active: before.active },
    after: { ...JSON.parse(next.data), active: resource.active ?? before.active },
  });
  if (resource.active === false && before.active === true)
    await deactivateMember(tx, scope.org, row.user_id, `the identity provider set active=false (${action})`);
  if (resource.active === true && before.active === false) await reactivateMember(tx, scope.org, row.user_id);
  return answerRow(tx, scope, next);
}

/** PUT /Users/{id}: replaces the attributes (what the body leaves out is cleared). */
export async function replaceScimUser(
  tx: ServiceContext,
  scope: ScimScope,
  id: string,
  body: unknown,
  ifMatch?: string,
) {
  const row = await rowById(tx, scope, id);
  assertIfMatch(ifMatch, row.version);
  return writeUser(tx, scope, row, resourceIn("User", body), "scim.user_replaced");
}

/** PATCH /Users/{id}: applies the operations to the resource as it is answered. */
export async function patchScimUser(tx: ServiceContext, scope: ScimScope, id: string, body: unknown, ifMatch?: string) {
  const row = await rowById(tx, scope, id);
  assertIfMatch(ifMatch, row.version);
  const current = await answerRow(tx, scope, row);
  const { groups: _groups, meta: _meta, ...patchable } = current;
  const patched = await applyPatch("User", patchable, body);
  return writeUser(tx, scope, row, patched, "scim.user_updated");
}

/** DELETE /Users/{id}: the resource goes and the membership is suspended (a later POST of the person restores it). */
export async function deleteScimUser(
  tx: ServiceContext,
  scope: ScimScope,
  id: string,
  ifMatch?: string,
): Promise<void> {
  const row = await rowById(tx, scope, id);
  assertIfMatch(ifMatch, row.version);
  await deactivateMember(tx, scope.org, row.user_id, "the identity provider deleted the user");
  const groups = await tx.db
    .selectFrom("scim_group_members")
    .select("group_id")
    .where("scim_user_id", "=", row.id)
    .execute();
  await tx.db.deleteFrom("scim_group_members").where("scim_user_id", "=", row.id).execute();
  if (groups.length)
    await tx.db
      .updateTable("scim_groups")
      .set((eb) => ({ version: eb("version", "+", 1), updated_at: tx.clock.now() }))
      .where(
        "id",
        "in",
        groups.map((g) => g.group_id),
      )
      .execute();
  await tx.db.deleteFrom("scim_users").where("id", "=", row.id).execute();
  await recordAudit(tx, {
    organizationId: scope.org.id,
    action: "scim.user_deleted",
    target: { type: "scim_user", id: row.id, label: row.user_name_key },
    before: JSON.parse(row.data),
  });
}
