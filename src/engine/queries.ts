// Questions answered from the same index as checks: what a member holds, and who may do something.
import { allowedFor, resolvePermission } from "./check.js";
import type { CompiledPolicy } from "./compile.js";
import { EngineInputError } from "./errors.js";
import type { CompiledGrant } from "./grant-entries.js";
import { parsePermissionKey } from "./keys.js";
import { sourceText } from "./reasons.js";
import { formatScope, parseResource } from "./scope.js";
import type { EffectivePermission, WhoCanEntry } from "./types.js";

/**
 * The grants that apply to `subject` at `at`, one row per permission, scope set and expiry, with
 * every path it comes from ("role Senior Reviewer <- Code Reviewer", "direct grant", "ancestor
 * acme-engineering (read-only) via role Developer"). Sorted by permission. An `admin` grant is
 * listed as itself (it covers every action of its feature); through an ancestor it shows as the
 * read it gives.
 */
export function effectivePermissions(policy: CompiledPolicy, subject: string, at: number): EffectivePermission[] {
  const p = policy;
  const rows = new Map<string, EffectivePermission>();
  const add = (permission: string, g: CompiledGrant, source: string): void => {
    const id = `${permission}|${g.source.scopes.map(formatScope).join(",")}|${g.source.expiresAt ?? ""}`;
    const row = rows.get(id);
    if (row === undefined) {
      rows.set(id, {
        permission,
        scopes: g.source.scopes.map((s) => ({ ...s })),
        expiresAt: g.source.expiresAt,
        sources: [source],
      });
    } else if (!row.sources.includes(source)) {
      row.sources.push(source);
    }
  };
  const each = (index: typeof p.members, mi: number, visit: (g: CompiledGrant, source: string) => void): void => {
    for (let k = index.roleStart[mi]!; k < index.roleStart[mi + 1]!; k++) {
      const holder = index.roleList[k]!;
      for (const g of p.effective[holder] ?? []) if (at < g.until) visit(g, sourceText(p, holder, g.owner));
    }
    for (const g of index.directGrants[mi] ?? []) if (at < g.until) visit(g, "direct grant");
  };

  const mi = p.members.ids.get(subject);
  if (mi !== undefined) {
    each(p.members, mi, (g, source) => add(g.key, g, source));
  } else if (p.inheritAncestorRead) {
    for (const a of p.ancestors) {
      const ami = a.members.ids.get(subject);
      if (ami === undefined) continue;
      each(a.members, ami, (g, source) => {
        const via = `ancestor ${a.label} (read-only) via ${source}`;
        if (g.action === "read") add(g.key, g, via);
        else if (g.isAdmin) add(`org:${g.feature}:read`, g, `${via} (${g.key})`);
      });
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      compare(a.permission, b.permission) ||
      compare(a.scopes.map(formatScope).join(","), b.scopes.map(formatScope).join(",")) ||
      (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity),
  );
}

/**
 * The members who may use `permission` (on `resource`, when given) at `at`, each with the path
 * that allows it: members in policy order, then members of ancestors (nearest first) who get read
 * access here. Takes the canonical key or the shorthand. Not counted as usage.
 * @throws EngineInputError for a malformed permission key or resource.
 */
export function whoCan(
  policy: CompiledPolicy,
  permission: string,
  resource: string | undefined,
  at: number,
): WhoCanEntry[] {
  const p = policy;
  const key = parsePermissionKey(permission);
  if (resource !== undefined) parseResource(resource);
  const pid = resolvePermission(p, key.key);
  if (pid === -1)
    throw new EngineInputError(`Permission "${permission}" cannot be checked; expected org:<feature>:<action>.`);
  if (pid === -2) return [];
  const out: WhoCanEntry[] = [];
  p.members.members.forEach((m, mi) => {
    const reason = allowedFor(p, p.members, mi, pid, resource, at, null);
    if (reason !== null) out.push({ userId: m.userId, label: m.label, reason: reason.replace(/^allowed: /, "") });
  });
  if (!p.inheritAncestorRead || key.action !== "read") return out;
  const listed = new Set<string>();
  for (const a of p.ancestors) {
    a.members.members.forEach((m, ami) => {
      if (p.members.ids.has(m.userId) || listed.has(m.userId)) return;
      const reason = allowedFor(p, a.members, ami, pid, resource, at, a);
      if (reason === null) return;
      listed.add(m.userId);
      out.push({ userId: m.userId, label: m.label, reason: reason.replace(/^allowed: /, "") });
    });
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The members who hold `roleId` directly or through a role that extends it, in policy order (by e-mail).
 * Members of ancestor organizations are not members here and are not listed. Unknown roles hold nobody.
 */
export function membersWithRole(policy: CompiledPolicy, roleId: string): { userId: string; label: string }[] {
  const start = policy.roleIds.get(roleId);
  if (start === undefined) return [];
  const holding = new Set<string>();
  const queue = [start];
  for (let k = 0; k < queue.length; k++) {
    const ri = queue[k] as number;
    const role = policy.roles[ri];
    if (role === undefined || holding.has(role.id)) continue;
    holding.add(role.id);
    queue.push(...(policy.children[ri] ?? []));
  }
  return policy.source.members
    .filter((m) => m.roleIds.some((r) => holding.has(r)))
    .map((m) => ({ userId: m.userId, label: m.label }));
}
