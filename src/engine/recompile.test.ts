import { describe, expect, it } from "vitest";
import { check } from "./check.js";
import type { CompiledPolicy } from "./compile.js";
import { compilePolicy } from "./compile.js";
import { EngineInputError } from "./errors.js";
import { effectivePermissions } from "./queries.js";
import { withRoleChanged } from "./recompile.js";
import { parseScopes } from "./scope.js";
import type { CheckQuery, OrgPolicy, PolicyGrant, PolicyRole } from "./types.js";

const grant = (id: string, permission: string, scopes = "", expiresAt: number | null = null): PolicyGrant => ({
  id,
  permission,
  scopes: scopes === "" ? [] : parseScopes(scopes),
  expiresAt,
});
const role = (id: string, parentIds: string[], grants: PolicyGrant[]): PolicyRole => ({
  id,
  key: `org:${id}`,
  name: `Role ${id}`,
  parentIds,
  grants,
});

const policy: OrgPolicy = {
  organizationId: "org_1",
  label: "acme",
  version: 7,
  inheritAncestorRead: true,
  roles: [
    role("a", [], [grant("ga", "org:code:read")]),
    role("b", ["a"], [grant("gb", "org:code:write", "repository:*-app")]),
    role("c", ["b"], []),
    role("d", ["a"], []),
    role("x", [], [grant("gx", "org:code:admin")]),
  ],
  members: [
    { userId: "u_c", label: "c@acme.com", roleIds: ["c"], grants: [] },
    { userId: "u_d", label: "d@acme.com", roleIds: ["d"], grants: [] },
    { userId: "u_x", label: "x@acme.com", roleIds: ["x"], grants: [] },
    { userId: "u_direct", label: "direct@acme.com", roleIds: [], grants: [grant("gd", "org:code:admin")] },
  ],
  ancestors: [
    {
      organizationId: "org_0",
      label: "root",
      members: [{ userId: "u_anc", label: "anc@acme.com", roleIds: [], grants: [grant("gr", "org:code:admin")] }],
    },
  ],
};

const q = (subject: string, permission: string, resource?: string): CheckQuery => ({
  subject,
  permission,
  resource,
  at: 0,
});

// Every subject x permission x resource the policy could be asked about.
function sameAnswers(incremental: CompiledPolicy, queries?: CheckQuery[]): void {
  const full = compilePolicy(incremental.source);
  const subjects = [
    ...incremental.source.members.map((m) => m.userId),
    ...incremental.source.ancestors.flatMap((a) => a.members.map((m) => m.userId)),
  ];
  const permissions = [...new Set([...full.permIds.keys(), "org:code:other", "org:code:read", "org:none:read"])];
  const all =
    queries ??
    subjects.flatMap((s) =>
      permissions.flatMap((p) => [q(s, p), q(s, p, "repository:web-app"), q(s, p, "repository:web")]),
    );
  for (const query of all)
    expect([query, check(incremental, query).allowed]).toEqual([query, check(full, query).allowed]);
  for (const s of subjects) expect(effectivePermissions(incremental, s, 0)).toEqual(effectivePermissions(full, s, 0));
}

