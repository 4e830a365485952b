// The diff engine: desired state + current state → the changes that make one the other. Pure: no I/O.
// Deletes only with `prune`, and only of what the file manages: the roles of the organizations it lists, the
// instance-wide roles when it lists them, the custom permissions when it lists them.
import { createHash } from "node:crypto";
import { roleKeyFromName } from "../../engine/index.js";
import { ClerkError } from "../../errors.js";
import { closest } from "../../suggest.js";
import { BUILT_IN_FORMS } from "../workflows/index.js";
import { diffInstanceKinds } from "./config.instance.js";
import { assertKeepsManager, diffMembers } from "./config.members.js";
import { type State, type StateGrant, type StateRole, configOf } from "./config.state.js";
import { diffWorkflowKinds } from "./config.workflows.js";

export type ChangeKind =
  | "permission"
  | "organization"
  | "role"
  | "role_defaults"
  | "file_set"
  | "form"
  | "workflow"
  | "member"
  | "notification_provider"
  | "settings";

export interface FieldChange {
  field: string;
  before: string | number | boolean | string[] | null;
  after: string | number | boolean | string[] | null;
}

export interface Change {
  action: "create" | "update" | "delete";
  kind: ChangeKind;
  /** The organization's slug for its roles; null for instance-wide things. */
  organization: string | null;
  /** The key or slug of what changes. */
  key: string;
  fields: FieldChange[];
}

export interface Plan {
  /** sha256 of the current state the plan was made from. */
  base: string;
  /** sha256 of the base and the changes: what `config.applied` records. */
  hash: string;
  prune: boolean;
  /** Whether members were compared (`--with-members`). */
  withMembers: boolean;
  changes: Change[];
}

const sha256 = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/** The hash of a state, to tell whether the store moved since a plan. */
export function stateHash(state: State): string {
  return sha256(configOf(state));
}

export function grantText(g: StateGrant): string {
  const scopes = g.scopes.length > 0 ? ` [${g.scopes.join(", ")}]` : "";
  const until = g.expiresAt !== null ? ` until ${new Date(g.expiresAt).toISOString()}` : "";
  return `${g.permission}${scopes}${until}`;
}

function compare(fields: FieldChange[], field: string, before: FieldChange["before"], after: FieldChange["after"]) {
  if (JSON.stringify(before) !== JSON.stringify(after)) fields.push({ field, before, after });
}

function roleFields(before: StateRole | undefined, after: StateRole): FieldChange[] {
  const fields: FieldChange[] = [];
  compare(fields, "name", before?.name ?? null, after.name);
  compare(fields, "description", before?.description ?? null, before ? after.description : after.description || null);
  compare(fields, "extends", before?.extends ?? [], after.extends);
  const old = new Map((before?.grants ?? []).map((g) => [g.permission, grantText(g)]));
  const now = new Map(after.grants.map((g) => [g.permission, grantText(g)]));
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort())
    compare(fields, `permissions.${key}`, old.get(key) ?? null, now.get(key) ?? null);
  return fields.filter((f) => !(before === undefined && f.after === null));
}

function diffRoles(
  changes: Change[],
  organization: string | null,
  desired: Map<string, StateRole>,
  current: Map<string, StateRole>,
  prune: boolean,
) {
  for (const [key, role] of [...desired].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const fields = roleFields(current.get(key), role);
    if (current.has(key) && fields.some((f) => f.field === "name")) assertRenameKeepsKey(role, organization);
    if (!current.has(key)) changes.push({ action: "create", kind: "role", organization, key, fields });
    else if (fields.length > 0) changes.push({ action: "update", kind: "role", organization, key, fields });
  }
  if (!prune) return;
  for (const key of [...current.keys()].sort())
    if (!desired.has(key)) changes.push({ action: "delete", kind: "role", organization, key, fields: [] });
}

const BUILT_IN = ["org:admin", "org:member", "org:audit_reader"];

