// Plan and apply: the desired state from a configuration, the current one from the store, the diff between, and
// the changes made through the features' services in one transaction (so a refused step undoes every step).
import { type ServiceContext, inTransaction } from "../../context.js";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { parseExpiry } from "../grants/index.js";
import { createOrg, updateOrg } from "../orgs/index.js";
import { createPermission, deletePermission, normalizePermissionKey, updatePermission } from "../permissions/index.js";
import {
  assignPermissions,
  createRole,
  deleteRole,
  revokePermission,
  setRoleDefaults,
  updateRole,
} from "../roles/index.js";
import { stalePlan } from "./config.errors.js";
import { type Change, type Plan, makePlan } from "./config.plan.js";
import { currentState } from "./config.read.js";
import type { Config } from "./config.schema.js";
import { applyInstanceKinds, resolveProviderSecrets } from "./config.instance.js";
import { applyMembers, removeMembers } from "./config.members.js";
import { type State, type StateRole, desiredState } from "./config.state.js";
import { applyWorkflowKinds, deleteWorkflowKinds } from "./config.workflows.js";

export interface PlanOptions {
  prune?: boolean | undefined;
  /** Compare (and apply) the members the file lists too. */
  withMembers?: boolean | undefined;
  /** Values of the `${env:NAME}` references (the CLI passes its environment's); never stored. */
  env?: Record<string, string | undefined> | undefined;
}

function desired(config: Config, options: PlanOptions): State {
  // Parsed without the "in the past" check: an exported grant that has since expired must still compare equal;
  // a changed expiry in the past is refused by the grant service when applied.
  const state = desiredState(
    config,
    {
      permissionKey: normalizePermissionKey,
      expiry: (value) => parseExpiry(value, Number.NEGATIVE_INFINITY) as number,
    },
    options.withMembers === true,
  );
  if (state.providers) resolveProviderSecrets(state.providers, options.env ?? {});
  return state;
}

const planOptions = (options: PlanOptions) => ({
  prune: options.prune === true,
  withMembers: options.withMembers === true,
});

/** What applying `config` would change, from the store as it is now. */
export async function planConfig(ctx: ServiceContext, config: Config, options: PlanOptions = {}): Promise<Plan> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "plan a configuration" });
  const want = desired(config, options);
  return makePlan(want, await currentState(ctx, undefined, options.withMembers === true), planOptions(options));
}

export interface ApplyOptions extends PlanOptions {
  /** The base hash of a reviewed plan: refuse when the store has moved since. */
  base?: string | undefined;
}

/** Applies `config` in one transaction; returns the plan it carried out (no changes: nothing written). */
export async function applyConfig(ctx: ServiceContext, config: Config, options: ApplyOptions = {}): Promise<Plan> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "apply a configuration" });
  return inTransaction(ctx, async (tx) => {
    const want = desired(config, options);
    const have = await currentState(tx, undefined, options.withMembers === true);
    const plan = makePlan(want, have, planOptions(options));
    if (options.base !== undefined && options.base !== plan.base) throw stalePlan(options.base, plan.base);
    if (plan.changes.length === 0) return plan;
    await carryOut(tx, plan.changes, want, have);
    await recordAudit(tx, {
      organizationId: null,
      action: "config.applied",
      target: { type: "config", id: null, label: plan.hash },
      after: {
        hash: plan.hash,
        base: plan.base,
        prune: plan.prune,
        withMembers: plan.withMembers,
        created: plan.changes.filter((c) => c.action === "create").length,
        updated: plan.changes.filter((c) => c.action === "update").length,
        deleted: plan.changes.filter((c) => c.action === "delete").length,
      },
    });
    return plan;
  });
}

const roleIn = (state: State, c: Change): StateRole | undefined =>
  c.organization === null
    ? state.instanceRoles?.get(c.key)
    : state.organizations.get(c.organization)?.roles?.get(c.key);

const sameList = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);

