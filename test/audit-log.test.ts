// Reading the audit log: filters, time bounds, cursors, the auditor role, exports that round-trip, retention.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localApi } from "../src/cli/api.js";
import { type AuditEventObject, CSV_COLUMNS, auditEventObject } from "../src/features/audit/index.js";
import { exportToFile } from "../src/features/audit/audit.commands.js";
import { exportAuditEvents, listAuditEvents } from "../src/features/audit/audit.read.js";
import { applyRetention } from "../src/features/audit/audit.checkpoints.js";
import { verifyAudit } from "../src/features/audit/audit.verify.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole, deleteRole, updateRole } from "../src/features/roles/index.js";
import { startApi } from "./helpers/api.js";
import { seedEvents } from "./helpers/audit.js";
import { DIALECTS, type TestStore, actingAs, openTestStore } from "./helpers/store.js";

/** A strict CSV reader (quoted cells, doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  return rows;
}

function fromCsv(cells: string[]): AuditEventObject {
  // A text cell a spreadsheet would run carries one leading ' (see the export's CSV rule); strip it.
  const r = Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, (cells[i] ?? "").replace(/^'/, "")])) as Record<
    (typeof CSV_COLUMNS)[number],
    string
  >;
  const orNull = (v: string) => (v === "" ? null : v);
  return {
    object: "audit_event",
    id: r.id,
    seq: Number(r.seq),
    organization_id: orNull(r.organization_id),
    created_at: Number(r.created_at),
    time: r.time,
    actor: { type: r.actor_type, id: orNull(r.actor_id), label: r.actor_label },
    action: r.action,
    target: { type: r.target_type, id: orNull(r.target_id), label: r.target_label },
    before: r.before === "" ? null : JSON.parse(r.before),
    after: r.after === "" ? null : JSON.parse(r.after),
    request_id: orNull(r.request_id),
    ip: orNull(r.ip),
    via: r.via_type === "" ? null : { type: r.via_type, id: orNull(r.via_id), label: r.via_label },
    checkpoint_seq: r.checkpoint_seq === "" ? null : Number(r.checkpoint_seq),
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

const START = Date.parse("2026-01-01T12:00:00.000Z");

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit list, auditor, export, retention`, () => {
    let t: TestStore;
    let org: string;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      org = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
    });
    afterEach(async () => {
      await t.close();
    });

    it("filters by action category or exact action, actor, role and target; all listed filters must hold", async () => {
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team", permissions: "read:code" });
      await createRole(t.ctx, { name: "Ops", organization: "engineering-team" });
      await addMember(t.ctx, { organization: "engineering-team", email: "alice@acme.com", roles: "org:admin" });
      const alice = await actingAs(t, "alice@acme.com");
      await updateRole(alice, "Ops", { organization: "engineering-team", description: "Runs things" });
      await deleteRole(t.ctx, "Developer", "engineering-team");
      const list = async (filter: string) =>
        (await listAuditEvents(t.ctx, { organization: "engineering-team", filter, limit: 50 })).data.map(
          (e) => e.action,
        );
      expect(await list("action:role")).toEqual(["role.deleted", "role.updated", "role.created", "role.created"]);
      expect(await list("action:role.created")).toEqual(["role.created", "role.created"]);
      expect(await list("actor:alice@acme.com")).toEqual(["role.updated"]);
      expect(await list("role:Developer")).toEqual(["role.deleted", "role.created"]);
      expect(await list("role:org:ops")).toEqual(["role.updated", "role.created"]);
      expect(await list("action:role,actor:operator:test,role:Ops")).toEqual(["role.created"]);
      expect(await list("target:alice@acme.com")).toEqual(["member.added"]);
      await expect(
        listAuditEvents(t.ctx, { organization: "engineering-team", filter: "who:me", limit: 5 }),
      ).rejects.toMatchObject({ code: "audit.invalid_filter" });
      await expect(
        listAuditEvents(t.ctx, { organization: "engineering-team", from: "yesterday", limit: 5 }),
      ).rejects.toMatchObject({ code: "audit.invalid_time", param: "from" });
      await expect(
        listAuditEvents(t.ctx, { organization: "engineering-team", to: "2026-02-30", limit: 5 }),
      ).rejects.toMatchObject({ code: "audit.invalid_time", param: "to" });
      await expect(
        listAuditEvents(t.ctx, { organization: "engineering-team", cursor: "nonsense", limit: 5 }),
      ).rejects.toMatchObject({ code: "audit.invalid_cursor" });
    });

    it("pages newest first with an opaque cursor, over HTTP the same as in-process", async () => {
      await seedEvents(t, org, 25, START, 1000);
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await listAuditEvents(t.ctx, { organization: "engineering-team", limit: 10, cursor });
        seen.push(...page.data.map((e) => e.seq));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 26 }, (_, i) => 26 - i));
      const api = await startApi(t);
      try {
        const res = await fetch(
          `${api.url}/v1/audit_events?organization_id=engineering-team&limit=3&filter=action:approval`,
          { headers: { authorization: `Bearer ${api.secret}` } },
        );
        const body = (await res.json()) as { data: AuditEventObject[]; next_cursor: string };
        expect(body.data.map((e) => e.action)).toEqual(["approval.granted", "approval.requested", "approval.granted"]);
        expect(typeof body.next_cursor).toBe("string");
        const bad = await fetch(`${api.url}/v1/audit_events?organization_id=engineering-team&from=03/01/2026`, {
          headers: { authorization: `Bearer ${api.secret}` },
        });
        expect(bad.status).toBe(422);
        const stream = await fetch(`${api.url}/v1/audit_events/export?organization_id=engineering-team&format=jsonl`, {
          headers: { authorization: `Bearer ${api.secret}` },
        });
        expect(stream.headers.get("content-type")).toBe("application/x-ndjson");
        const lines = (await stream.text())
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as AuditEventObject);
        expect(lines.map((e) => e.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
        const csv = await fetch(`${api.url}/v1/audit_events/export?organization_id=engineering-team&format=csv`, {
          headers: { authorization: `Bearer ${api.secret}` },
        });
        expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
        expect(
          parseCsv(await csv.text())
            .slice(1)
            .map(fromCsv),
        ).toEqual(lines);
      } finally {
        await api.app.close();
      }
    });

    it("gives the auditor role read, verify and export, and nothing else", async () => {
      await addMember(t.ctx, { organization: "engineering-team", email: "audrey@acme.com", roles: "org:audit_reader" });
      await addMember(t.ctx, { organization: "engineering-team", email: "bob@acme.com", roles: "org:member" });
      const audrey = await actingAs(t, "audrey@acme.com");
      const bob = await actingAs(t, "bob@acme.com");
      expect(
        (await listAuditEvents(audrey, { organization: "engineering-team", limit: 50 })).data.map((e) => e.action),
      ).toEqual(["member.added", "member.added", "org.created"]);
      expect((await verifyAudit(audrey, { organization: "engineering-team" })).ok).toBe(true);
      const pages: AuditEventObject[][] = [];
      for await (const page of exportAuditEvents(audrey, { organization: "engineering-team" })) pages.push(page);
      expect(pages.flat()).toHaveLength(3);
      await expect(createRole(audrey, { name: "Sneaky", organization: "engineering-team" })).rejects.toMatchObject({
        code: expect.stringMatching(/^permission\.(denied|escalation)$/),
      });
      await expect(
        addMember(audrey, { organization: "engineering-team", email: "eve@acme.com", roles: "org:admin" }),
      ).rejects.toMatchObject({ code: "permission.denied" });
      await expect(applyRetention(audrey, { organization: "engineering-team", keep: "1d" })).rejects.toMatchObject({
        code: "auth.instance_admin_required",
      });
      await expect(verifyAudit(audrey, {})).rejects.toMatchObject({ code: "auth.instance_admin_required" });
      await expect(listAuditEvents(bob, { organization: "engineering-team", limit: 5 })).rejects.toMatchObject({
        code: "permission.denied",
      });
      const export_ = exportAuditEvents(bob, { organization: "engineering-team" });
      await expect(export_.next()).rejects.toMatchObject({ code: "permission.denied" });
      const actions = (await listAuditEvents(t.ctx, { organization: "engineering-team", limit: 50 })).data.map(
        (e) => e.action,
      );
      expect(actions).toEqual(["member.added", "member.added", "org.created"]);
    });

    it("shows the count and rate on the progress line as the export streams, ending it with a newline", async () => {
      await seedEvents(t, org, 1000, START, 1000);
      const written: string[] = [];
      const progress = { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream;
      let clock = 0;
      const dir = mkdtempSync(join(tmpdir(), "clerk-audit-progress-"));
      // Each reading of the clock is 200 ms on, so every page shows and the rate is known exactly.
      const { count } = await exportToFile(localApi(t.ctx), {
        organization: "engineering-team",
        format: "csv",
        output: join(dir, "p.csv"),
        progress,
        now: () => (clock += 200),
      });
      expect(count).toBe(1001);
      expect(written[written.length - 1]).toBe("\n");
      const counts = written.slice(0, -1).map((w) => Number(/^\r(\d+) events {2}\d+\/s $/.exec(w)?.[1]));
      expect(counts.length).toBeGreaterThan(2);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts[counts.length - 1]).toBe(1001);
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      "exports 100 000 events as JSON, JSONL and CSV that parse back to the same events, with exact time bounds",
      { timeout: 240_000 },
      async () => {
        await seedEvents(t, org, 100_000, START, 1000);
        const expected: AuditEventObject[] = [];
        for await (const page of exportAuditEvents(t.ctx, { organization: "engineering-team" })) expected.push(...page);
        expect(expected).toHaveLength(100_001);
        const fromDb = await t.store.db
          .selectFrom("audit_events")
          .selectAll()
          .where("chain", "=", org)
          .where("seq", "in", [1, 50_000, 100_001])
          .orderBy("seq")
          .execute();
        expect([expected[0], expected[49_999], expected[100_000]]).toEqual(fromDb.map(auditEventObject));
        const dir = mkdtempSync(join(tmpdir(), "clerk-audit-export-"));
        const api = localApi(t.ctx);
        const read = {
          json: (text: string) => JSON.parse(text) as AuditEventObject[],
          jsonl: (text: string) =>
            text
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l) as AuditEventObject),
          csv: (text: string) => {
            const [header, ...rows] = parseCsv(text);
            expect(header).toEqual([...CSV_COLUMNS]);
            return rows.map(fromCsv);
          },
        };
        for (const format of ["json", "jsonl", "csv"] as const) {
          const output = join(dir, `all.${format}`);
          expect(await exportToFile(api, { organization: "engineering-team", format, output })).toEqual({
            count: 100_001,
            path: output,
          });
          expect(read[format](readFileSync(output, "utf8"))).toEqual(expected);
        }
        // No temporary file is left beside the exports.
        expect(readdirSync(dir).sort()).toEqual(["all.csv", "all.json", "all.jsonl"]);
        // Three exports of 100 000 events are ~190 MB: not left behind for every run.
        for (const format of ["json", "jsonl", "csv"]) rmSync(join(dir, `all.${format}`));

        // Seeded event i is at START + i s (seq i + 2). An ISO time is included at both ends; a date is that whole UTC day.
        const at = (i: number) => new Date(START + i * 1000).toISOString();
        const between = async (from: string, to: string) => {
          const out: AuditEventObject[] = [];
          for await (const page of exportAuditEvents(t.ctx, { organization: "engineering-team", from, to }))
            out.push(...page);
          return out;
        };
        const exact = await between(at(100), at(200));
        expect(exact.map((e) => e.created_at)).toEqual(Array.from({ length: 101 }, (_, k) => START + (100 + k) * 1000));
        const zoned = await between("2026-01-01T14:00:00+02:00", "2026-01-01T14:00:09+02:00");
        expect(zoned.map((e) => e.created_at)).toEqual(Array.from({ length: 10 }, (_, k) => START + k * 1000));
        // The seeded events run from 2026-01-01T12:00:00Z to 2026-01-02T15:46:39Z.
        const day = await between("2026-01-02", "2026-01-02");
        expect(day).toHaveLength(56_800);
        expect(day[0]?.time).toBe("2026-01-02T00:00:00.000Z");
        expect(day[day.length - 1]?.time).toBe("2026-01-02T15:46:39.000Z");
        expect(await between("2026-01-01", "2026-01-01")).toHaveLength(43_200 + 1);
        const jsonDay = join(dir, "day.json");
        await exportToFile(api, {
          organization: "engineering-team",
          format: "json",
          from: "2026-01-02",
          to: "2026-01-02",
          output: jsonDay,
        });
        expect(read.json(readFileSync(jsonDay, "utf8"))).toEqual(day);
        rmSync(dir, { recursive: true, force: true });
      },
    );

    it("retention checkpoints, deletes only old events through the trigger's one gate, and verify still passes", async () => {
      const DAY = 86_400_000;
      // org.created (seq 1) at day 0, then one event a day for 40 days (seq 2–41); now is day 45.
      await seedEvents(t, org, 40, t.clock.now(), DAY);
      t.clock.advance(45 * DAY);
      const dry = await applyRetention(t.ctx, { organization: "engineering-team", keep: "10d", dryRun: true });
      expect(dry).toMatchObject({ dry_run: true, deleted: 36, through_seq: 36 });
      const r = await applyRetention(t.ctx, { organization: "engineering-team", keep: "10d" });
      expect(r).toMatchObject({
        deleted: 36,
        through_seq: 36,
        keep: "10d",
        cutoff: t.clock.now() - 10 * DAY,
        dry_run: false,
      });
      expect(r.checkpoint).toMatchObject({ kind: "head", seq: 42 });
      const left = await t.store.db
        .selectFrom("audit_events")
        .select("seq")
        .where("chain", "=", org)
        .orderBy("seq")
        .execute();
      expect(left.map((x) => x.seq)).toEqual([37, 38, 39, 40, 41, 42]);
      expect(
        (await listAuditEvents(t.ctx, { organization: "engineering-team", limit: 1, filter: "action:audit" })).data[0],
      ).toMatchObject({
        action: "audit.retention_applied",
        after: { keep: "10d", deleted: 36, throughSeq: 36 },
      });
      const report = await verifyAudit(t.ctx, { organization: "engineering-team" });
      expect(report.chains[0]).toMatchObject({ ok: true, first_seq: 37, last_seq: 42, events_checked: 6 });
      // The gate closed with the run: a direct delete is refused again.
      await expect(sql`delete from audit_events where chain = ${org}`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(
        applyRetention(t.ctx, { organization: "engineering-team", keep: "10d", through: t.clock.now() }),
      ).rejects.toMatchObject({ code: "audit.invalid_retention" });
      await expect(applyRetention(t.ctx, { organization: "engineering-team", keep: "forever" })).rejects.toMatchObject({
        code: "audit.invalid_retention",
        param: "keep",
      });
    });
  });
}
