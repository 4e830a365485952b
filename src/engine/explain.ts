// The slow, full answer to a check: the path that allowed it, or what was missing and the nearest miss.
import { resolvePermission } from "./check.js";
import type { CompiledPolicy, MemberIndex } from "./compile.js";
import { isEntry } from "./compile.js";
import type { CompiledGrant, Slot } from "./grant-entries.js";
import { matchEntry } from "./grant-entries.js";
import { splitCanonicalKey } from "./keys.js";
import { matchesCompiled, resourceKey } from "./pattern.js";
import { isoTime, rolePath, slotText, sourceText } from "./reasons.js";
import { rankOf } from "./role-rows.js";
import type { CheckQuery, Explanation, ExplainStep } from "./types.js";

/** Where a member's grant sits: the role they hold (or -1 for a direct grant) and the grant. */
interface Held {
  holder: number;
  grant: CompiledGrant;
}

/**
 * Answers a check like {@link check} (same `allowed`, never counted as usage) with the full path:
 * member (or ancestor membership) -> role -> parent roles -> grant -> scope, or for a denial what
 * was missing and the nearest miss, e.g. "Developer grants org:code:read on repository:*-app, not
 * org:code:write".
 */
export function explain(policy: CompiledPolicy, q: CheckQuery): Explanation {
  const p = policy;
  const pid = resolvePermission(p, q.permission);
  if (pid === -1) {
    return {
      allowed: false,
      reason: `denied: "${q.permission}" is not a permission key; expected org:<feature>:<action>, e.g. org:code:read`,
      path: [],
    };
  }
  const wanted = splitCanonicalKey(q.permission);
  const key = resourceKey(q.resource);
  const mi = p.members.ids.get(q.subject);
  if (mi !== undefined) {
    const member = p.members.members[mi]!;
    const start: ExplainStep[] = [{ kind: "member", id: member.userId, label: member.label }];
    const found = pid < 0 ? null : findAllowing(p, p.members, mi, pid, key, q.at);
    if (found !== null) return allowedExplanation(p, start, found.holder, found.slot, q.resource);
    const miss = nearestMiss(p, heldBy(p, p.members, mi), q, wanted, key);
    const missing = `denied: no role or direct grant of ${member.label} in ${p.label} allows ${q.permission}${onResource(q.resource)}`;
    return denied(missing, miss);
  }
  const memberships = p.ancestors.flatMap((a) => {
    const ami = a.members.ids.get(q.subject);
    return ami === undefined ? [] : [{ ancestor: a, mi: ami }];
  });
  if (memberships.length === 0) {
    const where = p.inheritAncestorRead && p.ancestors.length > 0 ? ` or of any of its ancestors` : "";
    return denied(`denied: ${q.subject} is not a member of ${p.label}${where}`, undefined);
  }
  const first = memberships[0]!;
  const who = first.ancestor.members.members[first.mi]!;
  if (!p.inheritAncestorRead) {
    return denied(
      `denied: ${who.label} is not a member of ${p.label}, and ${p.label} does not give members of ancestor ${first.ancestor.label} read access`,
      undefined,
    );
  }
  if (wanted.action !== "read") {
    return denied(
      `denied: ${who.label} is not a member of ${p.label}; as a member of ancestor ${first.ancestor.label} they get read access only, and ${q.permission} is not a read permission`,
      undefined,
    );
  }
  for (const { ancestor, mi: ami } of memberships) {
    const found = pid < 0 ? null : findAllowing(p, ancestor.members, ami, pid, key, q.at);
    if (found === null) continue;
    const start: ExplainStep[] = [
      { kind: "member", id: who.userId, label: who.label },
      { kind: "ancestor", id: ancestor.organizationId, label: `${ancestor.label} (read-only)` },
    ];
    return allowedExplanation(p, start, found.holder, found.slot, q.resource);
  }
  const held = memberships.flatMap(({ ancestor, mi: ami }) => heldBy(p, ancestor.members, ami));
  const labels = memberships.map((m) => m.ancestor.label).join(", ");
  return denied(
    `denied: ${who.label} is not a member of ${p.label}, and their membership of ${labels} grants no read that allows ${q.permission}${onResource(q.resource)}`,
    nearestMiss(p, held, q, wanted, key),
  );
}

/** The first (role order, then direct grants) holder and slot that allow the check, as check() finds it. */
function findAllowing(
  p: CompiledPolicy,
  index: MemberIndex,
  mi: number,
  pid: number,
  key: string | null,
  at: number,
): { holder: number; slot: Slot } | null {
  for (let k = index.roleStart[mi]!; k < index.roleStart[mi + 1]!; k++) {
    const ri = index.roleList[k]!;
    const rank = rankOf(p.rows, p.stride, ri, pid);
    if (rank < 0) continue;
    const item = p.arena.items[p.roleBase[ri]! + rank]!;
    const slot = isEntry(item) ? matchEntry(item, key, at) : item;
    if (slot !== null) return { holder: ri, slot };
  }
  const e = index.direct[mi]?.get(pid);
  const slot = e === undefined ? null : matchEntry(e, key, at);
  return slot === null ? null : { holder: -1, slot };
}

