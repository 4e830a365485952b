// Differential test: the compiled engine against a reference evaluator that is slow and obvious.
import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "./check.js";
import { compilePolicy } from "./compile.js";
import { explain } from "./explain.js";
import { whoCan } from "./queries.js";
import { withRoleChanged } from "./recompile.js";
import { parseScope } from "./scope.js";
import type { CheckQuery, OrgPolicy, PolicyGrant, PolicyMember, PolicyRole } from "./types.js";

const RUNS = Number(process.env.CLERK_PROPERTY_RUNS ?? 10_000);
const CHECKS_PER_POLICY = 10;

// ---- The reference: recursion, a regular expression built from the glob, no cleverness. ----

function referenceAllows(policy: OrgPolicy, q: CheckQuery): boolean {
  if (!/^org:[a-z0-9_]+:[a-z0-9_]+$/.test(q.permission)) return false;
  const [, feature, action] = q.permission.split(":") as [string, string, string];
  const member = policy.members.find((m) => m.userId === q.subject);
  if (member !== undefined) return memberHolds(policy, member, feature, action, q);
  if (!policy.inheritAncestorRead || action !== "read") return false;
  return policy.ancestors.some((a) => {
    const m = a.members.find((x) => x.userId === q.subject);
    return m !== undefined && memberHolds(policy, m, feature, action, q);
  });
}

function memberHolds(policy: OrgPolicy, member: PolicyMember, feature: string, action: string, q: CheckQuery): boolean {
  const grants = [...member.grants, ...member.roleIds.flatMap((id) => roleGrants(policy, id))];
  return grants.some((g) => grantApplies(g, feature, action, q));
}

function roleGrants(policy: OrgPolicy, roleId: string): PolicyGrant[] {
  const role = policy.roles.find((r) => r.id === roleId)!;
  return [...role.grants, ...role.parentIds.flatMap((p) => roleGrants(policy, p))];
}

function grantApplies(g: PolicyGrant, feature: string, action: string, q: CheckQuery): boolean {
  const [, grantFeature, grantAction] = g.permission.split(":");
  if (grantFeature !== feature || (grantAction !== action && grantAction !== "admin")) return false;
  if (g.expiresAt !== null && q.at >= g.expiresAt) return false;
  if (g.scopes.length === 0) return true;
  if (q.resource === undefined) return false;
  const colon = q.resource.indexOf(":");
  if (colon <= 0) return false;
  const type = q.resource.slice(0, colon);
  let id = q.resource.slice(colon + 1);
  if (id === "") return false;
  if (type === "path") {
    id = posix.normalize(id);
    if (id.startsWith("..") || id.startsWith("/")) return false;
  }
  return g.scopes.some((s) => s.type === type && globMatches(s.pattern, id));
}

function globMatches(pattern: string, id: string): boolean {
  if (!pattern.includes("*")) return pattern.endsWith("/") ? id.startsWith(pattern) : id === pattern;
  const body = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "s").test(id);
}

// ---- Random organizations: role graphs as DAGs (parents have lower indices), grants, members. ----

const FEATURES = ["code", "docs", "deploy", "f3", "f4", "f5", "f6", "f7", "f8", "f9"];
const ACTIONS = ["read", "write", "admin", "approve"];
const PERMISSIONS = FEATURES.flatMap((f) => ACTIONS.map((a) => `org:${f}:${a}`));
const SCOPES = [
  "repository:web-app",
  "repository:*-app",
  "repository:web*",
  "repository:**",
  "repository:team/*",
  "repository:team/",
  "repository:a*b*c",
  "repository:*",
  "repository:Web-App",
  "repository:café-*",
  "path:docs/",
  "path:docs/**",
  "path:docs/*.md",
  "path:*",
  "path:a/b",
  "path:**/x",
  "path:docs",
  "environment:staging",
  "environment:prod*",
  "environment:*",
].map(parseScope);
// Resources by type, so a check usually names one its permission's scopes could match.
const RESOURCES: Record<string, (string | undefined)[]> = {
  repository: [
    "repository:web-app",
    "repository:team/web-app",
    "repository:abc",
    "repository:axbxc",
    "repository:web",
    "repository:Web-App",
    "repository:team/",
    "repository:team/x/y",
    "repository:café-app",
    "repository:",
    "repository:-app",
  ],
  path: [
    "path:docs/a.md",
    "path:docs/../secrets",
    "path:./docs/x.md",
    "path:docs",
    "path:docs/",
    "path:../x",
    "path:/etc/x",
    "path:a/b",
    "path:q/x",
    "path:docs/sub/a.md",
    "path:docs//a.md",
    "path:..docs",
    "path:docs/./../docs/a.md",
    "path:a/../docs/b.md",
  ],
  environment: ["environment:staging", "environment:production", "environment:prod"],
  other: [undefined, undefined, undefined, "nonsense", ":x", "team:x"],
};
const ALL_RESOURCES = Object.values(RESOURCES).flat();
const USERS = ["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"];

