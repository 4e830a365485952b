// Incremental recompile: a changed role and the roles that inherit from it, sharing everything else.
import type { Arena, CompiledAncestor, CompiledPolicy, KeySpace, MemberIndex } from "./compile.js";
import { appendBlock, compileValidGrant, directEntries, freshReasonCaches, inherit, isEntry } from "./compile.js";
import { EngineInputError } from "./errors.js";
import type { CompiledGrant, Entry } from "./grant-entries.js";
import { buildEntries } from "./grant-entries.js";
import { cycleMessage, findInheritanceCycle, withDescendants } from "./role-graph.js";
import type { RowCell } from "./role-rows.js";
import { holderWords, rankOf, rowStride, setHolder, WORD, writeRow } from "./role-rows.js";
import type { PolicyRole } from "./types.js";

/**
 * The policy with `role` replaced (matched by id) or added. Only that role and its descendants
 * are recomputed; every other role's entries are shared with `policy`, which stays valid. Answers
 * are the same as a full compile of the changed policy. Usage counters are shared with `policy`,
 * so swapping one for the other loses no counts. Meant for a chain (each change applied to the
 * latest policy); changing an older policy again also works, but copies every entry once.
 * @throws EngineInputError for an unknown parent id, a cycle (named), or a malformed grant.
 */
export function withRoleChanged(policy: CompiledPolicy, role: PolicyRole): CompiledPolicy {
  const p = policy;
  const existing = p.roleIds.get(role.id);
  const ri = existing ?? p.roles.length;
  const count = existing === undefined ? p.roles.length + 1 : p.roles.length;
  const parentIdx = role.parentIds.map((id) => {
    const parent = id === role.id ? ri : p.roleIds.get(id);
    if (parent === undefined)
      throw new EngineInputError(
        `Role "${role.name}" (${role.id}) extends role id "${id}", which is not among the policy's roles.`,
      );
    return parent;
  });
  const affected = existing === undefined ? [ri] : withDescendants(ri, p.children);
  const inSubtree = new Set(affected);
  if (parentIdx.some((parent) => inSubtree.has(parent))) {
    throw new EngineInputError(cycleMessage(findInheritanceCycle(p.roles, role) ?? [role.id, role.id]));
  }

  // Keys are copied only when the role brings new ones, the rare case.
  const fresh = role.grants.some((g) => !p.permIds.has(g.permission));
  const keys: KeySpace = {
    registry: p.registry,
    scopes: p.scopes,
    permIds: fresh ? new Map(p.permIds) : (p.permIds as Map<string, number>),
    featurePids: fresh
      ? new Map([...p.featurePids].map(([f, ids]) => [f, [...ids]]))
      : (p.featurePids as Map<string, number[]>),
  };
  const own = role.grants.map((g) => compileValidGrant(keys, g, ri, `role "${role.name}" (${role.id})`));
  const newPids = fresh
    ? [...keys.permIds.values()].filter((pid) => !p.permIds.has(p.registry.keys[pid] as string))
    : [];

  const roles = [...p.roles];
  roles[ri] = role;
  const parents = [...p.parents];
  parents[ri] = parentIdx;
  const children = [...p.children];
  if (existing === undefined) children[ri] = [];
  for (const old of p.parents[ri] ?? []) children[old] = (children[old] ?? []).filter((c) => c !== ri);
  for (const parent of parentIdx) children[parent] = [...(children[parent] ?? []), ri];
  const grants = [...p.grants];
  grants[ri] = own;
  const effective = [...p.effective];
  for (const r of parentsFirstWithin(affected, parents, inSubtree)) {
    effective[r] = inherit(
      grants[r] ?? [],
      (parents[r] ?? []).map((parent) => effective[parent] ?? []),
    );
  }

  // A new key of a feature someone holds admin on must be filed under that admin grant too.
  const adminPids = [...new Set(newPids.map((pid) => p.permIds.get(`org:${p.registry.features[pid]}:admin`)))].filter(
    (x) => x !== undefined,
  );
  const rebuild = [...affected];
  if (adminPids.length > 0) {
    for (let r = 0; r < p.roles.length; r++) {
      if (!inSubtree.has(r) && adminPids.some((pid) => rankOf(p.rows, p.stride, r, pid) >= 0)) rebuild.push(r);
    }
  }

  let arena: Arena = p.arena;
  const roleBase = grow(p.roleBase, count);
  const roleSize = grow(p.roleSize, count);
  const built = rebuild.map((r) => buildEntries(r, effective[r] ?? [], keys.featurePids));
  // The newest policy of a chain appends its new blocks in place. A second change to an older
  // policy starts a fresh arena instead, so branching cannot grow a shared arena without bound.
  let dead = p.arenaDead;
  for (const r of rebuild) {
    dead += roleSize[r]!;
    roleSize[r] = 0;
  }
  const live = roleSize.reduce((sum, n) => sum + n, 0) + built.reduce((sum, b) => sum + b.length, 0);
  if (dead > live + 4096 || p.arena.items.length !== p.arenaLength) {
    arena = compact(p.arena, roleBase, roleSize, count);
    dead = 0;
  }
  rebuild.forEach((r, i) => {
    const block = built[i]!;
    roleBase[r] = arena.items.length;
    roleSize[r] = block.length;
    appendBlock(arena, block);
  });

  const relayout = newPids.some((pid) => pid >>> 5 >= p.stride) || holderWords(count) > p.holderWords;
  const stride = relayout ? rowStride(p.registry.keys.length) : p.stride;
  const words = relayout ? holderWords(count) : p.holderWords;
  const rows = new Int32Array(WORD * stride * count);
  let holders: Int32Array;
  if (relayout) {
    holders = new Int32Array(32 * stride * words);
    for (let r = 0; r < count; r++) {
      const cells = cellsOf(arena, roleBase[r]!, roleSize[r]!);
      writeRow(rows, stride, r, cells);
      for (const cell of cells) setHolder(holders, words, cell.pid, r, true);
    }
  } else {
    rows.set(p.rows.subarray(0, Math.min(p.rows.length, rows.length)));
    holders = new Int32Array(p.holders);
    rebuild.forEach((r, i) => {
      for (let k = p.roleBase[r] ?? 0; k < (p.roleBase[r] ?? 0) + (p.roleSize[r] ?? 0); k++)
        setHolder(holders, words, p.arena.pids[k]!, r, false);
      for (const e of built[i]!) setHolder(holders, words, e.pid, r, true);
      writeRow(rows, stride, r, built[i]!);
    });
  }

  const refile = (index: MemberIndex): MemberIndex => refileDirect(index, adminPids, keys.featurePids);
  const ancestors: CompiledAncestor[] = p.ancestors.map((a) => ({
    ...a,
    members: refile(a.members),
    ...freshReasonCaches(),
  }));
  return {
    ...p,
    source: { ...p.source, roles },
    permIds: keys.permIds,
    featurePids: keys.featurePids,
    roleIds: existing === undefined ? new Map([...p.roleIds, [role.id, ri]]) : p.roleIds,
    roles,
    parents,
    children,
    grants,
    effective,
    arena,
    arenaLength: arena.items.length,
    arenaDead: dead,
    roleBase,
    roleSize,
    rows,
    stride,
    holders,
    holderWords: words,
    members: refile(p.members),
    ancestors,
  };
}

