// Organizations on both stores: slugs, nesting, moves, deletes, and that refusals change nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createOrg, deleteOrg, listOrgTree, orgInfo, resolveOrg, updateOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";
import { snapshot } from "./helpers/snapshot.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: organizations`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it("makes the slug from the name and records who created it in the audit log", async () => {
      const org = await createOrg(t.ctx, { name: "Engineering Team", description: "Software development and DevOps" });
      expect(org.slug).toBe("engineering-team");
      expect(org.id).toMatch(/^org_[0-9A-Za-z]{27}$/);
      const events = await auditEventsOf(t.ctx, org.id);
      expect(events.map((e) => e.action)).toEqual(["org.created"]);
      expect(events[0]?.actor.type).toBe("operator");
      expect(events[0]?.createdAt).toBe(t.clock.now());
    });

    it("finds an organization by id, slug or name, case-insensitively", async () => {
      const org = await createOrg(t.ctx, { name: "ACME Engineering" });
      for (const ref of [org.id, "acme-engineering", "acme engineering", "ACME Engineering"]) {
        expect((await resolveOrg(t.ctx, ref)).id).toBe(org.id);
      }
    });

    it("refuses a duplicate slug and writes nothing", async () => {
      await createOrg(t.ctx, { name: "Engineering Team" });
      const before = await snapshot(t.store);
      await expect(createOrg(t.ctx, { name: "engineering team" })).rejects.toMatchObject({ code: "org.slug_taken" });
      expect(await snapshot(t.store)).toEqual(before);
    });

    it("lets exactly one of several simultaneous creates of one slug win; the others get a clear refusal", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => createOrg(t.ctx, { name: "Same Name" })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === "rejected")) {
        expect(["org.slug_taken", "store.conflict"]).toContain((r.reason as { code: string }).code);
      }
      expect((await listOrgTree(t.ctx)).map((e) => e.organization.slug)).toEqual(["same-name"]);
    });

    it("suggests the nearest organization for a typo", async () => {
      await createOrg(t.ctx, { name: "Engineering Team" });
      await expect(resolveOrg(t.ctx, "enginering-team")).rejects.toThrow(/Did you mean "engineering-team"/);
    });

    it("suggests an organization once, by its nearest name, not by its slug and its name (issue 15)", async () => {
      await createOrg(t.ctx, { name: "Engineering Team" });
      const error = await resolveOrg(t.ctx, "engineering").catch((e: Error) => e);
      expect((error as Error).message).toMatch(/Did you mean "engineering-team"\?/);
      expect((error as Error).message).not.toMatch(/Engineering Team/);
    });

    it("nests organizations and lists them as a tree", async () => {
      await createOrg(t.ctx, { name: "ACME Engineering" });
      await createOrg(t.ctx, { name: "Platform Team", parent: "acme-engineering" });
      await createOrg(t.ctx, { name: "Frontend Guild", parent: "acme-engineering" });
      const tree = await listOrgTree(t.ctx);
      expect(tree.map((e) => [e.organization.slug, e.depth])).toEqual([
        ["acme-engineering", 0],
        ["frontend-guild", 1],
        ["platform-team", 1],
      ]);
      const info = await orgInfo(t.ctx, "acme-engineering");
      expect(info.children.map((c) => c.slug)).toEqual(["frontend-guild", "platform-team"]);
    });

    it("refuses to move an organization under itself or its descendant", async () => {
      await createOrg(t.ctx, { name: "ACME Engineering" });
      await createOrg(t.ctx, { name: "Platform Team", parent: "acme-engineering" });
      await createOrg(t.ctx, { name: "SRE", parent: "platform-team" });
      const before = await snapshot(t.store);
      await expect(updateOrg(t.ctx, "acme-engineering", { parent: "sre" })).rejects.toMatchObject({
        code: "org.parent_cycle",
      });
      await expect(updateOrg(t.ctx, "sre", { parent: "sre" })).rejects.toMatchObject({ code: "org.parent_cycle" });
      expect(await snapshot(t.store)).toEqual(before);
      const moved = await updateOrg(t.ctx, "sre", { parent: "acme-engineering" });
      expect(moved.parentId).toBe((await resolveOrg(t.ctx, "acme-engineering")).id);
    });

    it("refuses a move that would strand roles of an ancestor the subtree leaves, or clash with the new ancestors' roles", async () => {
      await createOrg(t.ctx, { name: "A" });
      await createOrg(t.ctx, { name: "B", parent: "a" });
      await createOrg(t.ctx, { name: "Z" });
      await createRole(t.ctx, { name: "Dev", organization: "a", permissions: "read:code" });
      await createRole(t.ctx, { name: "Senior", organization: "b", extends: "Dev" });
      await addMember(t.ctx, { organization: "b", email: "s@acme.com", roles: "Senior" });
      const before = await snapshot(t.store);
      await expect(updateOrg(t.ctx, "b", { parent: null })).rejects.toMatchObject({
        code: "org.move_refused",
        message: expect.stringContaining("Dev of a"),
      });
      await expect(updateOrg(t.ctx, "b", { parent: "z" })).rejects.toMatchObject({ code: "org.move_refused" });
      expect(await snapshot(t.store)).toEqual(before);
      await createOrg(t.ctx, { name: "C" });
      await createRole(t.ctx, { name: "Helper", organization: "c" });
      await createRole(t.ctx, { name: "Helper", organization: "z" });
      await expect(updateOrg(t.ctx, "c", { parent: "z" })).rejects.toMatchObject({
        code: "org.move_refused",
        message: expect.stringContaining("org:helper"),
      });
      await expect(updateOrg(t.ctx, "c", { parent: "a" })).resolves.toMatchObject({ slug: "c" });
    });

    it("refuses to delete an organization with children unless recursive", async () => {
      await createOrg(t.ctx, { name: "ACME Engineering" });
      await createOrg(t.ctx, { name: "Platform Team", parent: "acme-engineering" });
      await addMember(t.ctx, { organization: "platform-team", email: "dev@acme.com" });
      await expect(deleteOrg(t.ctx, "acme-engineering")).rejects.toMatchObject({ code: "org.has_children" });
      const deleted = await deleteOrg(t.ctx, "acme-engineering", { recursive: true });
      expect(deleted.map((d) => d.slug)).toEqual(["platform-team", "acme-engineering"]);
      expect(await listOrgTree(t.ctx)).toEqual([]);
    });

    it("makes a user who creates an organization its first member with the creator role", async () => {
      await createOrg(t.ctx, { name: "Bootstrap" });
      const alice = (await addMember(t.ctx, { organization: "bootstrap", email: "alice@acme.com", roles: "org:admin" }))
        .user;
      const org = await createOrganization(t.as({ type: "user", id: alice.id, label: alice.email }), {
        name: "Alice's Lab",
      });
      expect(org.slug).toBe("alice-s-lab");
      expect(org.createdBy).toBe(alice.id);
      const info = await orgInfo(t.ctx, org.id);
      expect(info.membersCount).toBe(1);
    });
  });
}
