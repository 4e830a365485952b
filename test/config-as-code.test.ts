// Configuration as code (issue 20): export → apply → export round trips, plans of exactly the change made,
// drift, prune of managed objects only, file:line:col errors, and refused applies that change nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localApi } from "../src/cli/api.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import {
  type Config,
  applyConfig,
  configOperations,
  configText,
  exportConfig,
  parseConfigText,
  planConfig,
} from "../src/features/config/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg, updateOrg } from "../src/features/orgs/index.js";
import { assignPermission, createRole, setRoleDefaults, updateRole } from "../src/features/roles/index.js";
import { createPermission } from "../src/features/permissions/index.js";
import { startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

/** The seed walkthrough's state: nested organizations, roles with inheritance, scopes and expiry, defaults. */
async function seedWalkthrough(t: TestStore): Promise<void> {
  const ctx = t.ctx;
  await createOrg(ctx, { name: "ACME Engineering", description: "All engineering departments" });
  await createOrg(ctx, { name: "Frontend Guild", parent: "acme-engineering" });
  await createOrg(ctx, { name: "Platform Team", parent: "acme-engineering", inheritAncestorRead: false });
  await createPermission(ctx, { key: "read:code", name: "Read code", description: "Clone and browse" });
  await createRole(ctx, { name: "Developer", organization: "acme-engineering", permissions: "read:code,write:code" });
  await createRole(ctx, {
    name: "Code Reviewer",
    organization: "acme-engineering",
    extends: "Developer",
    permissions: "approve:pull-requests",
  });
  await assignPermission(ctx, {
    role: "Code Reviewer",
    organization: "acme-engineering",
    permission: "approve:pull-requests",
    scope: ["repository:*-app", "environment:staging"],
    expires: "2026-06-30",
  });
  await createRole(ctx, { name: "Release Manager", organization: "frontend-guild", extends: "Code Reviewer" });
  await createRole(ctx, { name: "Viewer", permissions: "read:code" });
  await setRoleDefaults(ctx, { default: "Viewer" });
}

const yamlOf = (config: Config) => configText(config, "yaml");

for (const dialect of DIALECTS) {
  describe(`${dialect}: configuration as code`, () => {
    let t: TestStore;
    let u: TestStore | undefined;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seedWalkthrough(t);
    });
    afterEach(async () => {
      await t.close();
      await u?.close();
      u = undefined;
    });

    it("export → apply to an empty store → export is byte-identical, and a second apply changes nothing", async () => {
      const first = yamlOf(await exportConfig(t.ctx));
      u = await openTestStore(dialect);
      const config = parseConfigText("seed.yaml", first);
      const applied = await applyConfig(u.ctx, config);
      expect(applied.changes.length).toBeGreaterThan(0);
      expect(yamlOf(await exportConfig(u.ctx))).toBe(first);
      const events = (await auditEventsOf(u.ctx, null)).filter((e) => e.action === "config.applied");
      expect(events).toHaveLength(1);
      expect(events[0]?.target.label).toBe(applied.hash);
      expect((await planConfig(u.ctx, config)).changes).toEqual([]);
      expect((await applyConfig(u.ctx, config)).changes).toEqual([]);
      expect((await auditEventsOf(u.ctx, null)).filter((e) => e.action === "config.applied")).toHaveLength(1);
      // The source store too: its own export plans nothing.
      expect((await planConfig(t.ctx, config, { prune: true })).changes).toEqual([]);
    });

    it("a renamed role keeps its key only when the name gives that key", async () => {
      const text = yamlOf(await exportConfig(t.ctx)).replace("name: Release Manager", "name: Release Captain");
      await refusedUnchanged(t, () => applyConfig(t.ctx, parseConfigText("renamed.yaml", text)), "input.invalid");
      const recased = yamlOf(await exportConfig(t.ctx)).replace("name: Release Manager", "name: Release manager");
      expect((await applyConfig(t.ctx, parseConfigText("recased.yaml", recased))).changes).toHaveLength(1);
    });

    it("a change in the file plans exactly that change, and applying it converges", async () => {
      const text = yamlOf(await exportConfig(t.ctx)).replace(
        "name: Release Manager",
        "name: Release Manager\n        description: Ships the frontend",
      );
      const config = parseConfigText("changed.yaml", text);
      const plan = await planConfig(t.ctx, config);
      expect(plan.changes).toEqual([
        {
          action: "update",
          kind: "role",
          organization: "frontend-guild",
          key: "org:release_manager",
          fields: [{ field: "description", before: "", after: "Ships the frontend" }],
        },
      ]);
      await applyConfig(t.ctx, config);
      expect((await planConfig(t.ctx, config)).changes).toEqual([]);
    });

    it("an exported grant that has since expired still plans as no change", async () => {
      const config = await exportConfig(t.ctx);
      t.clock.set(Date.parse("2026-08-01T00:00:00.000Z"));
      expect((await planConfig(t.ctx, config)).changes).toEqual([]);
    });

    it("drift made with the services shows in the next plan", async () => {
      const config = await exportConfig(t.ctx);
      await updateOrg(t.ctx, "frontend-guild", { description: "UI work" });
      await updateRole(t.ctx, "Developer", { organization: "acme-engineering", removePermissions: "write:code" });
      const plan = await planConfig(t.ctx, config);
      expect(plan.changes.map((c) => [c.action, c.kind, c.key, c.fields])).toEqual([
        ["update", "organization", "frontend-guild", [{ field: "description", before: "UI work", after: "" }]],
        [
          "update",
          "role",
          "org:developer",
          [{ field: "permissions.org:code:write", before: null, after: "org:code:write" }],
        ],
      ]);
    });

    it("prune deletes only what the file manages: the roles of the organizations it lists", async () => {
      await createOrg(t.ctx, { name: "Sales" });
      await createRole(t.ctx, { name: "Closer", organization: "sales" });
      await createRole(t.ctx, { name: "Intern", organization: "acme-engineering" });
      const all = await exportConfig(t.ctx);
      const managed: Config = {
        version: 1,
        organizations: (all.organizations ?? [])
          .filter((o) => o.slug === "acme-engineering")
          .map((o) => ({ ...o, roles: (o.roles ?? []).filter((r) => r.key !== "org:intern") })),
      };
      expect((await planConfig(t.ctx, managed)).changes).toEqual([]);
      const plan = await planConfig(t.ctx, managed, { prune: true });
      expect(plan.changes.map((c) => [c.action, c.organization, c.key])).toEqual([
        ["delete", "acme-engineering", "org:intern"],
      ]);
      await applyConfig(t.ctx, managed, { prune: true });
      const after = await exportConfig(t.ctx);
      const rolesOf = (slug: string) => after.organizations?.find((o) => o.slug === slug)?.roles?.map((r) => r.key);
      expect(rolesOf("acme-engineering")).toEqual(["org:code_reviewer", "org:developer"]);
      expect(rolesOf("sales")).toEqual(["org:closer"]);
      expect(rolesOf("frontend-guild")).toEqual(["org:release_manager"]);
      expect(after.roles?.map((r) => r.key)).toContain("org:viewer");
    });

    it("a refused apply changes nothing: a cycle, a role still held, a stale plan", async () => {
      const base = await exportConfig(t.ctx);
      const acme = (c: Config) => c.organizations?.find((o) => o.slug === "acme-engineering");
      const cycle = structuredClone(base);
      const developer = acme(cycle)?.roles?.find((r) => r.key === "org:developer");
      if (developer) developer.extends = ["org:code_reviewer"];
      cycle.organizations?.push({ slug: "new-team", name: "New Team" });
      await refusedUnchanged(t, () => applyConfig(t.ctx, cycle), "role.inheritance_cycle");

      await createRole(t.ctx, { name: "Tester", organization: "acme-engineering" });
      await addMember(t.ctx, { organization: "acme-engineering", email: "alice@acme.com", roles: "Tester" });
      const dropHeld = structuredClone(base);
      dropHeld.organizations?.push({ slug: "another-team", name: "Another Team" });
      await refusedUnchanged(t, () => applyConfig(t.ctx, dropHeld, { prune: true }), "role.has_members");

      const plan = await planConfig(t.ctx, {
        ...base,
        organizations: [...(base.organizations ?? []), { slug: "x", name: "X" }],
      });
      await createRole(t.ctx, { name: "Meanwhile", organization: "acme-engineering" });
      await refusedUnchanged(
        t,
        () =>
          applyConfig(
            t.ctx,
            { ...base, organizations: [...(base.organizations ?? []), { slug: "x", name: "X" }] },
            {
              base: plan.base,
            },
          ),
        "config.stale_plan",
      );
    });

    it("an unknown role is named with its nearest match, before anything is written", async () => {
      const config = await exportConfig(t.ctx);
      const guild = config.organizations?.find((o) => o.slug === "frontend-guild");
      if (guild?.roles?.[0]) guild.roles[0].extends = ["org:code_reviewr"];
      await expect(planConfig(t.ctx, config)).rejects.toMatchObject({
        code: "role.not_found",
        message: expect.stringContaining('Did you mean "org:code_reviewer"'),
      });
      await refusedUnchanged(t, () => applyConfig(t.ctx, config), "role.not_found");
      // Roles the file does not list still count as long as they stay (no prune).
      const partial: Config = { version: 1, roles: [{ key: "org:x", name: "X", extends: ["org:member"] }] };
      expect((await planConfig(t.ctx, partial)).changes.map((c) => [c.action, c.key])).toEqual([["create", "org:x"]]);
      await expect(planConfig(t.ctx, partial, { prune: true })).rejects.toMatchObject({ code: "role.not_found" });
    });

    it("plan and apply are operations for instance admins: the API answers in its schema, a member is refused", async () => {
      const config = await exportConfig(t.ctx);
      const api = localApi(t.ctx);
      const plan = await api.call(configOperations.plan, { query: { prune: true }, body: config });
      expect(plan).toMatchObject({ object: "config_plan", prune: true, applied: false, changes: [] });
      await addMember(t.ctx, { organization: "acme-engineering", email: "bob@acme.com", roles: "org:admin" });
      const bob = await actingAs(t, "bob@acme.com");
      await expect(planConfig(bob, config)).rejects.toMatchObject({ code: "auth.instance_admin_required" });
      await refusedUnchanged(t, () => applyConfig(bob, config), "auth.instance_admin_required");

      const server = await startApi(t);
      try {
        const changed = structuredClone(config);
        changed.organizations?.push({ slug: "http-team", name: "HTTP Team", parent: "acme-engineering" });
        const post = (path: string) =>
          fetch(`${server.url}/v1/config/${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${server.secret}`, "content-type": "application/json" },
            body: JSON.stringify(changed),
          });
        const planned = (await (await post("plan")).json()) as { changes: { key: string }[] };
        expect(planned.changes.map((c) => c.key)).toEqual(["http-team"]);
        const applied = (await (await post("apply")).json()) as { applied: boolean };
        expect(applied.applied).toBe(true);
        const bad = await fetch(`${server.url}/v1/config/plan`, {
          method: "POST",
          headers: { authorization: `Bearer ${server.secret}`, "content-type": "application/json" },
          body: JSON.stringify({ version: 2 }),
        });
        expect(bad.status).toBe(422);
      } finally {
        await server.app.close();
      }
    });
  });
}

