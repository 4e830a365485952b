// Guards on role changes: no inheritance cycles, and no change that leaves an organization without a manager.
import type { ServiceContext } from "../../context.js";
import { findInheritanceCycle } from "../../engine/index.js";
import { keepingManagers } from "../access/index.js";
import { inheritanceCycle } from "./role.errors.js";
import { findRoleRowById, linksAbove, linksBelow, organizationsHoldingRoles } from "../policy/index.js";

/** Organizations whose members hold this role or one that inherits from it: where a change to it lands. */
async function organizationsUsing(ctx: ServiceContext, roleId: string): Promise<string[]> {
  const links = await linksBelow(ctx.db, [roleId]);
  const affected = new Set([roleId]);
  for (let grew = true; grew;) {
    grew = false;
    for (const l of links) {
      if (affected.has(l.parent_id) && !affected.has(l.role_id)) {
        affected.add(l.role_id);
        grew = true;
      }
    }
  }
  return organizationsHoldingRoles(ctx.db, [...affected]);
}

/** Applies a change to a role under the last-manager guard of every organization it reaches. */
export async function guardedRoleChange<T>(ctx: ServiceContext, roleId: string, change: () => Promise<T>): Promise<T> {
  return keepingManagers(ctx, await organizationsUsing(ctx, roleId), change);
}

/** Refuses parents for `roleId` that would close an inheritance cycle, naming it from the changed role. */
export async function assertNoCycle(
  ctx: ServiceContext,
  roleId: string,
  roleName: string,
  parentIds: readonly string[],
): Promise<void> {
  // A cycle the new parents close runs through this role, so it lies in the graph above them.
  const links = await linksAbove(ctx.db, parentIds);
  const graph = new Map<string, string[]>();
  for (const l of links) if (l.role_id !== roleId) graph.set(l.role_id, [...(graph.get(l.role_id) ?? []), l.parent_id]);
  graph.set(roleId, [...parentIds]);
  const cycle = findInheritanceCycle([...graph].map(([id, parents]) => ({ id, parentIds: parents })));
  if (!cycle) return;
  // Start the named cycle at the role being changed, which is where the reader is looking.
  const ring = cycle.slice(0, -1);
  const at = Math.max(0, ring.indexOf(roleId));
  const ordered = [...ring.slice(at), ...ring.slice(0, at)];
  ordered.push(ordered[0] as string);
  const names = await Promise.all(
    ordered.map(async (id) => (id === roleId ? roleName : ((await findRoleRowById(ctx.db, id))?.name ?? id))),
  );
  throw inheritanceCycle(names);
}
