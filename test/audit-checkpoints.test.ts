// Checkpoints as a signed chain: deleting them no longer hides a cut or a rewrite (issue 25, item 10), and the
// retention gate opens only for a signed retention checkpoint.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { CADENCE_ENV } from "../src/features/audit/audit.checkpoint.js";
import { canonicalEvent, chainHash } from "../src/features/audit/audit.repository.js";
import { applyRetention, recordCheckpoints } from "../src/features/audit/audit.checkpoints.js";
import { verifyAudit } from "../src/features/audit/audit.verify.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { MASTER_KEY_ENV } from "../src/secrets.js";
import { tamper } from "./helpers/audit.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit checkpoint chain`, () => {
    let t: TestStore;
    let org: string;
    const rows = (chain = org) =>
      t.store.db.selectFrom("audit_events").selectAll().where("chain", "=", chain).orderBy("seq").execute();
    const checkpoints = () => t.store.db.selectFrom("audit_checkpoint_chain").selectAll().orderBy("seq").execute();
    const roles = async (...names: string[]) => {
      for (const name of names) {
        t.clock.advance(1000);
        await createRole(t.ctx, { name, organization: "engineering-team" });
      }
    };
    /** Deletes the chain's rows after `seq` and rewinds its head to that row, as a careful attacker would. */
    const cutBack = async (chain: string, seq: number) => {
      const kept = (await rows(chain)).find((r) => Number(r.seq) === seq)!;
      return [
        `delete from audit_events where chain = '${chain}' and seq > ${seq}`,
        `update audit_heads set seq = ${seq}, hash = '${kept.hash}' where chain = '${chain}'`,
      ];
    };
    const rewindCheckpointsTo = (c: { seq: number; hash: string; created_at: number } | undefined) => [
      `delete from audit_checkpoint_chain where seq > ${c?.seq ?? 0}`,
      `update audit_checkpoint_head set seq = ${c?.seq ?? 0}, hash = '${c?.hash ?? "0".repeat(64)}', created_at = ${c?.created_at ?? 0}`,
    ];

    beforeEach(async () => {
      t = await openTestStore(dialect);
      org = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
      await roles("Developer", "Reviewer");
    });
    afterEach(async () => {
      delete process.env[CADENCE_ENV.events];
      delete process.env[CADENCE_ENV.seconds];
      await t.close();
    });

    it("links each checkpoint to the one before and records every chain's head, and verify passes", async () => {
      const { anchor, chains } = await recordCheckpoints(t.ctx, {});
      const all = await checkpoints();
      expect(all.length).toBeGreaterThanOrEqual(2);
      expect(all.map((c) => Number(c.seq))).toEqual(all.map((_, i) => i + 1));
      for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
      expect(all.at(-1)).toMatchObject({ id: anchor.id, hash: anchor.hash, kind: "checkpoint" });
      const orgRows = await rows();
      expect(chains.find((c) => c.chain === org)).toMatchObject({ seq: orgRows.length, hash: orgRows.at(-1)!.hash });
      const report = await verifyAudit(t.ctx, { anchors: [anchor.hash] });
      expect(report.ok).toBe(true);
      expect(report.checkpoints).toMatchObject({
        ok: true,
        checkpoints_checked: all.length,
        newest: { id: anchor.id },
      });
      // The log names the checkpoint it recorded, so the anchor is in the audit log itself too.
      const [recorded] = (await rows("*")).filter((r) => r.action === "audit.checkpoint_recorded");
      expect(JSON.parse(recorded!.after!)).toMatchObject({ checkpoint: { hash: anchor.hash, seq: anchor.seq } });
    });

    it("records in each checkpoint only the heads that moved, so its size follows the change, not the organizations", async () => {
      const ids: string[] = [org];
      for (const name of ["Two", "Three", "Four", "Five"]) ids.push((await createOrg(t.ctx, { name })).id);
      const last = (await checkpoints()).at(-1)!;
      const named = (JSON.parse(last.heads) as [string, number, string][]).map(([chain]) => chain);
      expect(named).toContain(ids.at(-1));
      expect(named.length).toBeLessThanOrEqual(2);
      // Together the checkpoints still name every chain: verify lists them all.
      const { chains } = await recordCheckpoints(t.ctx, {});
      expect(chains.map((c) => c.chain)).toEqual(expect.arrayContaining([...ids, "*"]));
      const report = await verifyAudit(t.ctx, {});
      expect(report.ok).toBe(true);
      expect(report.chains.map((c) => c.chain)).toEqual(expect.arrayContaining([...ids, "*"]));
    });

    it("refuses UPDATE and DELETE on checkpoints, and a bare retention gate row no longer opens the delete", async () => {
      await recordCheckpoints(t.ctx, {});
      for (const statement of [
        "update audit_checkpoint_chain set heads = '[]'",
        "delete from audit_checkpoint_chain",
      ]) {
        await expect(sql.raw(statement).execute(t.store.db)).rejects.toThrow(/append-only/);
      }
      // Issue 25: inserting a gate row used to open the trigger without any DDL.
      await sql`insert into audit_retention_gate (chain, through_seq) values (${org}, 100)`.execute(t.store.db);
      await expect(sql`delete from audit_events where chain = ${org}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      // Naming a checkpoint that is not a retention record of this cut does not open it either.
      const newest = (await checkpoints()).at(-1)!;
      await sql`update audit_retention_gate set token = ${newest.id} where chain = ${org}`.execute(t.store.db);
      await expect(sql`delete from audit_events where chain = ${org}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      expect(await rows()).toHaveLength(3);
    });

    it("catches a forged retention checkpoint that opened the gate (the token a raw INSERT can make is unsigned)", async () => {
      const newest = (await checkpoints()).at(-1)!;
      const forged = {
        seq: Number(newest.seq) + 1,
        id: "ckpt_forged",
        hash: "f".repeat(64),
      };
      await sql`insert into audit_checkpoint_chain (seq, id, kind, prev_hash, heads, retention_chain, retention_through, retention_hash, every_events, every_seconds, created_at, hash, signature)
        values (${forged.seq}, ${forged.id}, 'retention', ${newest.hash}, '[]', ${org}, 2, ${(await rows())[1]!.hash}, 1000, 3600, ${t.clock.now()}, ${forged.hash}, ${"ab".repeat(32)})`.execute(
        t.store.db,
      );
      await sql`insert into audit_retention_gate (chain, through_seq, token) values (${org}, 2, ${forged.id})`.execute(
        t.store.db,
      );
      await sql`delete from audit_events where chain = ${org} and seq <= 2`.execute(t.store.db);
      expect(await rows()).toHaveLength(1);
      const report = await verifyAudit(t.ctx, {});
      expect(report.ok).toBe(false);
      expect(report.checkpoints.problem).toMatchObject({ kind: "checkpoint_chain_broken", id: forged.id });
      // Moving the checkpoint head onto it does not help: it is not signed (nor hashed) as clerk signs.
      await sql`update audit_checkpoint_head set seq = ${forged.seq}, hash = ${forged.hash}`.execute(t.store.db);
      const again = await verifyAudit(t.ctx, {});
      expect(again.checkpoints.problem).toMatchObject({ kind: "checkpoint_chain_broken", id: forged.id });
      expect(again.checkpoints.problem?.message).toMatch(/altered/);
    });

    it("a real retention run still deletes through its own signed token, and verify passes", async () => {
      t.clock.advance(30 * DAY);
      await roles("Operator");
      const r = await applyRetention(t.ctx, { organization: "engineering-team", keep: "10d" });
      expect(r).toMatchObject({ deleted: 3, through_seq: 3 });
      const newest = (await checkpoints()).at(-1)!;
      expect(newest).toMatchObject({ kind: "retention", retention_chain: org });
      expect(Number(newest.retention_through)).toBe(3);
      expect((await rows()).map((x) => Number(x.seq))).toEqual([4, 5]);
      const report = await verifyAudit(t.ctx, {});
      expect(report.ok).toBe(true);
      expect(report.chains.find((c) => c.chain === org)).toMatchObject({ first_seq: 4, last_seq: 5 });
      // The token is single-use: once another checkpoint follows, the same gate row opens nothing.
      await recordCheckpoints(t.ctx, {});
      await sql`insert into audit_retention_gate (chain, through_seq, token) values (${org}, 3, ${newest.id})`.execute(
        t.store.db,
      );
      await expect(sql`delete from audit_events where chain = ${org}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
    });

    it("attack 1: the newest checkpoint deleted and the tail truncated to the one before is reported", async () => {
      const first = await recordCheckpoints(t.ctx, {});
      await roles("Operator", "Auditor");
      const second = await recordCheckpoints(t.ctx, {});
      expect(second.anchor.seq).toBeGreaterThan(first.anchor.seq);
      const before = first.chains.find((c) => c.chain === org)!;
      await tamper(t, [...rewindCheckpointsTo(first.anchor), ...(await cutBack(org, before.seq))]);
      const report = await verifyAudit(t.ctx, {});
      expect(report.ok).toBe(false);
      // The instance log still holds the row that recorded the deleted checkpoint, naming it.
      expect(report.chains.find((c) => c.chain === "*")?.problem).toMatchObject({ kind: "checkpoint_missing" });

      // Cut the instance log back too: only what was kept outside the database can tell now.
      const star = first.chains.find((c) => c.chain === "*")!;
      await tamper(t, await cutBack("*", star.seq));
      expect((await verifyAudit(t.ctx, {})).ok).toBe(true);
      const anchored = await verifyAudit(t.ctx, { anchors: [second.anchor.hash] });
      expect(anchored.ok).toBe(false);
      expect(anchored.checkpoints.problem).toMatchObject({ kind: "checkpoint_missing" });
      expect(anchored.checkpoints.problem?.message).toContain(second.anchor.hash);
    });

    it("attack 2: an event edited, its chain recomputed and the checkpoints deleted is reported", async () => {
      await recordCheckpoints(t.ctx, {});
      await roles("Operator");
      const all = await rows();
      // Rewrite seq 2 and rehash every later row, as someone who knows the (public) hash rule would.
      const statements: string[] = [];
      let prev = all[0]!.hash;
      for (const row of all.slice(1)) {
        const edited = row.seq === 2 ? { ...row, target_label: "someone else" } : row;
        const hash = chainHash(prev, canonicalEvent({ ...edited, seq: Number(edited.seq) }));
        statements.push(
          `update audit_events set target_label = '${edited.target_label}', prev_hash = '${prev}', hash = '${hash}' where id = '${row.id}'`,
        );
        prev = hash;
      }
      statements.push(`update audit_heads set hash = '${prev}' where chain = '${org}'`);
      await tamper(t, [...statements, ...rewindCheckpointsTo(undefined)]);
      expect(await checkpoints()).toHaveLength(0);
      const report = await verifyAudit(t.ctx, { organization: "engineering-team" });
      expect(report.ok).toBe(false);
      expect(report.chains[0]!.problem).toMatchObject({ kind: "checkpoint_missing" });
      expect(report.chains[0]!.problem?.message).toMatch(/checkpoints were deleted/);
    });

    it("attack 3: an organization's events, head row and checkpoints all deleted is reported, naming the chain", async () => {
      await recordCheckpoints(t.ctx, {});
      await tamper(t, [
        `delete from audit_events where chain = '${org}'`,
        `delete from audit_heads where chain = '${org}'`,
        `delete from audit_checkpoints where chain = '${org}'`,
      ]);
      const report = await verifyAudit(t.ctx, {});
      expect(report.ok).toBe(false);
      expect(report.chains.find((c) => c.chain === org)).toMatchObject({
        ok: false,
        problem: { kind: "disappeared" },
      });
      // Deleting the checkpoints that name it as well leaves rows elsewhere naming checkpoints that are gone.
      await tamper(t, rewindCheckpointsTo(undefined));
      const again = await verifyAudit(t.ctx, {});
      expect(again.ok).toBe(false);
      expect(again.chains.find((c) => c.chain === "*")?.problem).toMatchObject({ kind: "checkpoint_missing" });
    });

    it("writes checkpoints at the configured cadence, and verify reports a chain left uncovered for twice as long", async () => {
      process.env[CADENCE_ENV.events] = "3";
      process.env[CADENCE_ENV.seconds] = "600";
      const count = async () => (await checkpoints()).length;
      await recordCheckpoints(t.ctx, {});
      const start = await count();
      await roles("A", "B");
      expect(await count()).toBe(start);
      await roles("C");
      expect(await count()).toBe(start + 1);
      t.clock.advance(601_000);
      await roles("D");
      expect(await count()).toBe(start + 2);
      expect((await verifyAudit(t.ctx, {})).ok).toBe(true);

      // Writers that cannot sign (an unreadable master key) still commit their change, uncovered.
      const fresh = { ...t.ctx, runtime: { caches: new Map() } };
      process.env[MASTER_KEY_ENV] = "too-short";
      try {
        for (const name of ["E", "F", "G", "H", "I", "J"]) {
          t.clock.advance(1000);
          await createRole(fresh, { name, organization: "engineering-team" });
        }
      } finally {
        delete process.env[MASTER_KEY_ENV];
      }
      expect(await count()).toBe(start + 2);
      const report = await verifyAudit(t.ctx, { organization: "engineering-team" });
      expect(report.chains[0]!.problem).toMatchObject({ kind: "checkpoint_missing" });
      expect(report.chains[0]!.problem?.message).toMatch(/every 3 events or 600 s/);
    });
  });
}