/** Renaming a role gives it the key of its new name (built-in roles excepted); the file's key must agree. */
function assertRenameKeepsKey(role: StateRole, organization: string | null): void {
  if (BUILT_IN.includes(role.key)) return;
  let key: string | undefined;
  try {
    key = roleKeyFromName(role.name);
  } catch {
    key = undefined;
  }
  if (key === role.key) return;
  throw new ClerkError(
    "input.invalid",
    `Renaming role ${role.key}${organization ? ` in ${organization}` : ""} to "${role.name}" would change its key to ${key ?? "(none)"}: a renamed role takes its new name's key. Keep the name, or give the role a name whose key is ${role.key}.`,
    { param: "name", details: { key: role.key, name: role.name } },
  );
}

/** Fails with the nearest match when a role, parent or default names something the result would not have. */
function checkReferences(desired: State, current: State, prune: boolean): void {
  // What the store will hold: the file's roles, and (unless pruned) the ones it does not list.
  const merged = (want: Map<string, StateRole> | undefined, have: Map<string, StateRole> | undefined) =>
    new Map([...(want && prune ? [] : (have ?? [])), ...(want ?? [])]);
  const instanceRoles = merged(desired.instanceRoles, current.instanceRoles);
  const orgs = new Map([...current.organizations, ...desired.organizations]);
  const rolesOf = (slug: string) =>
    merged(desired.organizations.get(slug)?.roles, current.organizations.get(slug)?.roles);
  for (const [which, ref] of Object.entries(desired.roleDefaults)) {
    if (ref !== undefined && !instanceRoles.has(ref)) throw unknownRole(ref, [...instanceRoles.keys()], which);
  }
  const check = (role: StateRole, usable: string[], where: string) => {
    for (const parent of role.extends)
      if (!usable.includes(parent)) throw unknownRole(parent, usable, `extends of ${role.key} in ${where}`);
  };
  for (const role of desired.instanceRoles?.values() ?? []) check(role, [...instanceRoles.keys()], "the instance");
  for (const org of desired.organizations.values()) {
    if (org.parent !== null && !orgs.has(org.parent)) {
      throw new ClerkError(
        "org.not_found",
        `Organization ${org.slug} names the parent "${org.parent}", which neither the file nor the store has.${suggest(org.parent, [...orgs.keys()])}`,
        { param: "parent" },
      );
    }
    const usable = [...instanceRoles.keys()];
    // What the org's members may hold, by key: its own roles over its ancestors' over instance-wide ones.
    const held = new Map(instanceRoles);
    const chain: Map<string, StateRole>[] = [];
    for (let at: string | null = org.slug, hops = 0; at !== null && hops <= orgs.size; hops++) {
      const own = rolesOf(at);
      usable.push(...(own?.keys() ?? []));
      if (own) chain.unshift(own);
      at = orgs.get(at)?.parent ?? null;
    }
    for (const own of chain) for (const [k, r] of own) held.set(k, r);
    for (const role of org.roles?.values() ?? []) check(role, usable, org.slug);
    const forms = [
      ...BUILT_IN_FORMS.map((f) => f.name),
      ...(org.forms?.keys() ?? []),
      ...(current.organizations.get(org.slug)?.forms?.keys() ?? []),
    ];
    for (const wf of org.workflows?.values() ?? []) {
      for (const stage of wf.stages) {
        const where = `stage "${stage.name}" of workflow ${wf.slug} in ${org.slug}`;
        if (!usable.includes(stage.requiresRole)) throw unknownRole(stage.requiresRole, usable, where);
        const to = stage.escalation?.escalateTo;
        if (to !== undefined && !usable.includes(to)) throw unknownRole(to, usable, `escalation of ${where}`);
        if (stage.form !== null && !forms.includes(stage.form))
          throw new ClerkError("form.not_found", `No form "${stage.form}" (${where}).${suggest(stage.form, forms)}`, {
            param: "form",
          });
      }
    }
    if (org.members) {
      for (const m of org.members.values())
        for (const r of m.roles)
          if (!usable.includes(r)) throw unknownRole(r, usable, `roles of member ${m.email} in ${org.slug}`);
      const before = current.organizations.get(org.slug)?.members ?? new Map();
      const after = prune ? org.members : new Map([...before, ...org.members]);
      assertKeepsManager(org.slug, after, before, held);
    }
  }
}

