// The normalized state a plan compares: desired (from files) and current (from the store) in one shape, with
// defaults filled in and lists sorted, so that equal meaning is equal data. Pure: no I/O.
import { ClerkError } from "../../errors.js";
import type { Config, ConfigOrganization, ConfigRole, GrantEntry } from "./config.schema.js";
import {
  type StateProvider,
  type StateTokenSettings,
  normalizeProviders,
  normalizeSettings,
  providerEntries,
  settingsEntry,
} from "./config.instance.js";
import { type StateMember, memberEntries, normalizeMembers } from "./config.members.js";
import {
  type StateFileSet,
  type StateForm,
  type StateWorkflow,
  fileSetEntries,
  formEntries,
  normalizeFileSets,
  normalizeForms,
  normalizeWorkflows,
  workflowEntries,
} from "./config.workflows.js";

export interface StateGrant {
  permission: string;
  scopes: string[];
  /** Unix milliseconds, or null for a grant that never ends. */
  expiresAt: number | null;
}

export interface StateRole {
  key: string;
  name: string;
  description: string;
  extends: string[];
  grants: StateGrant[];
}

export interface StateOrganization {
  slug: string;
  name: string;
  description: string;
  parent: string | null;
  inheritAncestorRead: boolean;
  maxAllowedMemberships: number;
  /** Its roles by key; undefined in a desired state that does not list them (they are then not managed). */
  roles: Map<string, StateRole> | undefined;
  /** Like roles: undefined when not listed (not managed). */
  fileSets?: Map<string, StateFileSet> | undefined;
  forms?: Map<string, StateForm> | undefined;
  /** Workflows by slug. */
  workflows?: Map<string, StateWorkflow> | undefined;
  /** Members by e-mail; only with --with-members. */
  members?: Map<string, StateMember> | undefined;
}

export interface StatePermission {
  key: string;
  name: string | undefined;
  description: string | undefined;
}

export interface State {
  /** Custom permissions by key; undefined when a desired state does not list them (not managed). */
  permissions: Map<string, StatePermission> | undefined;
  /** Desired: the permission keys the roles grant (missing ones are created). Current: every key in the store. */
  referenced: Set<string>;
  /** Instance-wide roles by key; undefined when not managed. */
  instanceRoles: Map<string, StateRole> | undefined;
  roleDefaults: { creator: string | undefined; default: string | undefined };
  /** Organizations in tree order (parents first, siblings by slug). */
  organizations: Map<string, StateOrganization>;
  /** Notification providers by kind:name; undefined when not managed. */
  providers?: Map<string, StateProvider> | undefined;
  /** Token settings; in a desired state only the fields the file sets. */
  tokenSettings?: StateTokenSettings | undefined;
}

