// SQLite durability under kill -9: every acknowledged change survives, with its audit events, and nothing half-written.
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { chainHash, canonicalEvent } from "../src/features/audit/audit.repository.js";
import type { AuditEventsTable } from "../src/features/audit/audit.table.js";

const ROUNDS = Number(process.env.CLERK_CRASH_ROUNDS ?? 6);

/** Runs the writer until it has acknowledged at least one change, then kills it at a random moment. */
async function crashOnce(db: string, start: number): Promise<number[]> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/crash-writer.ts", db, String(start)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const acked: number[] = [];
  let buffer = "";
  await new Promise<void>((done) => {
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      acked.push(...lines.map(Number));
      timer ??= setTimeout(() => child.kill("SIGKILL"), randomInt(5, 120));
    });
    child.once("exit", () => done());
  });
  return acked;
}

describe("sqlite: kill -9 while writing", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-crash-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged change with its audit events, and the chains intact, over ${ROUNDS} crashes`, async () => {
    const path = join(dir, "clerk.db");
    const acked: number[] = [];
    for (let round = 0; round < ROUNDS; round++) acked.push(...(await crashOnce(path, round * 100_000)));
    expect(acked.length).toBeGreaterThan(ROUNDS);

    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const names = new Set(
      (db.prepare("select name from organizations").all() as { name: string }[]).map((r) => r.name),
    );
    for (const i of acked) expect(names.has(`Org ${i}`)).toBe(true);
    // No change without its event: every organization has its creation and its member, each audited.
    const orgs = db.prepare("select id from organizations").all() as { id: string }[];
    for (const { id } of orgs) {
      const actions = (
        db.prepare("select action from audit_events where chain = ? order by seq").all(id) as { action: string }[]
      ).map((r) => r.action);
      const members = (
        db.prepare("select count(*) as n from memberships where organization_id = ?").get(id) as { n: number }
      ).n;
      expect(actions.slice(0, 1)).toEqual(["org.created"]);
      expect(actions.filter((a) => a === "member.added")).toHaveLength(members);
    }
    // Every chain links from genesis to its head.
    const heads = db.prepare("select chain, seq, hash from audit_heads").all() as {
      chain: string;
      seq: number;
      hash: string;
    }[];
    for (const head of heads) {
      const rows = db
        .prepare("select * from audit_events where chain = ? order by seq")
        .all(head.chain) as AuditEventsTable[];
      let prev = "0".repeat(64);
      rows.forEach((row, i) => {
        expect(row.seq).toBe(i + 1);
        expect(row.prev_hash).toBe(prev);
        expect(chainHash(prev, canonicalEvent(row))).toBe(row.hash);
        prev = row.hash;
      });
      expect([rows.length, prev]).toEqual([head.seq, head.hash]);
    }
    db.close();
  });
});
