// Compiles one organization's policy into the index the check path reads: per-role entries, never per user.
import { EngineInputError } from "./errors.js";
import type { CompiledGrant, Entry, HeldSlot, Slot } from "./grant-entries.js";
import { buildEntries, compileGrant } from "./grant-entries.js";
import { parsePermissionKey } from "./keys.js";
import type { Denials } from "./reasons.js";
import { denialsFor } from "./reasons.js";
import type { PermissionRegistry } from "./registry.js";
import { createRegistry, intern } from "./registry.js";
import { parentsFirst } from "./role-graph.js";
import { holderWords, rowStride, setHolder, WORD, writeRow } from "./role-rows.js";
import { formatScope, parseScope } from "./scope.js";
import type { CompiledScope } from "./pattern.js";
import type { OrgPolicy, PolicyGrant, PolicyMember, PolicyRole } from "./types.js";

/**
 * Every role's entries, in one block per role, as parallel arrays; shared by a policy and those
 * derived from it, append-only. Most entries hold a permanent unscoped grant, which the check path
 * answers from the role's row alone, so for those only the slot is kept, not an Entry: the heap
 * stays a fraction of the size and the entries that are read stay close together.
 */
export interface Arena {
  /** The entry, or for one with a permanent unscoped grant just that grant's slot. */
  readonly items: (Entry | Slot)[];
  readonly pids: number[];
  /** The reason the entry's unscoped grant allows, built on first use: the one pointer an allowed check reads. */
  readonly reasons: (string | null)[];
}

/** One organization's memberships, indexed for the check path. */
export interface MemberIndex {
  readonly ids: ReadonlyMap<string, number>;
  readonly members: readonly PolicyMember[];
  /** Member i holds roleList[roleStart[i]] .. roleList[roleStart[i + 1] - 1], in its roleIds order. */
  readonly roleStart: Int32Array;
  readonly roleList: Int32Array;
  /** Direct grants by permission id, or null for the (usual) member without any. */
  readonly direct: readonly (ReadonlyMap<number, Entry> | null)[];
  readonly directGrants: readonly (readonly CompiledGrant[])[];
}

/** An ancestor organization's memberships, with its own cache of allowed reasons. */
export interface CompiledAncestor {
  readonly organizationId: string;
  readonly label: string;
  readonly members: MemberIndex;
  /** Reasons name the ancestor, so they are cached apart from the entries' own: by arena index for a role's unscoped grant… */
  readonly roleReasons: Map<number, string>;
  /** …by entry for a direct grant's unscoped slot… */
  readonly directReasons: Map<Entry, string>;
  /** …and by held slot for a scoped one. */
  readonly scopedReasons: Map<HeldSlot, string>;
}

/**
 * One organization's policy, compiled. Pass it to check, explain, effectivePermissions, whoCan,
 * withRoleChanged and drainUsage; the fields past `inheritAncestorRead` are the engine's own.
 */
export interface CompiledPolicy {
  readonly organizationId: string;
  readonly label: string;
  readonly version: number;
  readonly inheritAncestorRead: boolean;
  /** The policy this answers for (withRoleChanged keeps its roles current). */
  readonly source: OrgPolicy;
  readonly registry: PermissionRegistry;
  /** The keys granted anywhere in this policy, by registry id. */
  readonly permIds: ReadonlyMap<string, number>;
  /** Known permission ids per feature, the set an `admin` grant is filed under. */
  readonly featurePids: ReadonlyMap<string, readonly number[]>;
  /** Compiled scopes by text, shared by every grant that names the same scope. */
  readonly scopes: Map<string, CompiledScope>;
  readonly roleIds: ReadonlyMap<string, number>;
  readonly roles: readonly PolicyRole[];
  readonly parents: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
  /** Each role's own grants. */
  readonly grants: readonly (readonly CompiledGrant[])[];
  /** Each role's own grants plus every ancestor role's, each grant once. */
  readonly effective: readonly (readonly CompiledGrant[])[];
  readonly arena: Arena;
  /** The arena's length when this policy was made: only while it is still the length may this policy append in place. */
  readonly arenaLength: number;
  /** Arena entries this policy's own chain of changes has replaced; compaction is due when they outnumber the live ones. */
  readonly arenaDead: number;
  readonly roleBase: Int32Array;
  readonly roleSize: Int32Array;
  readonly rows: Int32Array;
  readonly stride: number;
  /** For each permission id below 32 * stride, a bit per role with an entry for it; see role-rows.ts. */
  readonly holders: Int32Array;
  readonly holderWords: number;
  readonly members: MemberIndex;
  readonly ancestors: readonly CompiledAncestor[];
  readonly denials: Denials;
}

