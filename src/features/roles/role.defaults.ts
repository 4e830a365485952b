// The built-in roles (org:admin, org:member, org:audit_reader) and the instance's creator and default role settings.
import { sql } from "kysely";
import { SYSTEM_ACTOR, type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { recordAudit } from "../audit/index.js";
import { SYSTEM_PERMISSIONS, ensureSystemPermissions } from "../permissions/index.js";
import { getSetting, putSetting } from "../settings/index.js";
import { findRoleRowById, findRoleRowsByKey } from "../policy/index.js";
import { type Role, type RoleRef, createRole, permissionsOfRoles, resolveRole, updateRole } from "./role.service.js";
import { assertAllowedNow } from "../access/index.js";

/** An arbitrary, fixed advisory-lock key for first-run setup. */
const INSTANCE_SETUP_LOCK = 7_341_001;

/** Reads and exports the audit log and sees who the actors are; changes nothing. */
const AUDITOR = {
  key: "org:audit_reader",
  name: "Audit Reader",
  description: "Can read, verify and export the audit log; cannot change anything.",
  permissions: ["org:sys_audit:read", "org:sys_audit:export", "org:sys_memberships:read"],
} as const;

/** The system permissions added with the audit log, which instances set up before it lack. */
const AUDIT_PERMISSIONS: readonly string[] = ["org:sys_audit:read", "org:sys_audit:export"];

const BUILT_IN = [
  {
    key: "org:admin",
    name: "Admin",
    description: "Full access to the organization.",
    permissions: SYSTEM_PERMISSIONS.map((p) => p.key),
  },
  {
    key: "org:member",
    name: "Member",
    description: "Can see the organization's members.",
    permissions: ["org:sys_memberships:read"],
  },
  AUDITOR,
] as const;

/**
 * Brings a new store to its starting state: the system permissions, org:admin and org:member, and the
 * creator and default role settings. Idempotent, so every open may call it.
 */
export async function ensureInstance(ctx: ServiceContext): Promise<void> {
  // Read first: every command calls this, and after the first run it must neither write nor take the
  // write lock, nor bring back a built-in role an admin has since deleted.
  if ((await getSetting(ctx, "instance_initialized")) !== undefined) {
    if ((await getSetting(ctx, "audit_roles_initialized")) === undefined) await addAuditorRole(ctx);
    return;
  }
  await inTransaction(ctx, async (tx) => {
    // Two servers starting on an empty PostgreSQL database must not both set it up; there is no row to
    // lock yet, so an advisory lock serialises them (SQLite's BEGIN IMMEDIATE already does).
    if (tx.dialect.supportsAdvisoryLocks)
      await sql`select pg_advisory_xact_lock(${INSTANCE_SETUP_LOCK})`.execute(tx.db);
    if ((await getSetting(tx, "instance_initialized")) !== undefined) return;
    await ensureSystemPermissions(tx);
    for (const role of BUILT_IN) {
      const existing = (await findRoleRowsByKey(tx.db, role.key)).find((r) => r.organization_id === null);
      if (!existing) {
        await createRole(tx, {
          name: role.name,
          key: role.key,
          description: role.description,
          permissions: [...role.permissions],
        });
      }
    }
    const admin = (await findRoleRowsByKey(tx.db, "org:admin")).find((r) => r.organization_id === null);
    const member = (await findRoleRowsByKey(tx.db, "org:member")).find((r) => r.organization_id === null);
    if (admin && !(await getSetting(tx, "creator_role_id"))) await putSetting(tx, "creator_role_id", admin.id);
    if (member && !(await getSetting(tx, "default_role_id"))) await putSetting(tx, "default_role_id", member.id);
    await putSetting(tx, "instance_initialized", String(tx.clock.now()));
    await putSetting(tx, "audit_roles_initialized", String(tx.clock.now()));
    await recordAudit(tx, {
      organizationId: null,
      action: "instance.initialized",
      target: { type: "instance", id: null, label: "instance" },
      after: { creatorRole: "org:admin", defaultRole: "org:member" },
    });
  });
}

/**
 * Brings an instance set up before the audit permissions existed up to date once: the two system
 * permissions, the auditor role, and org:admin given the audit permissions if it is still the full-access
 * role it shipped as (every other system permission). An org:admin an operator narrowed keeps what it has.
 */
async function addAuditorRole(ctx: ServiceContext): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (tx.dialect.supportsAdvisoryLocks)
      await sql`select pg_advisory_xact_lock(${INSTANCE_SETUP_LOCK})`.execute(tx.db);
    if ((await getSetting(tx, "audit_roles_initialized")) !== undefined) return;
    await ensureSystemPermissions(tx);
    if (!(await findRoleRowsByKey(tx.db, AUDITOR.key)).some((r) => r.organization_id === null)) {
      await createRole(tx, {
        name: AUDITOR.name,
        key: AUDITOR.key,
        description: AUDITOR.description,
        permissions: [...AUDITOR.permissions],
      });
    }
    const admin = (await findRoleRowsByKey(tx.db, "org:admin")).find((r) => r.organization_id === null);
    if (admin) {
      const held = new Set(
        (await permissionsOfRoles(tx, [admin.id]))
          .filter((g) => g.scopes.length === 0 && g.expiresAt === null)
          .map((g) => g.permission),
      );
      const older = SYSTEM_PERMISSIONS.map((p) => p.key).filter((k) => !AUDIT_PERMISSIONS.includes(k));
      const missing = AUDIT_PERMISSIONS.filter((k) => !held.has(k));
      if (missing.length > 0 && older.every((k) => held.has(k)))
        await updateRole({ ...tx, actor: SYSTEM_ACTOR }, admin.id, { organization: null, addPermissions: missing });
    }
    await putSetting(tx, "audit_roles_initialized", String(tx.clock.now()));
  });
}

/** The instance's creator role (given to whoever creates an organization) and default role (new members). */
export interface RoleDefaults {
  creator: RoleRef;
  default: RoleRef;
}

async function refOf(ctx: ServiceContext, id: string | undefined, which: string): Promise<RoleRef> {
  const row = id ? await findRoleRowById(ctx.db, id) : undefined;
  if (!row)
    throw new ClerkError(
      "role.not_found",
      `The instance has no ${which} role; set one with: clerk role defaults --${which}-role <role>`,
    );
  return { id: row.id, key: row.key, name: row.name };
}

export async function getRoleDefaults(ctx: ServiceContext): Promise<RoleDefaults> {
  return {
    creator: await refOf(ctx, await getSetting(ctx, "creator_role_id"), "creator"),
    default: await refOf(ctx, await getSetting(ctx, "default_role_id"), "default"),
  };
}

/** Changes the creator and/or default role; both must be instance-wide roles (usable in every organization). */
export async function setRoleDefaults(
  ctx: ServiceContext,
  input: { creator?: string | undefined; default?: string | undefined },
): Promise<RoleDefaults> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "change the instance's role defaults" });
  return inTransaction(ctx, async (tx) => {
    const before = await getRoleDefaults(tx);
    const apply = async (ref: string | undefined, key: "creator_role_id" | "default_role_id") => {
      if (ref === undefined) return;
      const role: Role = await resolveRole(tx, ref, null);
      await putSetting(tx, key, role.id);
    };
    await apply(input.creator, "creator_role_id");
    await apply(input.default, "default_role_id");
    const after = await getRoleDefaults(tx);
    await recordAudit(tx, {
      organizationId: null,
      action: "role.defaults_updated",
      target: { type: "settings", id: null, label: "role defaults" },
      before,
      after,
    });
    return after;
  });
}