describe("configuration files", () => {
  it("a YAML syntax error names file:line:col", () => {
    expect(() =>
      parseConfigText("team.yaml", "version: 1\norganizations:\n  - slug: a\n    name: [unclosed\n"),
    ).toThrow(/^team\.yaml:\d+:\d+: /);
  });

  it("a wrong value names file:line:col and the field", () => {
    const text =
      "version: 1\norganizations:\n  - slug: eng\n    name: Eng\n    roles:\n      - key: developer\n        name: Dev\n";
    expect(() => parseConfigText("team.yaml", text)).toThrow(
      /^team\.yaml:6:14: organizations\[0\]\.roles\[0\]\.key: must be org:<name>/,
    );
  });

  it("an unknown field is named where it stands", () => {
    const text = "version: 1\norganizations:\n  - slug: eng\n    name: Eng\n    colour: blue\n";
    expect(() => parseConfigText("team.yaml", text)).toThrow(
      /^team\.yaml:5:5: organizations\[0\]\.colour: unknown field/,
    );
  });

  it("JSON files parse with the same positions", () => {
    expect(() => parseConfigText("team.json", '{\n  "version": 1,\n  "roles": [{ "key": "org:x" }]\n}')).toThrow(
      /^team\.json:3:\d+: roles\[0\]\.name: /,
    );
  });
});
