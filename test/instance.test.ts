// First-run setup of a store: migrations and built-ins applied once, however many processes start at once.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { manualClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { ensureInstance, listRoles } from "../src/features/roles/index.js";
import { type Store, openStore } from "../src/store/index.js";
import { DIALECTS, freshLocation } from "./helpers/store.js";
import { childEnv } from "./helpers/cli.js";

const run = promisify(execFile);

async function assertSetUpOnce(store: Store): Promise<void> {
  const ctx = contextFor(store, { clock: manualClock() });
  expect((await listRoles(ctx, null)).map((r) => r.key).sort()).toEqual([
    "org:admin",
    "org:audit_reader",
    "org:member",
  ]);
  const events = await store.db
    .selectFrom("audit_events")
    .select("action")
    .where("action", "=", "instance.initialized")
    .execute();
  expect(events).toHaveLength(1);
  const migrations = await store.db
    .selectFrom("clerk_migrations" as never)
    .selectAll()
    .execute();
  expect(migrations.length).toBeGreaterThanOrEqual(3);
}

describe("instance setup", () => {
  if (DIALECTS.includes("sqlite")) {
    it("sqlite: four clerk processes starting on a new file migrate and set it up exactly once", async () => {
      const dir = mkdtempSync(join(tmpdir(), "clerk-setup-"));
      const file = join(dir, "clerk.db");
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          run(process.execPath, [resolve("bin/clerk.js"), "status", "--database", file, "--format", "json"], {
            env: childEnv(dirname(file)),
          }),
        ),
      );
      for (const r of results) expect(JSON.parse(r.stdout)).toMatchObject({ engine: "sqlite" });
      const store = await openStore(file);
      await assertSetUpOnce(store);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  if (DIALECTS.includes("postgres")) {
    it("postgres: several servers starting on a new database migrate and set it up exactly once", async () => {
      const url = await freshLocation("postgres");
      const dbName = url.slice(url.lastIndexOf("/") + 1);
      // An empty database, not the migrated template: the migrations themselves must not race.
      const admin = url.replace(/\/[^/]*$/, "/postgres");
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`DROP DATABASE ${dbName}`);
      await client.query(`CREATE DATABASE ${dbName}`);
      await client.end();
      const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
      await Promise.all(stores.map((s) => ensureInstance(contextFor(s, { clock: manualClock() }))));
      await assertSetUpOnce(stores[0] as Store);
      await Promise.all(stores.map((s) => s.close()));
    });
  }
});