/** The permission keys a policy knows, growing as grants are compiled. */
export interface KeySpace {
  readonly registry: PermissionRegistry;
  readonly scopes: Map<string, CompiledScope>;
  readonly permIds: Map<string, number>;
  readonly featurePids: Map<string, number[]>;
}

/**
 * Compiles one organization's policy. Work is per role (each role's grants plus all it inherits),
 * never per user, so a change recompiles one organization in time proportional to its roles.
 * @throws EngineInputError for duplicate ids, unknown role ids, an inheritance cycle, or a grant
 * whose key or scopes are not canonical.
 */
export function compilePolicy(policy: OrgPolicy): CompiledPolicy {
  const keys: KeySpace = { registry: createRegistry(), scopes: new Map(), permIds: new Map(), featurePids: new Map() };
  const roleIds = indexRoles(policy.roles);
  const parents = policy.roles.map((role) => role.parentIds.map((id) => parentIndex(roleIds, role, id)));
  const children: number[][] = policy.roles.map(() => []);
  parents.forEach((ps, child) => ps.forEach((p) => children[p]?.push(child)));
  const order = parentsFirst(
    policy.roles.map((r) => r.id),
    parents,
  );

  // Every key is interned before any entry is built, so an admin grant is filed under all of them.
  const grants = policy.roles.map((role, ri) =>
    role.grants.map((g) => compileValidGrant(keys, g, ri, `role "${role.name}" (${role.id})`)),
  );
  const direct = compileDirectGrants(keys, policy.members, policy.label);
  const ancestorDirect = policy.ancestors.map((a) => compileDirectGrants(keys, a.members, a.label));
  const members = indexMembers(policy.members, direct, roleIds, keys.featurePids, policy.label);
  const ancestors = policy.ancestors.map((a, i) => ({
    organizationId: a.organizationId,
    label: a.label,
    ...freshReasonCaches(),
    members: indexMembers(a.members, ancestorDirect[i] as CompiledGrant[][], roleIds, keys.featurePids, a.label),
  }));

  const effective: (readonly CompiledGrant[])[] = new Array(policy.roles.length);
  for (const ri of order)
    effective[ri] = inherit(
      grants[ri] as CompiledGrant[],
      (parents[ri] as number[]).map((p) => effective[p] as CompiledGrant[]),
    );

  const arena: Arena = { items: [], pids: [], reasons: [] };
  const stride = rowStride(keys.registry.keys.length);
  const rows = new Int32Array(WORD * stride * policy.roles.length);
  const roleBase = new Int32Array(policy.roles.length);
  const roleSize = new Int32Array(policy.roles.length);
  const words = holderWords(policy.roles.length);
  const holders = new Int32Array(32 * stride * words);
  for (let ri = 0; ri < policy.roles.length; ri++) {
    const block = buildEntries(ri, effective[ri] as CompiledGrant[], keys.featurePids);
    roleBase[ri] = arena.items.length;
    roleSize[ri] = block.length;
    appendBlock(arena, block);
    writeRow(rows, stride, ri, block);
    for (const e of block) setHolder(holders, words, e.pid, ri, true);
  }

  return {
    organizationId: policy.organizationId,
    label: policy.label,
    version: policy.version,
    inheritAncestorRead: policy.inheritAncestorRead,
    source: policy,
    registry: keys.registry,
    permIds: keys.permIds,
    featurePids: keys.featurePids,
    scopes: keys.scopes,
    roleIds,
    roles: policy.roles,
    parents,
    children,
    grants,
    effective,
    arena,
    arenaLength: arena.items.length,
    arenaDead: 0,
    roleBase,
    roleSize,
    rows,
    stride,
    holders,
    holderWords: words,
    members,
    ancestors,
    denials: denialsFor(policy.label),
  };
}

/** Appends a role's block of entries to the arena. */
export function appendBlock(arena: Arena, block: readonly Entry[]): void {
  for (const e of block) {
    arena.items.push(e.until === Infinity ? e.unscoped! : e);
    arena.pids.push(e.pid);
    arena.reasons.push(null);
  }
}

/** True when an arena item is a full entry rather than a permanent unscoped slot. */
export function isEntry(item: Entry | Slot): item is Entry {
  return (item as Partial<Entry>).holder !== undefined;
}

/** Empty caches for an ancestor's allowed reasons. */
export function freshReasonCaches(): Pick<CompiledAncestor, "roleReasons" | "directReasons" | "scopedReasons"> {
  return { roleReasons: new Map(), directReasons: new Map(), scopedReasons: new Map() };
}