// Kahn's algorithm over the affected roles only; parents outside the set are already final.
function parentsFirstWithin(
  affected: readonly number[],
  parents: readonly (readonly number[])[],
  inSet: ReadonlySet<number>,
): number[] {
  const pending = new Map<number, number>();
  const children = new Map<number, number[]>();
  for (const r of affected) {
    const inside = (parents[r] ?? []).filter((parent) => inSet.has(parent));
    pending.set(r, inside.length);
    for (const parent of inside) children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const order = affected.filter((r) => pending.get(r) === 0);
  for (let k = 0; k < order.length; k++) {
    for (const child of children.get(order[k]!) ?? []) {
      const left = pending.get(child)! - 1;
      pending.set(child, left);
      if (left === 0) order.push(child);
    }
  }
  return order;
}

// Members whose direct admin grant must also cover the new keys get their entries rebuilt.
function refileDirect(
  index: MemberIndex,
  adminPids: readonly number[],
  featurePids: ReadonlyMap<string, readonly number[]>,
): MemberIndex {
  if (adminPids.length === 0) return index;
  let direct: (ReadonlyMap<number, Entry> | null)[] | null = null;
  index.direct.forEach((entries, mi) => {
    if (entries === null || !adminPids.some((pid) => entries.has(pid))) return;
    direct ??= [...index.direct];
    direct[mi] = directEntries(index.directGrants[mi] as CompiledGrant[], featurePids);
  });
  return direct === null ? index : { ...index, direct };
}

// Copies live blocks into a fresh arena once dead ones (from earlier changes) outnumber them.
function compact(old: Arena, roleBase: Int32Array, roleSize: Int32Array, count: number): Arena {
  const arena: Arena = { items: [], pids: [], reasons: [] };
  for (let r = 0; r < count; r++) {
    const from = roleBase[r]!;
    roleBase[r] = arena.items.length;
    for (let i = from; i < from + roleSize[r]!; i++) {
      arena.items.push(old.items[i]!);
      arena.pids.push(old.pids[i]!);
      arena.reasons.push(old.reasons[i] ?? null);
    }
  }
  return arena;
}

// A role's row as recorded in the arena, for laying rows out again with a wider stride.
function cellsOf(arena: Arena, base: number, size: number): RowCell[] {
  const cells: RowCell[] = [];
  for (let i = base; i < base + size; i++) {
    const item = arena.items[i]!;
    cells.push(isEntry(item) ? item : { pid: arena.pids[i]!, until: Infinity, scoped: false });
  }
  return cells;
}

function grow(a: Int32Array, length: number): Int32Array {
  const out = new Int32Array(length);
  out.set(a.subarray(0, Math.min(a.length, length)));
  return out;
}