const grantArb = fc.record({
  permission: fc.constantFrom(...PERMISSIONS),
  scopes: fc.oneof(
    { weight: 1, arbitrary: fc.constant<number[]>([]) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.nat(SCOPES.length - 1), { minLength: 1, maxLength: 3 }) },
  ),
  expiresAt: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 3 }),
});
const roleArb = fc.record({
  parents: fc.uniqueArray(fc.nat(), { maxLength: 3 }),
  grants: fc.array(grantArb, { maxLength: 5 }),
});
const memberArb = fc.record({
  user: fc.nat(USERS.length - 1),
  roles: fc.uniqueArray(fc.nat(), { maxLength: 3 }),
  grants: fc.array(grantArb, { maxLength: 2 }),
});
const orgArb = fc.record({
  roles: fc.array(roleArb, { minLength: 1, maxLength: 12 }),
  members: fc.array(memberArb, { maxLength: 6 }),
  ancestor: fc.option(fc.array(memberArb, { maxLength: 5 }), { freq: 3 }),
  inherit: fc.boolean(),
});
const checkArb = fc.record({
  subject: fc.nat(USERS.length),
  mode: fc.nat(9),
  pick: fc.nat(),
  action: fc.nat(ACTIONS.length),
  resourceMode: fc.nat(3),
  resource: fc.nat(),
  at: fc.integer({ min: 0, max: 22 }),
});
const changeArb = fc.record({
  role: fc.nat(),
  parents: fc.uniqueArray(fc.nat(), { maxLength: 3 }),
  grants: fc.array(grantArb, { maxLength: 5 }),
  rename: fc.boolean(),
});

type GrantSpec = { permission: string; scopes: number[]; expiresAt: number | null };
type MemberSpec = { user: number; roles: number[]; grants: GrantSpec[] };

function build(spec: {
  roles: { parents: number[]; grants: GrantSpec[] }[];
  members: MemberSpec[];
  ancestor: MemberSpec[] | null;
  inherit: boolean;
}): OrgPolicy {
  let next = 0;
  const grants = (list: GrantSpec[]): PolicyGrant[] =>
    list.map((g) => ({
      id: `g${next++}`,
      permission: g.permission,
      scopes: g.scopes.map((i) => SCOPES[i]!),
      expiresAt: g.expiresAt,
    }));
  const roles: PolicyRole[] = spec.roles.map((r, i) => ({
    id: `r${i}`,
    key: `org:r${i}`,
    name: `Role ${i}`,
    parentIds: i === 0 ? [] : [...new Set(r.parents.map((p) => `r${p % i}`))],
    grants: grants(r.grants),
  }));
  const members = (list: MemberSpec[]): PolicyMember[] => {
    const seen = new Set<number>();
    return list
      .filter((m) => !seen.has(m.user) && seen.add(m.user))
      .map((m) => ({
        userId: USERS[m.user]!,
        label: `${USERS[m.user]}@acme.com`,
        roleIds: [...new Set(m.roles.map((r) => `r${r % roles.length}`))],
        grants: grants(m.grants),
      }));
  };
  return {
    organizationId: "org_child",
    label: "child",
    version: 1,
    inheritAncestorRead: spec.inherit,
    roles,
    members: members(spec.members),
    ancestors:
      spec.ancestor === null
        ? []
        : [{ organizationId: "org_parent", label: "parent", members: members(spec.ancestor) }],
  };
}

