// Store helpers for tests: every store test runs on each dialect in DIALECTS (default sqlite,postgres).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, inject } from "vitest";
import { type ManualClock, manualClock } from "../../src/clock.js";
import { type Actor, type ServiceContext } from "../../src/context.js";
import { contextFor } from "../../src/context-builder.js";
import { ensureInstance } from "../../src/features/roles/index.js";
import { resolveUser } from "../../src/features/users/index.js";
import { snapshot } from "./snapshot.js";
import { type Store, openStore } from "../../src/store/index.js";

/** The dialects this run covers. */
export const DIALECTS = (process.env.DIALECTS ?? "sqlite,postgres")
  .split(",")
  .filter((d): d is "sqlite" | "postgres" => d === "sqlite" || d === "postgres");

/** A fresh database location for one test: an in-memory SQLite, or a copy of the migrated PostgreSQL template. */
export async function freshLocation(dialect: "sqlite" | "postgres", sqlitePath = ":memory:"): Promise<string> {
  if (dialect === "sqlite") return sqlitePath;
  const admin = inject("postgresUrl");
  if (!admin) throw new Error("PostgreSQL is not available to this run (see test/setup/postgres.ts)");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name} TEMPLATE clerk_template`);
  await client.end();
  return admin.replace(/\/[^/]*$/, `/${name}`);
}

/** What a store test gets: the store, a manual clock and a context acting as the operator. */
export interface TestStore {
  store: Store;
  clock: ManualClock;
  ctx: ServiceContext;
  /** The same store and clock, acting as someone else. */
  as(actor: Actor): ServiceContext;
  close(): Promise<void>;
}

export const OPERATOR: Actor = Object.freeze({ type: "operator", id: null, label: "operator:test" });

/** Opens a fresh, prepared store on `dialect` (SQLite in memory unless given a file) with a manual clock at 2026-01-01. */
export async function openTestStore(dialect: "sqlite" | "postgres", sqlitePath?: string): Promise<TestStore> {
  const store = await openStore(await freshLocation(dialect, sqlitePath));
  const clock = manualClock("2026-01-01T00:00:00.000Z");
  const base = contextFor(store, { clock });
  const as = (actor: Actor): ServiceContext => ({ ...base, actor });
  await ensureInstance(base);
  return { store, clock, ctx: as(OPERATOR), as, close: () => store.close() };
}

/** Asserts that `op` is refused with `code` and that no table changed (bad input loses nothing). */
export async function refusedUnchanged(t: TestStore, op: () => Promise<unknown>, code: string): Promise<void> {
  const before = await snapshot(t.store);
  await expect(op()).rejects.toMatchObject({ code });
  expect(await snapshot(t.store)).toEqual(before);
}

/** The test store's context acting as the member with this e-mail (like `--as`). */
export async function actingAs(t: TestStore, email: string): Promise<ServiceContext> {
  const user = await resolveUser(t.ctx, email);
  return t.as({ type: "user", id: user.id, label: user.email });
}
