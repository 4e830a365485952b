// The diff engine alone: states in, changes out, no store.
import { describe, expect, it } from "vitest";
import { makePlan } from "./config.plan.js";
import type { Config } from "./config.schema.js";
import { type State, configOf, desiredState } from "./config.state.js";

const n = {
  permissionKey: (k: string) => (k.startsWith("org:") ? k : `org:${k.split(":")[1]}:${k.split(":")[0]}`),
  expiry: Date.parse,
};
const state = (config: Config): State => desiredState(config, n);
const current = (config: Config): State => {
  const s = state(config);
  return { ...s, permissions: s.permissions ?? new Map(), instanceRoles: s.instanceRoles ?? new Map() };
};

const base: Config = {
  version: 1,
  permissions: [{ key: "org:code:read", name: "Read code" }],
  roles: [{ key: "org:member", name: "Member" }],
  organizations: [
    { slug: "eng", name: "Eng", roles: [{ key: "org:dev", name: "Dev", permissions: ["org:code:read"] }] },
    { slug: "web", name: "Web", parent: "eng", roles: [{ key: "org:old", name: "Old" }] },
  ],
};

describe("makePlan", () => {
  it("plans nothing for equal states, with a hash that depends only on them", () => {
    const a = makePlan(state(base), current(base), { prune: true });
    expect(a.changes).toEqual([]);
    expect(makePlan(state(base), current(base), { prune: true }).hash).toBe(a.hash);
  });

  it("deletes only with prune, and only in what the file lists", () => {
    const file: Config = { version: 1, organizations: [{ slug: "web", name: "Web", parent: "eng", roles: [] }] };
    expect(makePlan(state(file), current(base), { prune: false }).changes).toEqual([]);
    expect(makePlan(state(file), current(base), { prune: true }).changes).toEqual([
      { action: "delete", kind: "role", organization: "web", key: "org:old", fields: [] },
    ]);
  });

  it("creates a granted permission the store lacks, parents before children", () => {
    const file: Config = {
      version: 1,
      organizations: [
        { slug: "b-child", name: "B", parent: "a-top" },
        { slug: "a-top", name: "A", roles: [{ key: "org:x", name: "X", permissions: ["write:code"] }] },
      ],
    };
    const plan = makePlan(state(file), current(base), { prune: false });
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual([
      "create permission org:code:write",
      "create organization a-top",
      "create organization b-child",
      "create role org:x",
    ]);
  });

  it("refuses organizations that are each other's parents", () => {
    const file: Config = {
      version: 1,
      organizations: [
        { slug: "a", name: "A", parent: "b" },
        { slug: "b", name: "B", parent: "a" },
      ],
    };
    expect(() => state(file)).toThrow(/each other's parents/);
  });

  it("writes a state back as the file it came from", () => {
    expect(configOf(current(base))).toEqual(base);
  });
});
