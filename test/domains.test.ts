// Verified domains on both stores: valid host names only, no public providers, unique per organization and among verified ones, ten at most.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import {
  addDomain,
  getDomain,
  listDomains,
  removeDomain,
  updateDomain,
  verifyDomain,
} from "../src/features/domains/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg, deleteOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import {
  DIALECTS,
  type TestStore,
  actingAs as actingAsMember,
  openTestStore,
  refusedUnchanged,
} from "./helpers/store.js";

const ORG = "engineering-team";

for (const dialect of DIALECTS) {
  describe(`${dialect}: domains`, () => {
    let t: TestStore;
    let orgId: string;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      orgId = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
      await createOrg(t.ctx, { name: "Sales" });
    });
    afterEach(async () => {
      await t.close();
    });

    const refusedWithoutChange = (op: () => Promise<unknown>, code: string) => refusedUnchanged(t, op, code);
    const actingAs = (email: string) => actingAsMember(t, email);
    const add = (name: string, extra: { organization?: string; verified?: boolean } = {}) =>
      addDomain(t.ctx, { organization: ORG, name, ...extra });

    it("adds a domain lowercased, verified and manual by default, and audits it", async () => {
      const d = await add(" Acme.COM. ");
      expect(d.id).toMatch(/^orgdmn_[0-9A-Za-z]{27}$/);
      expect(d).toMatchObject({
        name: "acme.com",
        enrollmentMode: "manual_invitation",
        verified: true,
        organization: { id: orgId, slug: ORG },
        createdAt: t.clock.now(),
      });
      const event = (await auditEventsOf(t.ctx, orgId)).at(-1);
      expect(event).toMatchObject({
        action: "domain.created",
        target: { type: "domain", id: d.id, label: "acme.com" },
        after: { name: "acme.com", enrollmentMode: "manual_invitation", verified: true },
      });
    });

    it.each([
      "acme",
      "-acme.com",
      "acme-.com",
      "acme..com",
      "10.0.0.1",
      "http://acme.com",
      "acme_corp.com",
      "acme.com/path",
      "",
    ])("refuses %j, which is not a host name, and writes nothing", async (name) => {
      await refusedWithoutChange(() => add(name), "input.invalid");
    });

    it.each(["gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "proton.me", "GMAIL.com"])(
      "refuses the public e-mail provider %s",
      async (name) => {
        await refusedWithoutChange(() => add(name), "domain.common");
      },
    );

    it("keeps a name once per organization, and verified by one organization only", async () => {
      await add("acme.com");
      await refusedWithoutChange(() => add("ACME.com", { verified: false }), "domain.exists_in_organization");
      await refusedWithoutChange(() => add("acme.com", { organization: "sales" }), "domain.exists");
      const unverified = await add("acme.com", { organization: "sales", verified: false });
      expect(unverified.verified).toBe(false);
      await refusedWithoutChange(() => verifyDomain(t.ctx, "sales", "acme.com"), "domain.exists");
      await refusedWithoutChange(
        () => updateDomain(t.ctx, "sales", unverified.id, { verified: true }),
        "domain.exists",
      );
      await removeDomain(t.ctx, ORG, "acme.com");
      const verified = await verifyDomain(t.ctx, "sales", unverified.id);
      expect(verified.verified).toBe(true);
      expect((await auditEventsOf(t.ctx, verified.organization.id)).at(-1)).toMatchObject({
        action: "domain.verified",
        before: { verified: false },
        after: { verified: true },
      });
    });

    it("has the store refuse a second verified copy of a name, for two writers that both pass the check", async () => {
      await add("acme.com");
      const support = await createOrg(t.ctx, { name: "Support" });
      const row = {
        id: "orgdmn_race",
        organization_id: support.id,
        name: "acme.com",
        enrollment_mode: "manual_invitation" as const,
        created_at: 0,
        updated_at: 0,
      };
      await expect(
        t.store.db
          .insertInto("organization_domains")
          .values({ ...row, verified: 1 })
          .execute(),
      ).rejects.toThrow();
      await t.store.db
        .insertInto("organization_domains")
        .values({ ...row, verified: 0 })
        .execute();
      expect((await listDomains(t.ctx, { names: ["acme.com"] })).totalCount).toBe(2);
    });

    it("allows ten domains per organization, not eleven", async () => {
      for (let n = 0; n < 10; n++) await add(`team${n}.acme.com`);
      await refusedWithoutChange(() => add("team10.acme.com"), "domain.quota_exceeded");
      await expect(add("team10.acme.com", { organization: "sales" })).resolves.toMatchObject({
        name: "team10.acme.com",
      });
    });

    it("updates the enrollment mode, the name and the verified flag, re-checking the name", async () => {
      const d = await add("acme.com");
      await add("acme.io");
      t.clock.advance(1000);
      const changed = await updateDomain(t.ctx, ORG, "acme.com", {
        enrollmentMode: "automatic_invitation",
        verified: false,
      });
      expect(changed).toMatchObject({
        id: d.id,
        enrollmentMode: "automatic_invitation",
        verified: false,
        updatedAt: t.clock.now(),
      });
      expect((await auditEventsOf(t.ctx, orgId)).at(-1)).toMatchObject({
        action: "domain.updated",
        before: { enrollmentMode: "manual_invitation", verified: true },
        after: { enrollmentMode: "automatic_invitation", verified: false },
      });
      await refusedWithoutChange(
        () => updateDomain(t.ctx, ORG, d.id, { name: "acme.io" }),
        "domain.exists_in_organization",
      );
      await refusedWithoutChange(() => updateDomain(t.ctx, ORG, d.id, { name: "gmail.com" }), "domain.common");
      await refusedWithoutChange(() => updateDomain(t.ctx, ORG, d.id, { name: "not a host" }), "input.invalid");
      expect((await updateDomain(t.ctx, ORG, d.id, { name: "acme.dev" })).name).toBe("acme.dev");
    });

    it("removes a domain (audited) and then no longer finds it, nor one of another organization", async () => {
      const d = await add("acme.com");
      const other = await add("sales.acme.com", { organization: "sales" });
      const removed = await removeDomain(t.ctx, ORG, d.id);
      expect(removed.name).toBe("acme.com");
      expect((await auditEventsOf(t.ctx, orgId)).at(-1)).toMatchObject({
        action: "domain.deleted",
        target: { id: d.id },
        before: { name: "acme.com" },
      });
      await refusedWithoutChange(() => removeDomain(t.ctx, ORG, d.id), "domain.not_found");
      await refusedWithoutChange(() => removeDomain(t.ctx, ORG, other.id), "domain.not_found");
      await expect(getDomain(t.ctx, ORG, "sales.acme.com")).rejects.toMatchObject({ code: "domain.not_found" });
    });

    it("lists with filters, order and totals, in one organization or across them", async () => {
      await add("b.acme.com");
      t.clock.advance(1000);
      await add("a.acme.com", { verified: false });
      t.clock.advance(1000);
      await addDomain(t.ctx, { organization: "sales", name: "c.acme.com", enrollmentMode: "automatic_suggestion" });
      const mine = await listDomains(t.ctx, { organization: ORG });
      expect([mine.totalCount, mine.data.map((d) => d.name)]).toEqual([2, ["a.acme.com", "b.acme.com"]]);
      expect((await listDomains(t.ctx, { organization: ORG, verified: false })).data.map((d) => d.name)).toEqual([
        "a.acme.com",
      ]);
      const all = await listDomains(t.ctx, { orderBy: "name", limit: 2 });
      expect([all.totalCount, all.data.map((d) => d.name)]).toEqual([3, ["a.acme.com", "b.acme.com"]]);
      expect((await listDomains(t.ctx, { enrollmentModes: ["-manual_invitation"] })).data.map((d) => d.name)).toEqual([
        "c.acme.com",
      ]);
      expect(
        (await listDomains(t.ctx, { enrollmentModes: ["manual_invitation"], query: "b." })).data.map((d) => d.name),
      ).toEqual(["b.acme.com"]);
      expect((await listDomains(t.ctx, { names: ["C.acme.com"] })).data.map((d) => d.organization.slug)).toEqual([
        "sales",
      ]);
      await expect(listDomains(t.ctx, { orderBy: "verified" })).rejects.toMatchObject({ code: "input.invalid" });
    });

    it("holds members to org:sys_domains:read and org:sys_domains:manage", async () => {
      await add("acme.com");
      await add("sales.acme.com", { organization: "sales" });
      await createRole(t.ctx, { name: "Domain Reader", organization: ORG, permissions: "org:sys_domains:read" });
      await addMember(t.ctx, { organization: ORG, email: "admin@acme.com", roles: "org:admin" });
      await addMember(t.ctx, { organization: ORG, email: "dev@acme.com", roles: "org:member" });
      await addMember(t.ctx, { organization: ORG, email: "reader@acme.com", roles: "Domain Reader" });
      const dev = await actingAs("dev@acme.com");
      const reader = await actingAs("reader@acme.com");
      const admin = await actingAs("admin@acme.com");
      await expect(listDomains(dev, { organization: ORG })).rejects.toMatchObject({ code: "permission.denied" });
      expect((await listDomains(dev, {})).totalCount).toBe(0);
      expect((await listDomains(reader, {})).data.map((d) => d.name)).toEqual(["acme.com"]);
      await refusedWithoutChange(() => addDomain(reader, { organization: ORG, name: "acme.io" }), "permission.denied");
      await refusedWithoutChange(() => updateDomain(reader, ORG, "acme.com", { verified: false }), "permission.denied");
      await refusedWithoutChange(() => removeDomain(reader, ORG, "acme.com"), "permission.denied");
      await refusedWithoutChange(() => addDomain(admin, { organization: "sales", name: "acme.io" }), "org.not_found");
      await expect(addDomain(admin, { organization: ORG, name: "acme.io" })).resolves.toMatchObject({
        name: "acme.io",
      });
    });

    it("goes with its organization when the organization is deleted", async () => {
      await add("acme.com");
      await deleteOrg(t.ctx, ORG);
      expect(await t.store.db.selectFrom("organization_domains").select("id").execute()).toEqual([]);
      await expect(add("acme.com", { organization: "sales" })).resolves.toMatchObject({ verified: true });
    });
  });
}
