// Upgrading a store across 0023-audit-layout: every event and head kept, the chain still verifies, the guard still
// refuses edits, and appends continue the chain. SQLite's audit tables become clustered on (chain, seq).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, type Migration, Migrator, sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { manualClock } from "../src/clock.js";
import { createRuntime } from "../src/context.js";
import { contextFor } from "../src/context-builder.js";
import { verifyAudit } from "../src/features/audit/audit.verify.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole, ensureInstance, updateRole } from "../src/features/roles/index.js";
import type { Database } from "../src/store/database.js";
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from "../src/store/dialect.js";
import { type Store, openStore } from "../src/store/index.js";
import { MIGRATIONS } from "../src/store/migrations/index.js";
import { DIALECTS, OPERATOR } from "./helpers/store.js";

const BEFORE = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0023")) as Record<
  string,
  Migration
>;

/** An empty database (no migrations run) on `dialect`, and its clean-up. */
async function emptyLocation(dialect: "sqlite" | "postgres"): Promise<{ location: string; drop: () => void }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "clerk-audit-layout-"));
    return { location: join(dir, "clerk.db"), drop: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = inject("postgresUrl");
  if (!admin) throw new Error("PostgreSQL is not available to this run (see test/setup/postgres.ts)");
  const name = `t_layout_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return { location: admin.replace(/\/[^/]*$/, `/${name}`), drop: () => undefined };
}

/** The store as it was before 0023: migrated only that far, written through the services. */
async function openBefore(dialect: "sqlite" | "postgres", location: string): Promise<Store> {
  const driver =
    dialect === "sqlite"
      ? (await import("../src/store/dialects/sqlite.js")).sqliteDialect(location).dialect
      : (await import("../src/store/dialects/postgres.js")).postgresDialect(location).dialect;
  const db = new Kysely<Database>({ dialect: driver });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => BEFORE },
    migrationTableName: "clerk_migrations",
    migrationLockTableName: "clerk_migrations_lock",
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  return {
    db,
    dialect: dialect === "sqlite" ? SQLITE_CAPABILITIES : POSTGRES_CAPABILITIES,
    location,
    created: true,
    close: () => db.destroy(),
  } as Store;
}

const everything = async (db: Kysely<Database>) => ({
  events: await db.selectFrom("audit_events").selectAll().orderBy("chain").orderBy("seq").execute(),
  heads: await db.selectFrom("audit_heads").selectAll().orderBy("chain").execute(),
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: the audit layout migration`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it("keeps every event and head, verifies, still refuses edits, and appends continue the chain", async () => {
      const { location, drop } = await emptyLocation(dialect);
      cleanups.push(drop);
      const clock = manualClock("2026-01-01T00:00:00.000Z");
      const old = await openBefore(dialect, location);
      const oldCtx = { ...contextFor(old, { clock, runtime: createRuntime() }), actor: OPERATOR };
      await ensureInstance(oldCtx);
      const org = await createOrg(oldCtx, { name: "Layout Org" });
      await createRole(oldCtx, { name: "Developer", organization: org.slug, permissions: "read:code" });
      for (let i = 0; i < 12; i++) {
        clock.advance(1000);
        await addMember(oldCtx, { organization: org.slug, email: `m${i}@layout.test`, roles: "Developer" });
      }
      const before = await everything(old.db);
      expect(before.events.length).toBeGreaterThan(14);
      await old.close();

      const store = await openStore(location);
      cleanups.push(() => store.close());
      const ctx = { ...contextFor(store, { clock, runtime: createRuntime() }), actor: OPERATOR };
      const after = await everything(store.db);
      expect(after.events.map((e) => ({ ...e, seq: Number(e.seq) }))).toEqual(
        before.events.map((e) => ({ ...e, seq: Number(e.seq) })),
      );
      expect(after.heads).toEqual(before.heads);
      expect((await verifyAudit(ctx, {})).ok).toBe(true);

      await expect(sql`update audit_events set actor_label = 'someone else'`.execute(store.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`delete from audit_events`.execute(store.db)).rejects.toThrow(/append-only/);

      clock.advance(1000);
      await updateRole(ctx, "Developer", { organization: org.slug, description: "after the upgrade" });
      const chain = await store.db
        .selectFrom("audit_events")
        .select(["seq", "prev_hash", "hash", "action"])
        .where("chain", "=", org.id)
        .orderBy("seq", "desc")
        .limit(2)
        .execute();
      expect(chain[0]?.action).toBe("role.updated");
      expect(Number(chain[0]?.seq)).toBe(Number(chain[1]?.seq) + 1);
      expect(chain[0]?.prev_hash).toBe(chain[1]?.hash);
      expect((await verifyAudit(ctx, {})).ok).toBe(true);

      if (dialect === "sqlite") {
        // Clustered on (chain, seq), with only the time index beside it; the heads clustered on chain.
        const ddl = await sql<{ name: string; sql: string }>`
          select name, sql from sqlite_master where name in ('audit_events', 'audit_heads')`.execute(store.db);
        for (const row of ddl.rows) expect(row.sql).toMatch(/WITHOUT ROWID/);
        const indexes = await sql<{ name: string }>`select name from pragma_index_list('audit_events')`.execute(
          store.db,
        );
        expect(indexes.rows.map((r) => r.name).sort()).toEqual([
          "audit_events_chain_time",
          "sqlite_autoindex_audit_events_1",
        ]);
      } else {
        // PostgreSQL keeps its layout: the event id stays the key, and the target index stays for role filters.
        const indexes = await sql<{ indexname: string }>`
          select indexname from pg_indexes where tablename = 'audit_events' order by indexname`.execute(store.db);
        expect(indexes.rows.map((r) => r.indexname)).toEqual(
          expect.arrayContaining(["audit_events_chain_target", "audit_events_chain_time", "audit_events_pkey"]),
        );
      }
    });
  });
}
