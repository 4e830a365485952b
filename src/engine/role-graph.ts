// The role inheritance graph: cycle finding for the service layer, ordering and descendants for compile.
import { EngineInputError } from "./errors.js";

/** The part of a role the inheritance graph needs. */
export interface RoleNode {
  id: string;
  parentIds: readonly string[];
}

/**
 * Finds an inheritance cycle, following each role to its parents, and returns it as role ids in
 * order with the first repeated at the end (`[a, b, c, a]`: a extends b extends c extends a).
 * `changed`, when given, is a proposed new or edited role that replaces the one with its id; a
 * cycle through it is reported first, since that is the one the change would create.
 * Parent ids that name no role are ignored here. Returns null when there is no cycle.
 */
export function findInheritanceCycle(roles: readonly RoleNode[], changed?: RoleNode): string[] | null {
  const parents = new Map<string, readonly string[]>();
  for (const role of roles) parents.set(role.id, role.parentIds);
  if (changed !== undefined) parents.set(changed.id, changed.parentIds);

  const done = new Set<string>();
  const starts = changed === undefined ? [...parents.keys()] : [changed.id, ...parents.keys()];
  for (const start of starts) {
    if (done.has(start)) continue;
    const cycle = walkFrom(start, parents, done);
    if (cycle !== null) return cycle;
  }
  return null;
}

// Iterative depth-first search, so a long chain cannot overflow the stack.
function walkFrom(start: string, parents: ReadonlyMap<string, readonly string[]>, done: Set<string>): string[] | null {
  const stack: string[] = [start];
  const next: number[] = [0];
  const onStack = new Map<string, number>([[start, 0]]);
  while (stack.length > 0) {
    const top = stack.length - 1;
    const id = stack[top] as string;
    const ps = parents.get(id) ?? [];
    const i = next[top] as number;
    if (i >= ps.length) {
      stack.pop();
      next.pop();
      onStack.delete(id);
      done.add(id);
      continue;
    }
    next[top] = i + 1;
    const parent = ps[i] as string;
    const at = onStack.get(parent);
    if (at !== undefined) return [...stack.slice(at), parent];
    if (done.has(parent) || !parents.has(parent)) continue;
    onStack.set(parent, stack.length);
    stack.push(parent);
    next.push(0);
  }
  return null;
}

/**
 * Orders role indices so every role comes after all its parents.
 * @throws EngineInputError naming the cycle when there is one.
 */
export function parentsFirst(ids: readonly string[], parents: readonly (readonly number[])[]): number[] {
  const pending = parents.map((ps) => ps.length);
  const children: number[][] = ids.map(() => []);
  parents.forEach((ps, child) => ps.forEach((p) => children[p]?.push(child)));
  const order: number[] = [];
  pending.forEach((n, i) => {
    if (n === 0) order.push(i);
  });
  for (let k = 0; k < order.length; k++) {
    for (const child of children[order[k] as number] ?? []) {
      const left = (pending[child] as number) - 1;
      pending[child] = left;
      if (left === 0) order.push(child);
    }
  }
  if (order.length < ids.length) {
    const nodes = ids.map((id, i) => ({ id, parentIds: (parents[i] ?? []).map((p) => ids[p] as string) }));
    throw new EngineInputError(cycleMessage(findInheritanceCycle(nodes) ?? []));
  }
  return order;
}

/** The role and every role that inherits from it, directly or not, in breadth-first order. */
export function withDescendants(start: number, children: readonly (readonly number[])[]): number[] {
  const seen = new Set<number>([start]);
  const out = [start];
  for (let k = 0; k < out.length; k++) {
    for (const child of children[out[k] as number] ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
    }
  }
  return out;
}

/** The error text for a cycle, naming it in order. */
export function cycleMessage(cycle: readonly string[]): string {
  return `Role inheritance has a cycle (${cycle.join(" -> ")}); a role cannot extend itself, directly or through other roles.`;
}