/** What the pure layer needs from outside: permission keys in their canonical form, expiry strings as instants. */
export interface Normalizers {
  permissionKey: (key: string) => string;
  expiry: (value: string) => number;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function normalizeGrant(entry: GrantEntry, n: Normalizers): StateGrant {
  if (typeof entry === "string") return { permission: n.permissionKey(entry), scopes: [], expiresAt: null };
  return {
    permission: n.permissionKey(entry.permission),
    scopes: [...new Set(entry.scopes ?? [])].sort(byString),
    expiresAt: entry.expires_at === undefined ? null : n.expiry(entry.expires_at),
  };
}

function invalid(message: string, param: string): ClerkError {
  return new ClerkError("input.invalid", message, { param });
}

function normalizeRoles(roles: readonly ConfigRole[], where: string, n: Normalizers): Map<string, StateRole> {
  const out = new Map<string, StateRole>();
  for (const role of roles) {
    if (out.has(role.key)) throw invalid(`Role ${role.key} is listed twice in ${where}.`, "roles");
    const grants = new Map<string, StateGrant>();
    for (const entry of role.permissions ?? []) {
      const grant = normalizeGrant(entry, n);
      if (grants.has(grant.permission))
        throw invalid(`Role ${role.key} in ${where} lists ${grant.permission} twice.`, "permissions");
      grants.set(grant.permission, grant);
    }
    out.set(role.key, {
      key: role.key,
      name: role.name,
      description: role.description ?? "",
      extends: [...new Set(role.extends ?? [])].sort(byString),
      grants: [...grants.values()].sort((a, b) => byString(a.permission, b.permission)),
    });
  }
  return out;
}

/** Parents before children, siblings by slug; a parent outside the list counts as already placed. */
export function treeOrder<T extends { slug: string; parent: string | null }>(items: readonly T[]): T[] {
  const bySlug = new Map(items.map((i) => [i.slug, i]));
  const children = new Map<string | null, T[]>();
  for (const item of items) {
    const parent = item.parent !== null && bySlug.has(item.parent) ? item.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const out: T[] = [];
  const walk = (parent: string | null) => {
    for (const item of (children.get(parent) ?? []).sort((a, b) => byString(a.slug, b.slug))) {
      out.push(item);
      walk(item.slug);
    }
  };
  walk(null);
  if (out.length < items.length) {
    const stuck = items.filter((i) => !out.includes(i)).map((i) => i.slug);
    throw new ClerkError(
      "org.parent_cycle",
      `The organizations ${stuck.join(", ")} are each other's parents; a tree needs a top.`,
      { param: "parent" },
    );
  }
  return out;
}

/** The desired state a (merged) configuration describes; members only when `withMembers`. */
export function desiredState(config: Config, n: Normalizers, withMembers = false): State {
  const orgs: StateOrganization[] = [];
  const seen = new Set<string>();
  for (const org of config.organizations ?? []) {
    if (seen.has(org.slug)) throw invalid(`Organization ${org.slug} is listed twice.`, "organizations");
    seen.add(org.slug);
    orgs.push(normalizeOrg(org, n, withMembers));
  }
  const permissions = config.permissions && new Map<string, StatePermission>();
  for (const p of config.permissions ?? []) {
    const key = n.permissionKey(p.key);
    if (permissions?.has(key)) throw invalid(`Permission ${key} is listed twice.`, "permissions");
    permissions?.set(key, { key, name: p.name, description: p.description });
  }
  const instanceRoles = config.roles && normalizeRoles(config.roles, "the instance-wide roles", n);
  const referenced = new Set<string>();
  for (const roles of [instanceRoles, ...orgs.map((o) => o.roles)])
    for (const role of roles?.values() ?? []) for (const g of role.grants) referenced.add(g.permission);
  return {
    permissions,
    referenced,
    instanceRoles,
    roleDefaults: { creator: config.role_defaults?.creator, default: config.role_defaults?.default },
    organizations: new Map(treeOrder(orgs).map((o) => [o.slug, o])),
    providers: config.notification_providers && normalizeProviders(config.notification_providers),
    tokenSettings: config.settings?.tokens && normalizeSettings(config.settings.tokens),
  };
}

function normalizeOrg(org: ConfigOrganization, n: Normalizers, withMembers: boolean): StateOrganization {
  if (org.parent === org.slug)
    throw new ClerkError("org.parent_cycle", `Organization ${org.slug} cannot be its own parent.`, {
      param: "parent",
    });
  return {
    slug: org.slug,
    name: org.name,
    description: org.description ?? "",
    parent: org.parent ?? null,
    inheritAncestorRead: org.inherit_ancestor_read ?? true,
    maxAllowedMemberships: org.max_allowed_memberships ?? 0,
    roles: org.roles && normalizeRoles(org.roles, `organization ${org.slug}`, n),
    fileSets: org.file_sets && normalizeFileSets(org.file_sets, org.slug),
    forms: org.forms && normalizeForms(org.forms, org.slug),
    workflows: org.workflows && normalizeWorkflows(org.workflows, org.slug),
    members:
      withMembers && org.members ? normalizeMembers(org.members, org.slug, (g) => normalizeGrant(g, n)) : undefined,
  };
}

/** A grant as the file writes it: the bare key when it has no scopes and no end. */
export function grantEntry(g: StateGrant): GrantEntry {
  if (g.scopes.length === 0 && g.expiresAt === null) return g.permission;
  return {
    permission: g.permission,
    ...(g.scopes.length > 0 && { scopes: g.scopes }),
    ...(g.expiresAt !== null && { expires_at: new Date(g.expiresAt).toISOString() }),
  };
}

function roleEntry(r: StateRole): ConfigRole {
  return {
    key: r.key,
    name: r.name,
    ...(r.description !== "" && { description: r.description }),
    ...(r.extends.length > 0 && { extends: r.extends }),
    ...(r.grants.length > 0 && { permissions: r.grants.map(grantEntry) }),
  };
}

/** A state as a configuration file, leaving out what is at its default, in a fixed order. */
export function configOf(state: State): Config {
  const roles = (m: Map<string, StateRole>) => [...m.values()].sort((a, b) => byString(a.key, b.key)).map(roleEntry);
  return {
    version: 1,
    ...(state.permissions && {
      permissions: [...state.permissions.values()]
        .sort((a, b) => byString(a.key, b.key))
        .map((p) => ({
          key: p.key,
          ...(p.name !== undefined && { name: p.name }),
          ...(p.description !== undefined && p.description !== "" && { description: p.description }),
        })),
    }),
    ...(state.instanceRoles && { roles: roles(state.instanceRoles) }),
    ...((state.roleDefaults.creator !== undefined || state.roleDefaults.default !== undefined) && {
      role_defaults: {
        ...(state.roleDefaults.creator !== undefined && { creator: state.roleDefaults.creator }),
        ...(state.roleDefaults.default !== undefined && { default: state.roleDefaults.default }),
      },
    }),
    organizations: [...state.organizations.values()].map((o) => ({
      slug: o.slug,
      name: o.name,
      ...(o.description !== "" && { description: o.description }),
      ...(o.parent !== null && { parent: o.parent }),
      ...(!o.inheritAncestorRead && { inherit_ancestor_read: false }),
      ...(o.maxAllowedMemberships !== 0 && { max_allowed_memberships: o.maxAllowedMemberships }),
      ...(o.roles && o.roles.size > 0 && { roles: roles(o.roles) }),
      ...(o.fileSets && o.fileSets.size > 0 && { file_sets: fileSetEntries(o.fileSets) }),
      ...(o.forms && o.forms.size > 0 && { forms: formEntries(o.forms) }),
      ...(o.workflows && o.workflows.size > 0 && { workflows: workflowEntries(o.workflows) }),
      ...(o.members && o.members.size > 0 && { members: memberEntries(o.members, grantEntry) }),
    })),
    ...(state.providers && state.providers.size > 0 && { notification_providers: providerEntries(state.providers) }),
    ...(state.tokenSettings && { settings: { tokens: settingsEntry(state.tokenSettings) } }),
  };
}