const suggest = (ref: string, known: readonly string[]) => {
  const near = closest(ref, known);
  return near.length > 0 ? ` Did you mean ${near.map((k) => `"${k}"`).join(" or ")}?` : "";
};

function unknownRole(ref: string, known: readonly string[], where: string): ClerkError {
  return new ClerkError("role.not_found", `No role "${ref}" (${where}).${suggest(ref, known)}`, {
    param: "role",
    details: { ref },
  });
}

/** The changes from `current` to `desired`, in the order apply makes them. */
export function makePlan(desired: State, current: State, options: { prune: boolean; withMembers?: boolean }): Plan {
  checkReferences(desired, current, options.prune);
  const changes: Change[] = [];
  const currentPermissions = current.permissions ?? new Map();
  const wanted = new Set([...(desired.permissions?.keys() ?? []), ...desired.referenced]);
  for (const key of [...wanted].sort()) {
    const want = desired.permissions?.get(key);
    const have = currentPermissions.get(key);
    if (have === undefined && !current.referenced.has(key)) {
      const fields: FieldChange[] = [];
      if (want?.name !== undefined) fields.push({ field: "name", before: null, after: want.name });
      if (want?.description) fields.push({ field: "description", before: null, after: want.description });
      // A permission only granted (not listed) is created by the role that grants it; shown for the record.
      changes.push({ action: "create", kind: "permission", organization: null, key, fields });
    } else if (want && have) {
      const fields: FieldChange[] = [];
      if (want.name !== undefined) compare(fields, "name", have.name ?? null, want.name);
      compare(fields, "description", have.description ?? "", want.description ?? "");
      if (fields.length > 0) changes.push({ action: "update", kind: "permission", organization: null, key, fields });
    }
  }
  for (const org of desired.organizations.values()) {
    const have = current.organizations.get(org.slug);
    const fields: FieldChange[] = [];
    compare(fields, "name", have?.name ?? null, org.name);
    compare(fields, "description", have ? have.description : null, have ? org.description : org.description || null);
    compare(fields, "parent", have?.parent ?? null, org.parent);
    compare(fields, "inherit_ancestor_read", have?.inheritAncestorRead ?? true, org.inheritAncestorRead);
    compare(fields, "max_allowed_memberships", have?.maxAllowedMemberships ?? 0, org.maxAllowedMemberships);
    if (!have) changes.push({ action: "create", kind: "organization", organization: null, key: org.slug, fields });
    else if (fields.length > 0)
      changes.push({ action: "update", kind: "organization", organization: null, key: org.slug, fields });
  }
  if (desired.instanceRoles)
    diffRoles(changes, null, desired.instanceRoles, current.instanceRoles ?? new Map(), options.prune);
  for (const org of desired.organizations.values()) {
    if (org.roles)
      diffRoles(changes, org.slug, org.roles, current.organizations.get(org.slug)?.roles ?? new Map(), options.prune);
  }
  for (const org of desired.organizations.values()) {
    const have = current.organizations.get(org.slug);
    diffWorkflowKinds(changes, org.slug, org, have ?? {}, options.prune);
    if (org.members) diffMembers(changes, org.slug, org.members, have?.members ?? new Map(), options.prune);
  }
  diffInstanceKinds(changes, desired, current);
  const defaults: FieldChange[] = [];
  for (const which of ["creator", "default"] as const) {
    const want = desired.roleDefaults[which];
    if (want !== undefined) compare(defaults, which, current.roleDefaults[which] ?? null, want);
  }
  if (defaults.length > 0)
    changes.push({
      action: "update",
      kind: "role_defaults",
      organization: null,
      key: "role_defaults",
      fields: defaults,
    });
  if (options.prune && desired.permissions) {
    for (const key of [...currentPermissions.keys()].sort())
      if (!wanted.has(key)) changes.push({ action: "delete", kind: "permission", organization: null, key, fields: [] });
  }
  const base = stateHash(current);
  const withMembers = options.withMembers === true;
  return { base, hash: sha256({ base, changes }), prune: options.prune, withMembers, changes };
}
