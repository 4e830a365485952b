// Every change is audited in its own transaction: the chain links, and a refused change leaves no event.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { auditEventsOf } from "../src/features/audit/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole, updateRole } from "../src/features/roles/index.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit chain`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it("links each organization's events by hash, in order, with the injected time", async () => {
      const org = await createOrg(t.ctx, { name: "Engineering Team" });
      t.clock.advance(1000);
      await createRole(t.ctx, { name: "Developer", organization: org.slug, permissions: "read:code" });
      t.clock.advance(1000);
      await addMember(t.ctx, { organization: org.slug, email: "a@acme.com", roles: "Developer" });
      const rows = await t.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("chain", "=", org.id)
        .orderBy("seq")
        .execute();
      expect(rows.map((r) => r.action)).toEqual(["org.created", "role.created", "member.added"]);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(rows[0]?.prev_hash).toBe("0".repeat(64));
      for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
      expect(rows.map((r) => r.created_at - Date.parse("2026-01-01T00:00:00Z"))).toEqual([0, 1000, 2000]);
      const head = await t.store.db
        .selectFrom("audit_heads")
        .selectAll()
        .where("chain", "=", org.id)
        .executeTakeFirstOrThrow();
      expect(head).toEqual({ chain: org.id, seq: 3, hash: rows[2]?.hash });
      const { hash: _h, prev_hash, ...rest } = rows[1] as (typeof rows)[number];
      const canonical = JSON.stringify([
        rest.id,
        rest.chain,
        rest.seq,
        rest.organization_id,
        rest.created_at,
        rest.actor_type,
        rest.actor_id,
        rest.actor_label,
        rest.action,
        rest.target_type,
        rest.target_id,
        rest.target_label,
        rest.before,
        rest.after,
        rest.request_id,
        rest.ip,
        // Rows written since checkpoints are chained also hash who acted for the actor and their checkpoint.
        rest.via_type,
        rest.via_id,
        rest.via_label,
        rest.checkpoint_seq,
      ]);
      expect(rest.checkpoint_seq).toBeGreaterThan(0);
      expect(createHash("sha256").update(prev_hash).update(canonical).digest("hex")).toBe(rows[1]?.hash);
    });

    it("writes no event and no change when a change is refused midway (a cycle found after parents were read)", async () => {
      await createOrg(t.ctx, { name: "Engineering Team" });
      await createRole(t.ctx, { name: "A", organization: "engineering-team" });
      await createRole(t.ctx, { name: "B", organization: "engineering-team", extends: "A" });
      const before = await auditEventsOf(
        t.ctx,
        (await t.store.db.selectFrom("organizations").select("id").executeTakeFirstOrThrow()).id,
      );
      await expect(
        updateRole(t.ctx, "A", { organization: "engineering-team", extends: "B", addPermissions: "read:new_thing" }),
      ).rejects.toMatchObject({
        code: "role.inheritance_cycle",
      });
      const after = await auditEventsOf(t.ctx, before[0]?.organizationId ?? null);
      expect(after).toEqual(before);
      const perm = await t.store.db
        .selectFrom("permissions")
        .select("key")
        .where("key", "=", "org:new_thing:read")
        .executeTakeFirst();
      expect(perm).toBeUndefined();
    });

    it("keeps one unbroken chain when several changes to one organization run at once", async () => {
      await createOrg(t.ctx, { name: "Engineering Team" });
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          createRole(t.ctx, { name: `Role ${i}`, organization: "engineering-team" }),
        ),
      );
      const rows = await t.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "role.created")
        .where("organization_id", "is not", null)
        .orderBy("seq")
        .execute();
      expect(rows).toHaveLength(12);
      const chain = await t.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("chain", "=", rows[0]?.chain as string)
        .orderBy("seq")
        .execute();
      chain.forEach((r, i) => {
        expect(r.seq).toBe(i + 1);
        if (i > 0) expect(r.prev_hash).toBe(chain[i - 1]?.hash);
      });
    });
  });
}
