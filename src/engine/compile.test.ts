import { describe, expect, it } from "vitest";
import { compilePolicy } from "./compile.js";
import { EngineInputError } from "./errors.js";
import type { OrgPolicy, PolicyRole } from "./types.js";

const role = (id: string, parentIds: string[] = [], permission = "org:code:read"): PolicyRole => ({
  id,
  key: `org:${id}`,
  name: id.toUpperCase(),
  parentIds,
  grants: [{ id: `g_${id}`, permission, scopes: [], expiresAt: null }],
});

const base: OrgPolicy = {
  organizationId: "org_1",
  label: "acme",
  version: 1,
  inheritAncestorRead: true,
  roles: [role("a"), role("b", ["a"])],
  members: [{ userId: "u1", label: "u1@acme.com", roleIds: ["b"], grants: [] }],
  ancestors: [],
};

describe("compilePolicy", () => {
  it("keeps the organization's identity on the compiled policy", () => {
    const compiled = compilePolicy(base);
    expect([compiled.organizationId, compiled.label, compiled.version, compiled.inheritAncestorRead]).toEqual([
      "org_1",
      "acme",
      1,
      true,
    ]);
  });

  it("compiles an empty organization", () => {
    expect(() => compilePolicy({ ...base, roles: [], members: [] })).not.toThrow();
  });

  it.each([
    ["a role listed twice", { roles: [role("a"), role("a")] }, /Role id a appears twice/],
    [
      "a parent that is not a role",
      { roles: [role("a", ["ghost"])], members: [] },
      /Role "A" \(a\) extends role id "ghost"/,
    ],
    [
      "an inheritance cycle, named",
      { roles: [role("a", ["c"]), role("b", ["a"]), role("c", ["b"])], members: [] },
      /cycle \(a -> c -> b -> a\)/,
    ],
    ["a role extending itself", { roles: [role("a", ["a"])], members: [] }, /cycle \(a -> a\)/],
    [
      "a member holding an unknown role",
      { members: [{ userId: "u1", label: "u1@acme.com", roleIds: ["zzz"], grants: [] }] },
      /Member u1@acme.com of acme holds role id "zzz"/,
    ],
    [
      "a member listed twice",
      { members: [...base.members, ...base.members] },
      /User u1 \(u1@acme.com\) is listed twice/,
    ],
    [
      "a grant in shorthand",
      { roles: [role("a", [], "read:code")], members: [] },
      /canonical keys, here org:code:read/,
    ],
    ["a grant with a malformed key", { roles: [role("a", [], "org:Code:read")], members: [] }, /did you mean "code"/],
    [
      "a grant with a malformed scope",
      {
        roles: [
          {
            ...role("a"),
            grants: [
              { id: "g", permission: "org:code:read", scopes: [{ type: "path", pattern: "../x" }], expiresAt: null },
            ],
          },
        ],
        members: [],
      },
      /must not contain a "\.\." segment/,
    ],
    [
      "an ancestor member holding an unknown role",
      {
        ancestors: [
          {
            organizationId: "org_0",
            label: "root",
            members: [{ userId: "u9", label: "u9@acme.com", roleIds: ["nope"], grants: [] }],
          },
        ],
      },
      /Member u9@acme.com of root holds role id "nope"/,
    ],
  ])("refuses %s", (_name, change, message) => {
    const policy = { ...base, ...change } as OrgPolicy;
    expect(() => compilePolicy(policy)).toThrow(EngineInputError);
    expect(() => compilePolicy(policy)).toThrow(message);
  });
});
