// Instance settings: which role creators and new members get, and the instance-wide policy version.
import type { ServiceContext } from "../../context.js";
import { assertAllowedNow } from "../access/index.js";
import { countRoles } from "../policy/index.js";

/** The setting keys clerk uses. */
export type SettingKey =
  | "creator_role_id"
  | "default_role_id"
  | "instance_initialized"
  | "audit_roles_initialized"
  /** The `ins_…` id webhook events carry as `instance_id`, made when the first endpoint is added. */
  | "instance_id";

/** A setting's value, or undefined when never set. */
export async function getSetting(ctx: ServiceContext, key: SettingKey): Promise<string | undefined> {
  const row = await ctx.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

/** Sets a setting (callers audit the change they make with it). */
export async function putSetting(ctx: ServiceContext, key: SettingKey, value: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .insertInto("settings")
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
    .execute();
}

/** What `clerk status` reports about the instance. */
export interface InstanceStatus {
  /** Where the store lives (any password removed), when the caller's context knows it. */
  location: string | null;
  engine: "sqlite" | "postgres";
  organizations: number;
  users: number;
  roles: number;
  permissions: number;
  auditEvents: number;
}

/** The store and counts of the main things in it; for instance admins only. */
export async function instanceStatus(ctx: ServiceContext): Promise<InstanceStatus> {
  assertAllowedNow(ctx, {
    kind: "instance_admin",
    what: "read the instance's status",
    why: "it counts every organization's data",
  });
  const count = async (table: "organizations" | "users" | "permissions" | "audit_events") =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    location: ctx.storeLocation ?? null,
    engine: ctx.dialect.name,
    organizations: await count("organizations"),
    users: await count("users"),
    roles: await countRoles(ctx.db),
    permissions: await count("permissions"),
    auditEvents: await count("audit_events"),
  };
}