/** Makes the changes in an order the services accept: each call audits its own change. */
async function carryOut(tx: ServiceContext, changes: readonly Change[], want: State, have: State): Promise<void> {
  for (const c of changes.filter((x) => x.kind === "permission" && x.action !== "delete")) {
    const p = want.permissions?.get(c.key);
    if (c.action === "create") await createPermission(tx, { key: c.key, name: p?.name, description: p?.description });
    else await updatePermission(tx, c.key, { name: p?.name, description: p?.description ?? "" });
  }
  for (const c of changes.filter((x) => x.kind === "organization")) {
    const o = want.organizations.get(c.key);
    if (!o) continue;
    if (c.action === "create") {
      await createOrg(tx, {
        slug: o.slug,
        name: o.name,
        description: o.description,
        inheritAncestorRead: o.inheritAncestorRead,
        maxAllowedMemberships: o.maxAllowedMemberships,
        ...(o.parent !== null && { parent: o.parent }),
      });
      continue;
    }
    // Only what changed: a move or a read-inheritance change has its own checks and recompiles policies.
    const changed = new Set(c.fields.map((f) => f.field));
    await updateOrg(tx, o.slug, {
      ...(changed.has("name") && { name: o.name }),
      ...(changed.has("description") && { description: o.description }),
      ...(changed.has("parent") && { parent: o.parent }),
      ...(changed.has("inherit_ancestor_read") && { inheritAncestorRead: o.inheritAncestorRead }),
      ...(changed.has("max_allowed_memberships") && { maxAllowedMemberships: o.maxAllowedMemberships }),
    });
  }
  const roleChanges = changes.filter((x) => x.kind === "role" && x.action !== "delete");
  // New roles first, bare: a role may extend one created after it in the file.
  for (const c of roleChanges.filter((x) => x.action === "create")) {
    const r = roleIn(want, c) as StateRole;
    await createRole(tx, {
      key: r.key,
      name: r.name,
      description: r.description,
      ...(c.organization !== null && { organization: c.organization }),
    });
  }
  for (const c of roleChanges) {
    const r = roleIn(want, c) as StateRole;
    const before = c.action === "create" ? undefined : roleIn(have, c);
    const organization = c.organization;
    // A new role was created with its name and description; only its parents and grants are left.
    const changed = (field: string) => c.action === "update" && c.fields.some((f) => f.field === field);
    if (changed("name") || changed("description") || !sameList(before?.extends ?? [], r.extends)) {
      await updateRole(tx, r.key, {
        organization,
        ...(changed("name") && { name: r.name }),
        ...(changed("description") && { description: r.description }),
        ...(!sameList(before?.extends ?? [], r.extends) && { extends: r.extends }),
      });
    }
    // The role's new and changed grants in one call (one role lookup and guard run), each audited on its own.
    const assigned: { permission: string; scope: string[]; expires: number | null }[] = [];
    for (const f of c.fields.filter((x) => x.field.startsWith("permissions."))) {
      const permission = f.field.slice("permissions.".length);
      const grant = r.grants.find((g) => g.permission === permission);
      if (grant) assigned.push({ permission, scope: grant.scopes, expires: grant.expiresAt });
      else await revokePermission(tx, { role: r.key, organization, permission });
    }
    if (assigned.length > 0) await assignPermissions(tx, { role: r.key, organization, grants: assigned });
  }
  if (changes.some((x) => x.kind === "role_defaults"))
    await setRoleDefaults(tx, { creator: want.roleDefaults.creator, default: want.roleDefaults.default });
  // Providers before workflows (a notification rule needs its provider), roles before stages and members.
  await applyInstanceKinds(tx, changes, want, have);
  await applyWorkflowKinds(
    tx,
    changes,
    (org) => want.organizations.get(org),
    (org) => have.organizations.get(org),
  );
  await applyMembers(
    tx,
    changes,
    (org) => want.organizations.get(org)?.members,
    (org) => have.organizations.get(org)?.members,
  );
  // Deletes last: members before the roles they hold, workflows before the forms and roles their stages name.
  await removeMembers(tx, changes);
  await deleteWorkflowKinds(tx, changes);
  // Deleted roles that others (also deleted) extend go last.
  const deletions = changes.filter((x) => x.kind === "role" && x.action === "delete");
  const extendedByOther = (c: Change) =>
    deletions.some((d) => d !== c && d.organization === c.organization && roleIn(have, d)?.extends.includes(c.key));
  for (const c of [...deletions.filter((d) => !extendedByOther(d)), ...deletions.filter(extendedByOther)])
    await deleteRole(tx, c.key, c.organization);
  for (const c of changes.filter((x) => x.kind === "permission" && x.action === "delete"))
    await deletePermission(tx, c.key);
}