function query(
  policy: OrgPolicy,
  c: {
    subject: number;
    mode: number;
    pick: number;
    action: number;
    resourceMode: number;
    resource: number;
    at: number;
  },
): CheckQuery {
  const grants = [
    ...policy.roles.flatMap((r) => r.grants),
    ...policy.members.flatMap((m) => m.grants),
    ...policy.ancestors.flatMap((a) => a.members.flatMap((m) => m.grants)),
  ];
  const granted = grants.map((g) => g.permission);
  let permission: string;
  let scopeType: string | undefined;
  if (c.mode < 6 && granted.length > 0) {
    const g = grants[c.pick % grants.length]!;
    permission = g.permission;
    scopeType = g.scopes[c.resource % Math.max(1, g.scopes.length)]?.type;
  } else if (c.mode < 8) permission = `org:${FEATURES[c.pick % FEATURES.length]}:${ACTIONS[c.action] ?? "zzz"}`;
  else if (c.mode < 9) permission = PERMISSIONS[c.pick % PERMISSIONS.length]!;
  else permission = ["read:code", "org:nothing:read", "org:Code:read", ""][c.pick % 4]!;
  const pool = scopeType !== undefined && c.resourceMode > 0 ? RESOURCES[scopeType]! : ALL_RESOURCES;
  return { subject: USERS[c.subject] ?? "nobody", permission, resource: pool[c.resource % pool.length], at: c.at };
}

function everyone(policy: OrgPolicy): string[] {
  return [
    ...new Set([
      ...policy.members.map((m) => m.userId),
      ...policy.ancestors.flatMap((a) => a.members.map((m) => m.userId)),
    ]),
  ];
}

describe("the engine against the reference evaluator", () => {
  it(
    `agrees on ${RUNS} random checks (check, explain, whoCan, withRoleChanged)`,
    () => {
      fc.assert(
        fc.property(
          orgArb,
          fc.array(checkArb, { minLength: CHECKS_PER_POLICY, maxLength: CHECKS_PER_POLICY }),
          changeArb,
          (spec, checks, change) => {
            const policy = build(spec);
            const compiled = compilePolicy(policy);
            const queries = checks.map((c) => query(policy, c));
            for (const q of queries) {
              const expected = referenceAllows(policy, q);
              expect(check(compiled, q).allowed, `check ${JSON.stringify(q)}`).toBe(expected);
              expect(explain(compiled, q).allowed, `explain ${JSON.stringify(q)}`).toBe(expected);
            }

            // whoCan on the first well-formed query: exactly the users the reference allows.
            const asked = queries.find(
              (q) =>
                /^org:[a-z0-9_]+:[a-z0-9_]+$/.test(q.permission) &&
                (q.resource === undefined || /^[a-z][a-z0-9_-]*:./.test(q.resource)),
            );
            if (asked !== undefined) {
              const who = whoCan(compiled, asked.permission, asked.resource, asked.at)
                .map((w) => w.userId)
                .sort();
              const expected = everyone(policy)
                .filter((subject) => referenceAllows(policy, { ...asked, subject }))
                .sort();
              expect(who, `whoCan ${JSON.stringify(asked)}`).toEqual(expected);
            }

            // Change one role (parents stay below it, so the graph stays a DAG) and compare again.
            const ri = change.role % policy.roles.length;
            const old = policy.roles[ri]!;
            const changedRole: PolicyRole = {
              ...old,
              name: change.rename ? `${old.name} renamed` : old.name,
              parentIds: ri === 0 ? [] : [...new Set(change.parents.map((p) => `r${p % ri}`))],
              grants: change.grants.map((g, k) => ({
                id: `c${k}`,
                permission: g.permission,
                scopes: g.scopes.map((i) => SCOPES[i]!),
                expiresAt: g.expiresAt,
              })),
            };
            const changedPolicy = { ...policy, roles: policy.roles.map((r, i) => (i === ri ? changedRole : r)) };
            const incremental = withRoleChanged(compiled, changedRole);
            const full = compilePolicy(changedPolicy);
            for (const q of queries) {
              const expected = referenceAllows(changedPolicy, q);
              expect(check(incremental, q).allowed, `withRoleChanged ${JSON.stringify(q)}`).toBe(expected);
              expect(check(full, q).allowed, `full compile ${JSON.stringify(q)}`).toBe(expected);
            }
            // The policy it came from still answers as before.
            for (const q of queries) expect(check(compiled, q).allowed).toBe(referenceAllows(policy, q));
          },
        ),
        { numRuns: Math.max(1, Math.ceil(RUNS / CHECKS_PER_POLICY)) },
      );
    },
    Math.max(30_000, RUNS),
  ); // about 0.12 ms a check; a millisecond each leaves room on a busy machine
});
