// The store's current state in the plan's shape, read through the features' services (which authorize).
import type { ServiceContext } from "../../context.js";
import { listOrgTree, resolveOrg } from "../orgs/index.js";
import { listPermissions } from "../permissions/index.js";
import { getRoleDefaults, listRoles } from "../roles/index.js";
import { currentProviders, currentSettings } from "./config.instance.js";
import { currentMembers } from "./config.members.js";
import { type State, type StateOrganization, type StateRole, treeOrder } from "./config.state.js";
import { currentWorkflowState } from "./config.workflows.js";

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Everything the format covers; with `organization`, only that organization and its descendants. */
export async function currentState(ctx: ServiceContext, organization?: string, withMembers = false): Promise<State> {
  const permissions = await listPermissions(ctx);
  const tree = await listOrgTree(ctx);
  const slugs = new Map(tree.map((e) => [e.organization.id, e.organization.slug]));
  const roles = await listRoles(ctx);
  const rolesOf = (organizationId: string | null) => {
    const out = new Map<string, StateRole>();
    for (const r of roles.filter((x) => x.organizationId === organizationId).sort((a, b) => byString(a.key, b.key))) {
      out.set(r.key, {
        key: r.key,
        name: r.name,
        description: r.description,
        extends: r.parents.map((p) => p.key).sort(byString),
        grants: r.grants
          .map((g) => ({ permission: g.permission, scopes: [...g.scopes].sort(byString), expiresAt: g.expiresAt }))
          .sort((a, b) => byString(a.permission, b.permission)),
      });
    }
    return out;
  };
  let entries = tree.map((e) => e.organization);
  if (organization !== undefined) {
    const root = await resolveOrg(ctx, organization);
    const keep = new Set([root.id]);
    for (const o of entries) if (o.parentId !== null && keep.has(o.parentId)) keep.add(o.id);
    entries = entries.filter((o) => keep.has(o.id));
  }
  const list: StateOrganization[] = [];
  for (const o of entries) {
    list.push({
      slug: o.slug,
      name: o.name,
      description: o.description ?? "",
      parent: o.parentId === null ? null : (slugs.get(o.parentId) ?? null),
      inheritAncestorRead: o.inheritAncestorRead,
      maxAllowedMemberships: o.maxAllowedMemberships,
      roles: rolesOf(o.id),
      ...(await currentWorkflowState(ctx, o.slug)),
      ...(withMembers && { members: await currentMembers(ctx, o.slug) }),
    });
  }
  const organizations = new Map(treeOrder(list).map((o) => [o.slug, o]));
  const defaults = await getRoleDefaults(ctx);
  const custom = permissions.filter((p) => p.type === "custom");
  return {
    permissions: new Map(custom.map((p) => [p.key, { key: p.key, name: p.name, description: p.description }] as const)),
    referenced: new Set(permissions.map((p) => p.key)),
    instanceRoles: rolesOf(null),
    roleDefaults: { creator: defaults.creator.key, default: defaults.default.key },
    organizations,
    providers: await currentProviders(ctx),
    tokenSettings: await currentSettings(ctx),
  };
}

/** What `clerk export` writes: everything, or one organization and its descendants alone. */
export async function exportState(ctx: ServiceContext, organization?: string, withMembers = false): Promise<State> {
  const state = await currentState(ctx, organization, withMembers);
  if (organization === undefined) return state;
  return {
    ...state,
    permissions: undefined,
    instanceRoles: undefined,
    roleDefaults: { creator: undefined, default: undefined },
    providers: undefined,
    tokenSettings: undefined,
  };
}