describe("withRoleChanged", () => {
  it("passes a parent's new grant to every descendant and leaves the old policy as it was", () => {
    const before = compilePolicy(policy);
    const after = withRoleChanged(before, role("a", [], [grant("ga", "org:code:read"), grant("ga2", "org:docs:read")]));
    expect(check(after, q("u_c", "org:docs:read")).allowed).toBe(true);
    expect(check(after, q("u_d", "org:docs:read")).allowed).toBe(true);
    expect(check(before, q("u_c", "org:docs:read")).allowed).toBe(false);
    sameAnswers(after);
    sameAnswers(before);
  });

  it("answers for every branch when one policy is changed twice", () => {
    const base = compilePolicy(policy);
    const left = withRoleChanged(base, role("a", [], [grant("gl", "org:docs:read")]));
    const right = withRoleChanged(base, role("a", [], [grant("gr", "org:wiki:read")]));
    const leftAgain = withRoleChanged(left, role("d", ["a"], [grant("gl2", "org:code:write")]));
    expect(check(left, q("u_c", "org:docs:read")).allowed).toBe(true);
    expect(check(right, q("u_c", "org:docs:read")).allowed).toBe(false);
    expect(check(right, q("u_c", "org:wiki:read")).allowed).toBe(true);
    for (const compiled of [base, left, right, leftAgain]) sameAnswers(compiled);
  });

  it("takes a grant away from descendants", () => {
    const after = withRoleChanged(compilePolicy(policy), role("a", [], []));
    expect(check(after, q("u_c", "org:code:read")).allowed).toBe(false);
    sameAnswers(after);
  });

  it("moves a role under another parent", () => {
    const after = withRoleChanged(compilePolicy(policy), role("c", ["x"], []));
    expect(check(after, q("u_c", "org:code:write", "repository:web-app")).allowed).toBe(true);
    expect(check(after, q("u_c", "org:code:read")).allowed).toBe(true);
    expect(check(after, q("u_c", "org:code:anything")).allowed).toBe(true);
    sameAnswers(after);
  });

  it("adds a new role that extends existing ones", () => {
    const after = withRoleChanged(compilePolicy(policy), role("n", ["b", "d"], [grant("gn", "org:wiki:read")]));
    expect(after.roles).toHaveLength(6);
    sameAnswers(after);
  });

  it("renames a role in the reasons of the roles below it", () => {
    const after = withRoleChanged(compilePolicy(policy), {
      ...role("a", [], [grant("ga", "org:code:read")]),
      name: "Reader",
    });
    expect(check(after, q("u_c", "org:code:read")).reason).toBe(
      "allowed: role Role c <- Role b <- Reader grants org:code:read",
    );
  });

  it("files a new key under every admin grant of its feature, on roles, members and ancestors", () => {
    const after = withRoleChanged(compilePolicy(policy), role("d", ["a"], [grant("gnew", "org:code:deploy")]));
    expect(check(after, q("u_x", "org:code:deploy")).allowed).toBe(true);
    expect(check(after, q("u_direct", "org:code:deploy")).allowed).toBe(true);
    expect(check(after, q("u_d", "org:code:deploy")).allowed).toBe(true);
    sameAnswers(after);
  });

  it("grows its index when a role brings many new keys", () => {
    const many = Array.from({ length: 150 }, (_, i) => grant(`gm${i}`, `org:f${i}:read`));
    const after = withRoleChanged(compilePolicy(policy), role("b", ["a"], many));
    expect(check(after, q("u_c", "org:f149:read")).allowed).toBe(true);
    sameAnswers(after);
  });

  it("adds roles one by one past the index's headroom", () => {
    let compiled = compilePolicy(policy);
    for (let i = 0; i < 70; i++)
      compiled = withRoleChanged(
        compiled,
        role(`n${i}`, [i === 0 ? "a" : `n${i - 1}`], [grant(`gn${i}`, `org:f${i % 7}:read`)]),
      );
    const source = {
      ...compiled.source,
      members: [...compiled.source.members, { userId: "u_n", label: "n@acme.com", roleIds: ["n69"], grants: [] }],
    };
    const full = compilePolicy(source);
    expect(compiled.roles).toHaveLength(75);
    for (const permission of ["org:code:read", "org:f3:read", "org:f6:read", "org:f6:write"]) {
      expect(check(compiled, q("u_c", permission)).allowed).toBe(check(full, q("u_c", permission)).allowed);
      expect(check(withRoleChanged(compilePolicy(source), role("x", [], [])), q("u_n", permission)).allowed).toBe(
        check(full, q("u_n", permission)).allowed,
      );
    }
    sameAnswers(compiled);
  });

  it("keeps the organization's version", () => {
    expect(withRoleChanged(compilePolicy(policy), role("d", ["a"], [])).version).toBe(7);
  });

  it.each([
    ["a cycle, named", role("a", ["c"], []), /cycle \(a -> c -> b -> a\)/],
    ["a role extending itself", role("a", ["a"], []), /cycle \(a -> a\)/],
    ["an unknown parent", role("c", ["ghost"], []), /extends role id "ghost"/],
    ["a malformed grant", role("c", [], [grant("g", "org:Code:read")]), /did you mean "code"/],
  ])("refuses %s", (_name, changed, message) => {
    const before = compilePolicy(policy);
    expect(() => withRoleChanged(before, changed)).toThrow(EngineInputError);
    expect(() => withRoleChanged(before, changed)).toThrow(message);
    sameAnswers(before);
  });

  it("answers like a full compile after many changes in a row on a larger organization", () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const perms = Array.from(
      { length: 40 },
      (_, i) => `org:f${i % 8}:${["read", "write", "admin", "approve", "x"][i % 5]}`,
    );
    const makeRole = (i: number, version: number): PolicyRole =>
      role(
        `r${i}`,
        i < 5 ? [] : [...new Set([`r${next(i)}`, `r${next(i)}`])],
        Array.from({ length: 1 + next(6) }, (_, k) =>
          grant(
            `g${i}_${version}_${k}`,
            perms[next(perms.length)]!,
            next(4) === 0 ? "repository:*-app" : "",
            next(5) === 0 ? next(3) : null,
          ),
        ),
      );
    const roles = Array.from({ length: 120 }, (_, i) => makeRole(i, 0));
    const members = Array.from({ length: 60 }, (_, i) => ({
      userId: `u${i}`,
      label: `u${i}@acme.com`,
      roleIds: [`r${next(120)}`, `r${next(120)}`].filter((r, k, a) => a.indexOf(r) === k),
      grants: [],
    }));
    let compiled = compilePolicy({ ...policy, roles, members, ancestors: [] });
    for (let change = 1; change <= 200; change++) {
      const i = next(120);
      // Keep parents below the role's index, so the changed graph stays acyclic.
      compiled = withRoleChanged(compiled, makeRole(i, change));
    }
    const queries = members.flatMap((m) =>
      perms
        .flatMap((p) => [q(m.userId, p), q(m.userId, p, "repository:web-app")])
        .map((query) => ({ ...query, at: next(3) })),
    );
    sameAnswers(compiled, queries);
  });
});
