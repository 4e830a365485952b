// The permission catalogue: system permissions, custom `org:<feature>:<action>` keys, the seed's shorthand.
import { EngineInputError, parsePermissionKey } from "../../engine/index.js";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { holdersOfPermission, markPolicyChanged, revokePermissionEverywhere } from "../policy/index.js";
import {
  invalidPermissionKey,
  permissionExists,
  permissionInUse,
  permissionNotFound,
  systemPermission,
} from "./permission.errors.js";
import type { PermissionsTable } from "./permission.table.js";
import { assertAllowedNow, compiledPolicy } from "../access/index.js";
import { visibleOrgIds } from "../orgs/index.js";

/** A permission as services return it. */
export interface Permission {
  id: string;
  key: string;
  name: string;
  description: string;
  type: "system" | "custom";
  createdAt: number;
  updatedAt: number;
}

/** The permissions every instance has (Clerk's system permissions); never in session-token claims. */
export const SYSTEM_PERMISSIONS: readonly { key: string; name: string; description: string }[] = Object.freeze([
  {
    key: "org:sys_profile:manage",
    name: "Manage organization",
    description: "Update the organization's profile and settings.",
  },
  { key: "org:sys_profile:delete", name: "Delete organization", description: "Delete the organization." },
  {
    key: "org:sys_memberships:read",
    name: "Read members",
    description: "See the organization's members and their roles.",
  },
  {
    key: "org:sys_memberships:manage",
    name: "Manage members",
    description: "Add, remove and change the roles of members.",
  },
  { key: "org:sys_domains:read", name: "Read domains", description: "See the organization's verified domains." },
  { key: "org:sys_domains:manage", name: "Manage domains", description: "Add, verify and remove verified domains." },
  { key: "org:sys_audit:read", name: "Read audit log", description: "List and verify the organization's audit log." },
  {
    key: "org:sys_audit:export",
    name: "Export audit log",
    description: "Export the organization's audit log (JSON, JSONL, CSV).",
  },
]);

/** Normalises a permission key (`read:code` → `org:code:read`), or throws `permission.invalid_key`. */
export function normalizePermissionKey(input: string): string {
  try {
    return parsePermissionKey(input).key;
  } catch (error) {
    if (error instanceof EngineInputError) throw invalidPermissionKey(input, error.message);
    throw error;
  }
}

/** "org:pull_requests:approve" → "Approve pull requests". */
function defaultName(key: string): string {
  const { feature, action } = parsePermissionKey(key);
  const words = `${action} ${feature}`.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function toPermission(row: PermissionsTable): Permission {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    type: row.type,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function findByKey(ctx: ServiceContext, key: string): Promise<Permission | undefined> {
  const row = await ctx.db.selectFrom("permissions").selectAll().where("key", "=", key).executeTakeFirst();
  return row ? toPermission(row) : undefined;
}

async function insertPermission(
  ctx: ServiceContext,
  key: string,
  type: "system" | "custom",
  name?: string,
  description?: string,
): Promise<Permission> {
  const now = ctx.clock.now();
  const row: PermissionsTable = {
    id: newId("perm", now),
    key,
    name: name ?? defaultName(key),
    description: description ?? "",
    type,
    created_at: now,
    updated_at: now,
  };
  const inserted = await ctx.db
    .insertInto("permissions")
    .values(row)
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("id")
    .executeTakeFirst();
  // Another process created it first (two servers starting at once): theirs stands and is already audited.
  if (!inserted) return (await findByKey(ctx, key)) as Permission;
  const permission = toPermission(row);
  await recordAudit(ctx, {
    organizationId: null,
    action: "permission.created",
    target: { type: "permission", id: row.id, label: key },
    after: permission,
  });
  return permission;
}

/** Creates the system permissions that are missing (first open of a store). */
export async function ensureSystemPermissions(ctx: ServiceContext): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    for (const p of SYSTEM_PERMISSIONS) {
      if (!(await findByKey(tx, p.key))) await insertPermission(tx, p.key, "system", p.name, p.description);
    }
  });
}

/** The catalogue is instance-wide: a member acting as themselves (`--as`, agent keys) may not edit it. */
function assertInstanceAdmin(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, { kind: "instance_admin", what, why: "the permission catalogue is instance-wide" });
}

/** Custom keys may not use the `org:sys_` namespace, which Clerk reserves for system permissions. */
function assertNotSystemNamespace(key: string): void {
  if (key.startsWith("org:sys_")) {
    throw new ClerkError(
      "permission.invalid_key",
      `${key} is in the org:sys_ namespace reserved for system permissions; choose another feature name.`,
      {
        param: "key",
      },
    );
  }
}

/** Creates a custom permission; the key may use the shorthand. */
export async function createPermission(
  ctx: ServiceContext,
  input: { key: string; name?: string | undefined; description?: string | undefined },
): Promise<Permission> {
  assertInstanceAdmin(ctx, "create permissions");
  const key = normalizePermissionKey(input.key);
  assertNotSystemNamespace(key);
  return inTransaction(ctx, async (tx) => {
    if (await findByKey(tx, key)) throw permissionExists(key);
    return insertPermission(tx, key, "custom", input.name, input.description);
  });
}

