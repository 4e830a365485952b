// `clerk audit verify` names the first broken link: edited, deleted, inserted, swapped rows and a truncated tail.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { recordCheckpoints } from "../src/features/audit/audit.checkpoints.js";
import { verifyAudit } from "../src/features/audit/audit.verify.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { chainedRow, tamper } from "./helpers/audit.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit verify`, () => {
    let t: TestStore;
    let org: string;
    const rows = () =>
      t.store.db.selectFrom("audit_events").selectAll().where("chain", "=", org).orderBy("seq").execute();
    const verifyOrg = async () => {
      const report = await verifyAudit(t.ctx, { organization: "engineering-team" });
      return report.chains[0]!;
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      org = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
      for (const name of ["Developer", "Reviewer", "Operator", "Auditor Two"]) {
        t.clock.advance(1000);
        await createRole(t.ctx, { name, organization: "engineering-team", permissions: "read:code" });
      }
      t.clock.advance(1000);
      await addMember(t.ctx, { organization: "engineering-team", email: "alice@acme.com", roles: "Developer" });
    });
    afterEach(async () => {
      await t.close();
    });

    it("passes an untouched log, every chain included", async () => {
      const report = await verifyAudit(t.ctx, {});
      expect(report.ok).toBe(true);
      const mine = report.chains.find((c) => c.chain === org)!;
      expect(mine).toMatchObject({
        ok: true,
        organization_id: org,
        organization_slug: "engineering-team",
        events_checked: 6,
        first_seq: 1,
        last_seq: 6,
        problem: null,
      });
      expect(report.chains.some((c) => c.chain === "*" && c.ok && c.organization_slug === null)).toBe(true);
    });

    it("refuses UPDATE and DELETE on audit_events outside retention (the append-only trigger)", async () => {
      await expect(sql`update audit_events set action = 'x' where chain = ${org}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`delete from audit_events where chain = ${org}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      expect(await rows()).toHaveLength(6);
    });

    it("names an edited row", async () => {
      const third = (await rows())[2]!;
      await tamper(t, [`update audit_events set target_label = 'someone else' where id = '${third.id}'`]);
      expect((await verifyOrg()).problem).toMatchObject({ kind: "edited", seq: 3, id: third.id });
    });

    it("names where a row was deleted from the middle", async () => {
      const [, , third, fourth] = await rows();
      await tamper(t, [`delete from audit_events where id = '${third!.id}'`]);
      const report = await verifyOrg();
      expect(report.problem).toMatchObject({ kind: "deleted", seq: 4, id: fourth!.id });
      expect(report.problem?.message).toMatch(/seq 3 is missing/);
    });

    it("names an inserted row, even one with a correct hash and the later rows renumbered", async () => {
      const all = await rows();
      const forged = chainedRow({ ...all[2]!, id: "evt_forged", seq: 3, action: "role.deleted" }, all[1]!.hash);
      await tamper(t, [
        `update audit_events set seq = seq + 1000 where chain = '${org}' and seq >= 3`,
        `update audit_events set seq = seq - 999 where chain = '${org}' and seq >= 1003`,
        `insert into audit_events (id, chain, seq, organization_id, created_at, actor_type, actor_id, actor_label, action, target_type, target_id, target_label, before, after, request_id, ip, checkpoint_seq, prev_hash, hash)
         values ('${forged.id}', '${org}', 3, '${org}', ${forged.created_at}, '${forged.actor_type}', null, '${forged.actor_label}', '${forged.action}', '${forged.target_type}', '${forged.target_id}', '${forged.target_label}', null, ${forged.after === null ? "null" : `'${forged.after}'`}, null, null, ${forged.checkpoint_seq ?? "null"}, '${forged.prev_hash}', '${forged.hash}')`,
      ]);
      const report = await verifyOrg();
      expect(report.problem).toMatchObject({ kind: "inserted", seq: 3, id: "evt_forged" });
    });

    it("names a row appended past the head without clerk", async () => {
      const all = await rows();
      const last = all[5]!;
      const forged = chainedRow({ ...last, id: "evt_tail", seq: 7 }, last.hash);
      await tamper(t, [
        `insert into audit_events (id, chain, seq, organization_id, created_at, actor_type, actor_id, actor_label, action, target_type, target_id, target_label, before, after, request_id, ip, checkpoint_seq, prev_hash, hash)
         select 'evt_tail', chain, 7, organization_id, created_at, actor_type, actor_id, actor_label, action, target_type, target_id, target_label, before, after, request_id, ip, checkpoint_seq, '${forged.prev_hash}', '${forged.hash}' from audit_events where id = '${last.id}'`,
      ]);
      expect((await verifyOrg()).problem).toMatchObject({ kind: "inserted", seq: 7, id: "evt_tail" });
    });

    it("names two swapped rows", async () => {
      const [, , third, fourth] = await rows();
      await tamper(t, [
        `update audit_events set seq = 1000 where id = '${third!.id}'`,
        `update audit_events set seq = 3 where id = '${fourth!.id}'`,
        `update audit_events set seq = 4 where id = '${third!.id}'`,
      ]);
      const report = await verifyOrg();
      expect(report.problem).toMatchObject({ kind: "reordered", seq: 3, id: fourth!.id });
      expect(report.problem?.message).toContain(third!.id);
    });

    it("catches a truncated tail from the head, and from a signed checkpoint when the head was rewound too", async () => {
      const all = await rows();
      await tamper(t, [`delete from audit_events where chain = '${org}' and seq >= 5`]);
      expect((await verifyOrg()).problem).toMatchObject({ kind: "truncated", seq: 5 });

      // A fresh store: checkpoint, then delete the tail and rewind the head to match.
      await t.close();
      t = await openTestStore(dialect);
      org = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
      for (const name of ["A", "B", "C", "D", "E"]) await createRole(t.ctx, { name, organization: "engineering-team" });
      const {
        chains: [checkpoint],
      } = await recordCheckpoints(t.ctx, { organization: "engineering-team" });
      expect(checkpoint).toMatchObject({ chain: org, seq: 6, kind: "head" });
      const before = await rows();
      expect(all.length).toBe(6);
      await tamper(t, [
        `delete from audit_events where chain = '${org}' and seq >= 5`,
        `update audit_heads set seq = 4, hash = '${before[3]!.hash}' where chain = '${org}'`,
      ]);
      const report = await verifyOrg();
      expect(report.problem).toMatchObject({ kind: "truncated", seq: 5 });
      expect(report.problem?.message).toContain(checkpoint!.id);
    });

    it("refuses a forged checkpoint (not signed with the instance's key) and an altered one", async () => {
      const { anchor } = await recordCheckpoints(t.ctx, { organization: "engineering-team" });
      await tamper(t, [`update audit_checkpoint_chain set signature = '${"ab".repeat(32)}' where id = '${anchor.id}'`]);
      const forged = await verifyAudit(t.ctx, {});
      expect(forged.ok).toBe(false);
      expect(forged.checkpoints.problem).toMatchObject({ kind: "checkpoint_invalid", id: anchor.id });
      await tamper(t, [`update audit_checkpoint_chain set heads = '[]' where id = '${anchor.id}'`]);
      expect((await verifyAudit(t.ctx, {})).checkpoints.problem).toMatchObject({
        kind: "checkpoint_chain_broken",
        id: anchor.id,
      });
    });
  });
}