/** Every grant a membership holds, through each of its roles (inherited ones included) and directly. */
function heldBy(p: CompiledPolicy, index: MemberIndex, mi: number): Held[] {
  const out: Held[] = [];
  for (let k = index.roleStart[mi]!; k < index.roleStart[mi + 1]!; k++) {
    const holder = index.roleList[k]!;
    for (const grant of p.effective[holder] ?? []) out.push({ holder, grant });
  }
  for (const grant of index.directGrants[mi] ?? []) out.push({ holder: -1, grant });
  return out;
}

function allowedExplanation(
  p: CompiledPolicy,
  start: ExplainStep[],
  holder: number,
  slot: Slot,
  resource: string | undefined,
): Explanation {
  const g = slot.grant;
  const path = [...start];
  if (holder >= 0) {
    rolePath(p, holder, g.owner).forEach((ri, i) => {
      const role = p.roles[ri]!;
      path.push({ kind: i === 0 ? "role" : "parent_role", id: role.id, label: role.name });
    });
  }
  path.push({
    kind: "grant",
    id: g.source.id,
    label: holder < 0 ? `${slotText({ ...slot, scope: null })} (direct)` : slotText({ ...slot, scope: null }),
  });
  if (slot.scope !== null) {
    const key = resourceKey(resource);
    const normalised = key === resource ? "" : ` (normalised from ${resource})`;
    path.push({ kind: "scope", id: slot.scope.text, label: `${slot.scope.text} matches ${key}${normalised}` });
  }
  return { allowed: true, reason: `allowed: ${path.map(stepText).join(" -> ")}`, path };
}

function stepText(step: ExplainStep): string {
  switch (step.kind) {
    case "member":
      return step.label;
    case "ancestor":
      return `ancestor ${step.label}`;
    case "role":
      return `role ${step.label}`;
    case "parent_role":
      return `parent role ${step.label}`;
    case "grant":
      return `grant ${step.label}`;
    case "scope":
      return `scope ${step.label}`;
  }
}

function denied(missing: string, miss: string | undefined): Explanation {
  if (miss === undefined) return { allowed: false, reason: missing, path: [] };
  return { allowed: false, reason: `${missing}; nearest miss: ${miss}`, path: [], nearestMiss: miss };
}

function onResource(resource: string | undefined): string {
  return resource === undefined ? " (without a resource)" : ` on ${resource}`;
}

// Ranks every held grant by how close it came, lowest first: right permission but expired; right
// permission, scoped, but no resource was named; scope of the right type that does not match;
// scope of another type; the same feature with another action. The first of the lowest rank wins.
function nearestMiss(
  p: CompiledPolicy,
  held: readonly Held[],
  q: CheckQuery,
  wanted: { feature: string; action: string },
  key: string | null,
): string | undefined {
  let best: { rank: number; text: string } | undefined;
  const offer = (rank: number, text: string): void => {
    if (best === undefined || rank < best.rank) best = { rank, text };
  };
  for (const { holder, grant: g } of held) {
    const from = holder < 0 ? "direct grant" : sourceText(p, holder, g.owner);
    const grantFrom = holder < 0 ? `direct grant of ${g.key}` : `${from} grants ${g.key}`;
    const covers = g.key === q.permission || (g.isAdmin && g.feature === wanted.feature);
    if (!covers) {
      if (g.feature === wanted.feature)
        offer(
          4,
          `${holder < 0 ? "a direct grant gives" : `${p.roles[g.owner]?.name} grants`} ${slotText({ grant: g, scope: null, until: g.until })}${scopeList(g)}, not ${q.permission}`,
        );
      continue;
    }
    for (const slot of g.slots) {
      const expired = q.at >= slot.until;
      if (slot.scope === null) {
        if (expired) offer(0, `grant ${g.key} expired at ${isoTime(g.until)} (${from})`);
        continue;
      }
      const scope = slot.scope;
      if (key === null) {
        const why =
          q.resource === undefined
            ? "a check without a resource needs an unscoped grant"
            : `resource ${q.resource} is not a type:id that a scope can match`;
        offer(2, `grant ${g.key} (${from}) is scoped to ${scope.text}; ${why}`);
      } else if (matchesCompiled(scope, key)) {
        if (expired) offer(0, `grant ${g.key} on ${scope.text} expired at ${isoTime(g.until)} (${from})`);
      } else if (key.startsWith(`${scope.scope.type}:`)) {
        offer(1, `scope ${scope.text} does not match ${q.resource} (${grantFrom})`);
      } else {
        offer(3, `scope ${scope.text} does not apply to ${q.resource} (${grantFrom})`);
      }
    }
  }
  return best?.text;
}

function scopeList(g: CompiledGrant): string {
  return g.slots[0]?.scope == null ? "" : ` on ${g.slots.map((s) => s.scope?.text).join(", ")}`;
}
