// Audit benchmark: a mutation with its audit event vs the same mutation without it, and a 1 000 000-event export (time, peak RSS).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.js";
import { type ServiceContext, inTransaction } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { GENESIS_HASH, canonicalEvent, chainHash } from "../src/features/audit/audit.repository.js";
import type { AuditEventsTable } from "../src/features/audit/audit.table.js";
import { recordAudit } from "../src/features/audit/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { findRoleRowById, updateRoleRow } from "../src/features/policy/index.js";
import { findRoleRow, toRole } from "../src/features/roles/role.service.js";
import { openStore } from "../src/store/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1500);
const EXPORT_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Transactions per second of `fn` for about `ms`. */
async function rate(fn: (i: number) => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) await fn(n++);
  return (n * 1000) / (performance.now() - start);
}

/** Appends `n` events to one chain, hashed here and inserted in batches (the export's input, not what is timed). */
async function seed(ctx: ServiceContext, chain: string, n: number): Promise<void> {
  const head = await ctx.db
    .selectFrom("audit_heads")
    .select(["seq", "hash"])
    .where("chain", "=", chain)
    .executeTakeFirst();
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const start = Date.UTC(2025, 0, 1);
  for (let done = 0; done < n;) {
    await ctx.db.transaction().execute(async (trx) => {
      for (let b = 0; b < 50 && done < n; b++) {
        const batch: AuditEventsTable[] = [];
        for (let i = 0; i < 1000 && done < n; i++, done++) {
          seq++;
          const row = {
            id: `evt_bench${String(seq).padStart(22, "0")}`,
            chain,
            seq,
            organization_id: chain,
            created_at: start + done * 10,
            actor_type: "user",
            actor_id: `user_${done % 50}`,
            actor_label: `user${done % 50}@acme.com`,
            action: done % 2 ? "role.updated" : "member.added",
            target_type: "role",
            target_id: `role_${done % 100}`,
            target_label: `org:role_${done % 100}`,
            before: JSON.stringify({ permissions: ["org:code:read"] }),
            after: JSON.stringify({ permissions: ["org:code:read", "org:code:write"] }),
            request_id: `req_${done}`,
            ip: "127.0.0.1",
          };
          const hash = chainHash(prev, canonicalEvent(row));
          batch.push({ ...row, prev_hash: prev, hash });
          prev = hash;
        }
        await trx.insertInto("audit_events").values(batch).execute();
      }
    });
  }
  await ctx.db
    .insertInto("audit_heads")
    .values({ chain, seq, hash: prev })
    .onConflict((oc) => oc.column("chain").doUpdateSet({ seq, hash: prev }))
    .execute();
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-audit-"));
  process.env.CLERK_CONFIG_DIR = dir;
  const store = await openStore(join(dir, "clerk.db"));
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "operator:bench" } });
  try {
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    const org = await createOrg(ctx, { name: "Bench Org" });

    await createRole(ctx, { name: "Developer", organization: org.slug, permissions: "read:code,write:code,read:docs" });

    // The mutation: a role's description changed as `clerk role update` writes it (read the role and its
    // grants, write the row, bump the organization's policy version, read it back), one fsynced
    // transaction each; the audited one appends its role.updated event too, as the service does.
    const roleUpdate = (audited: boolean) => (i: number) =>
      inTransaction(ctx, async (tx) => {
        const row = await findRoleRow(tx, "Developer", org.slug);
        const before = await toRole(tx, row);
        await updateRoleRow(tx, row, { description: `revision ${i}`, updated_at: tx.clock.now() });
        const after = await toRole(
          tx,
          (await findRoleRowById(tx.db, row.id)) as NonNullable<Awaited<ReturnType<typeof findRoleRowById>>>,
        );
        const summary = (r: typeof after) => ({
          key: r.key,
          name: r.name,
          description: r.description,
          permissions: r.grants.map((g) => g.permission),
        });
        if (audited)
          await recordAudit(tx, {
            organizationId: row.organization_id,
            action: "role.updated",
            target: { type: "role", id: row.id, label: after.key },
            before: summary(before),
            after: summary(after),
          });
      });
    // The smallest write there is, one settings row, shows the append's own cost with nothing to hide it.
    const upsert = (audited: boolean) => (i: number) =>
      inTransaction(ctx, async (tx) => {
        const now = tx.clock.now();
        await tx.db
          .insertInto("settings")
          .values({ key: `bench:${i % 100}`, value: String(i), updated_at: now })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(i), updated_at: now }))
          .execute();
        if (audited)
          await recordAudit(tx, {
            organizationId: org.id,
            action: "setting.updated",
            target: { type: "setting", id: `bench:${i % 100}`, label: "bench" },
            after: { value: i },
          });
      });
    const compare = async (mutate: (audited: boolean) => (i: number) => Promise<unknown>) => {
      await rate(mutate(true), 300);
      await rate(mutate(false), 300);
      const plain: number[] = [];
      const audited: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        plain.push(await rate(mutate(false), ROUND_MS));
        audited.push(await rate(mutate(true), ROUND_MS));
      }
      return { plain: median(plain), audited: median(audited), ratio: median(audited) / median(plain) };
    };
    const role = await compare(roleUpdate);
    console.log(
      `role update/s (sqlite file, one transaction each): plain ${role.plain.toFixed(0)}, audited ${role.audited.toFixed(0)} → ${role.ratio.toFixed(3)}×`,
    );
    const smallest = await compare(upsert);
    console.log(
      `one-row upsert/s (the smallest write): plain ${smallest.plain.toFixed(0)}, audited ${smallest.audited.toFixed(0)} → ${smallest.ratio.toFixed(3)}×`,
    );

    const exportOrg = await createOrg(ctx, { name: "Export Org" });
    const seedStart = performance.now();
    await seed(ctx, exportOrg.id, EXPORT_EVENTS - 1);
    console.log(`seeded ${EXPORT_EVENTS} events in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    // The export runs in a fresh process (as `clerk audit export` would), so its peak RSS is its own, not the seeding's.
    await store.close();
    // It runs the compiled package, as bin/clerk.js does (tsx's on-the-fly compiler alone costs ~100 MB); build first.
    const dist = (path: string) => JSON.stringify(new URL(`../dist/${path}`, import.meta.url).href);
    const code = [
      `const { openStore } = await import(${dist("store/index.js")});`,
      `const { localApi } = await import(${dist("cli/api.js")});`,
      `const { exportToFile } = await import(${dist("features/audit/audit.commands.js")});`,
      `const { statSync } = await import("node:fs");`,
      `const store = await openStore(${JSON.stringify(join(dir, "clerk.db"))});`,
      `const ctx = { db: store.db, dialect: store.dialect, clock: { now: () => Date.now() }, actor: { type: "operator", id: null, label: "operator:bench" }, runtime: { caches: new Map() }, storeLocation: store.location };`,
      `const start = performance.now();`,
      `const { count } = await exportToFile(localApi(ctx), { organization: ${JSON.stringify(exportOrg.id)}, format: "jsonl", output: ${JSON.stringify(join(dir, "export.jsonl"))} });`,
      `const seconds = (performance.now() - start) / 1000;`,
      `await store.close();`,
      `console.log(JSON.stringify({ count, seconds, peakMb: process.resourceUsage().maxRSS / 1024, bytes: statSync(${JSON.stringify(join(dir, "export.jsonl"))}).size }));`,
    ].join("\n");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", code], {
      env: { ...process.env, CLERK_CONFIG_DIR: dir },
      encoding: "utf8",
    });
    const child = JSON.parse(out.trim().split("\n").pop() as string) as {
      count: number;
      seconds: number;
      peakMb: number;
      bytes: number;
    };
    const seconds = child.seconds;
    const peakMb = child.peakMb;
    console.log(
      `export: ${child.count} events, ${(child.bytes / 1024 / 1024).toFixed(0)} MB jsonl in ${seconds.toFixed(1)} s (${Math.round(child.count / seconds)}/s); peak RSS of the exporting process ${peakMb.toFixed(0)} MB`,
    );
    console.log(
      JSON.stringify({
        bench: "audit",
        audited_vs_plain: Number(role.ratio.toFixed(3)),
        export_1m_s: Number(seconds.toFixed(2)),
        export_peak_rss_mb: Number(peakMb.toFixed(1)),
        audited_vs_plain_one_row: Number(smallest.ratio.toFixed(3)),
      }),
    );
  } finally {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