/** The permission with this key, created as a custom permission (and audited) when it does not exist yet. */
export async function ensurePermission(ctx: ServiceContext, keyInput: string): Promise<Permission> {
  const key = normalizePermissionKey(keyInput);
  return inTransaction(ctx, async (tx) => (await findByKey(tx, key)) ?? insertPermission(tx, key, "custom"));
}

/** Finds a permission by id or key (shorthand accepted), or throws `permission.not_found`. */
export async function resolvePermission(ctx: ServiceContext, ref: string): Promise<Permission> {
  const value = ref.trim();
  // Anything spelled like an id is looked up as one (a key has a colon): an unknown id is "not found", not "malformed".
  if (value.startsWith("perm_")) {
    const row = await ctx.db.selectFrom("permissions").selectAll().where("id", "=", value).executeTakeFirst();
    if (row && (await readableKeys(ctx, [row.key]))[0]) return toPermission(row);
  } else {
    const found = await findByKey(ctx, normalizePermissionKey(value));
    if (found && (await readableKeys(ctx, [found.key]))[0]) return found;
  }
  const known = (await listPermissions(ctx)).map((p) => p.key);
  throw permissionNotFound(value, known);
}

/** The whole catalogue, system permissions first, then by key. */
export async function listPermissions(ctx: ServiceContext): Promise<Permission[]> {
  const rows = await ctx.db.selectFrom("permissions").selectAll().orderBy("type", "desc").orderBy("key").execute();
  const readable = await readableKeys(
    ctx,
    rows.map((r) => r.key),
  );
  return rows.filter((_, i) => readable[i]).map(toPermission);
}

/**
 * Which of `keys` the actor may see in the catalogue. Custom permissions are named by organizations' roles and
 * grants, so a member sees the system ones and those used where they can read; another tenant's custom keys
 * stay invisible. An instance admin sees everything.
 */
async function readableKeys(ctx: ServiceContext, keys: readonly string[]): Promise<boolean[]> {
  const visible = await visibleOrgIds(ctx);
  if (visible === null) return keys.map(() => true);
  const used = new Set(SYSTEM_PERMISSIONS.map((p) => p.key));
  for (const organizationId of visible) {
    const { source } = await compiledPolicy(ctx, organizationId);
    for (const holder of [...source.roles, ...source.members]) for (const g of holder.grants) used.add(g.permission);
  }
  return keys.map((k) => used.has(k));
}

/** Renames or re-describes a custom permission. */
export async function updatePermission(
  ctx: ServiceContext,
  ref: string,
  patch: { name?: string | undefined; description?: string | undefined; key?: string | undefined },
): Promise<Permission> {
  assertInstanceAdmin(ctx, "edit permissions");
  return inTransaction(ctx, async (tx) => {
    const before = await resolvePermission(tx, ref);
    if (before.type === "system") throw systemPermission(before.key);
    const now = tx.clock.now();
    const key = patch.key === undefined ? undefined : normalizePermissionKey(patch.key);
    if (key !== undefined && key !== before.key) {
      assertNotSystemNamespace(key);
      if (await findByKey(tx, key)) throw permissionExists(key);
      // Grants refer to the permission by id, so a rename reaches every holder; compiled policies must follow.
      await markPolicyChanged(tx, null);
    }
    await tx.db
      .updateTable("permissions")
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(key !== undefined && { key }),
        updated_at: now,
      })
      .where("id", "=", before.id)
      .execute();
    const after = await resolvePermission(tx, before.id);
    await recordAudit(tx, {
      organizationId: null,
      action: "permission.updated",
      target: { type: "permission", id: after.id, label: after.key },
      before,
      after,
    });
    return after;
  });
}

/** Deletes a custom permission; refused while granted anywhere unless `force`, which revokes those grants too. */
export async function deletePermission(
  ctx: ServiceContext,
  ref: string,
  options: { force?: boolean } = {},
): Promise<Permission> {
  assertInstanceAdmin(ctx, "delete permissions");
  return inTransaction(ctx, async (tx) => {
    const permission = await resolvePermission(tx, ref);
    if (permission.type === "system") throw systemPermission(permission.key);
    const held = await holdersOfPermission(tx.db, permission.id);
    if (held.length > 0 && !options.force) {
      throw permissionInUse(
        permission.key,
        held.map((h) => (h.role ? `role ${h.role}` : `membership ${h.membershipId}`)),
      );
    }
    const holders = await revokePermissionEverywhere(tx, permission.id);
    await tx.db.deleteFrom("permissions").where("id", "=", permission.id).execute();
    // Each revoked grant is recorded where its holder lives, so every organization's chain tells its own story.
    for (const h of holders) {
      await recordAudit(tx, {
        organizationId: h.organizationId,
        action: "grant.deleted",
        target: h.roleId
          ? { type: "role", id: h.roleId, label: h.roleKey ?? "" }
          : { type: "membership", id: h.membershipId, label: h.membershipId ?? "" },
        before: { permission: permission.key, scopes: h.scopes, expiresAt: h.expiresAt },
      });
    }
    await recordAudit(tx, {
      organizationId: null,
      action: "permission.deleted",
      target: { type: "permission", id: permission.id, label: permission.key },
      before: permission,
    });
    return permission;
  });
}