/** A role's effective grants: its own first, then each parent's in order, each grant once. */
export function inherit(
  own: readonly CompiledGrant[],
  parents: readonly (readonly CompiledGrant[])[],
): CompiledGrant[] {
  if (parents.length === 0) return [...own];
  const seen = new Set<CompiledGrant>(own);
  const out = [...own];
  for (const list of parents) {
    for (const g of list) {
      if (seen.has(g)) continue;
      seen.add(g);
      out.push(g);
    }
  }
  return out;
}

/** Validates and compiles one grant, interning its key. */
export function compileValidGrant(keys: KeySpace, grant: PolicyGrant, owner: number, where: string): CompiledGrant {
  const parsed = parsePermissionKey(grant.permission);
  if (parsed.key !== grant.permission) {
    throw new EngineInputError(
      `Grant ${grant.id} of ${where} has permission "${grant.permission}"; the engine takes canonical keys, here ${parsed.key}.`,
    );
  }
  for (const scope of grant.scopes) {
    const text = formatScope(scope);
    const again = parseScope(text);
    if (again.type !== scope.type || again.pattern !== scope.pattern) {
      throw new EngineInputError(
        `Grant ${grant.id} of ${where} has scope "${text}" with surrounding spaces; expected ${formatScope(again)}.`,
      );
    }
  }
  return compileGrant(grant, addKey(keys, grant.permission), owner, keys.scopes);
}

/** Interns a key and records it as known to this policy. */
export function addKey(keys: KeySpace, key: string): number {
  const pid = intern(keys.registry, key);
  if (!keys.permIds.has(key)) {
    keys.permIds.set(key, pid);
    const feature = keys.registry.features[pid] as string;
    const list = keys.featurePids.get(feature);
    if (list === undefined) keys.featurePids.set(feature, [pid]);
    else list.push(pid);
  }
  return pid;
}

/** Validates and compiles each member's direct grants. */
export function compileDirectGrants(keys: KeySpace, members: readonly PolicyMember[], org: string): CompiledGrant[][] {
  return members.map((m) => m.grants.map((g) => compileValidGrant(keys, g, -1, `member ${m.label} of ${org}`)));
}

/** Indexes memberships: role indices in one flat array, direct grants as entries by permission id. */
export function indexMembers(
  members: readonly PolicyMember[],
  directGrants: readonly (readonly CompiledGrant[])[],
  roleIds: ReadonlyMap<string, number>,
  featurePids: ReadonlyMap<string, readonly number[]>,
  org: string,
): MemberIndex {
  const ids = new Map<string, number>();
  const roleStart = new Int32Array(members.length + 1);
  const roleList: number[] = [];
  members.forEach((m, mi) => {
    if (ids.has(m.userId))
      throw new EngineInputError(
        `User ${m.userId} (${m.label}) is listed twice among the members of ${org}; list each member once.`,
      );
    ids.set(m.userId, mi);
    roleStart[mi] = roleList.length;
    for (const id of m.roleIds) {
      const ri = roleIds.get(id);
      if (ri === undefined)
        throw new EngineInputError(
          `Member ${m.label} of ${org} holds role id "${id}", which is not among the policy's roles.`,
        );
      roleList.push(ri);
    }
  });
  roleStart[members.length] = roleList.length;
  const direct = directGrants.map((own) => (own.length === 0 ? null : directEntries(own, featurePids)));
  return { ids, members, roleStart, roleList: Int32Array.from(roleList), direct, directGrants };
}

/** A membership's direct grants as entries by permission id. */
export function directEntries(
  own: readonly CompiledGrant[],
  featurePids: ReadonlyMap<string, readonly number[]>,
): Map<number, Entry> {
  return new Map(buildEntries(-1, own, featurePids).map((e) => [e.pid, e]));
}

function indexRoles(roles: readonly PolicyRole[]): Map<string, number> {
  const ids = new Map<string, number>();
  roles.forEach((role, ri) => {
    if (ids.has(role.id))
      throw new EngineInputError(`Role id ${role.id} appears twice in the policy; each role must be listed once.`);
    ids.set(role.id, ri);
  });
  return ids;
}

function parentIndex(roleIds: ReadonlyMap<string, number>, role: PolicyRole, parentId: string): number {
  const p = roleIds.get(parentId);
  if (p === undefined)
    throw new EngineInputError(
      `Role "${role.name}" (${role.id}) extends role id "${parentId}", which is not among the policy's roles.`,
    );
  return p;
}
