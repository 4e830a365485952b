// Configuration-as-code benchmark: plan and apply of a generated 1 000-role, 10 000-grant file on an empty store,
// against creating the same organizations, permissions, roles and grants one call at a time through the services
// (in process, no HTTP: what the CLI's local mode and every HTTP route call), in the same run and the same engine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import type { ServiceContext } from "../src/context.js";
import { type Config, applyConfig, planConfig } from "../src/features/config/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createPermission } from "../src/features/permissions/index.js";
import { assignPermission, createRole, ensureInstance } from "../src/features/roles/index.js";
import { openStore } from "../src/store/index.js";

const ROLES = Number(process.env.BENCH_CONFIG_ROLES ?? 1000);
const GRANTS_PER_ROLE = Number(process.env.BENCH_CONFIG_GRANTS_PER_ROLE ?? 10);
const ORGS = Number(process.env.BENCH_CONFIG_ORGS ?? 10);
const PERMISSIONS = 200;

/** 10 organizations of 100 roles; each role grants 10 of 200 custom permissions, every fifth grant scoped. */
export function generatedConfig(): Config {
  const perRole = GRANTS_PER_ROLE;
  const rolesPerOrg = Math.ceil(ROLES / ORGS);
  const key = (i: number) => `org:feature${Math.floor(i / 4)}:${["read", "write", "approve", "manage"][i % 4]}`;
  return {
    version: 1,
    permissions: Array.from({ length: PERMISSIONS }, (_, i) => ({ key: key(i), name: `Permission ${i}` })),
    organizations: Array.from({ length: ORGS }, (_, o) => ({
      slug: `team-${o}`,
      name: `Team ${o}`,
      roles: Array.from({ length: rolesPerOrg }, (_, r) => ({
        key: `org:role_${r}`,
        name: `Role ${r}`,
        permissions: Array.from({ length: perRole }, (_, g) => {
          const permission = key((r * perRole + g * 7 + o) % PERMISSIONS);
          return g % 5 === 0 ? { permission, scopes: [`repository:team-${o}-*`] } : permission;
        }).filter((p, i, all) => all.findIndex((x) => JSON.stringify(x) === JSON.stringify(p)) === i),
      })),
    })),
  };
}

async function withStore<T>(name: string, fn: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `clerk-bench-config-${name}-`));
  process.env.CLERK_CONFIG_DIR = dir;
  const url = process.env.BENCH_DATABASE_URL ?? join(dir, "clerk.db");
  const store = await openStore(url);
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "operator:bench" } });
  try {
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    return await fn(ctx);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same state, one service call per organization, permission, role and grant. */
async function createOneByOne(ctx: ServiceContext, config: Config): Promise<void> {
  for (const p of config.permissions ?? []) await createPermission(ctx, { key: p.key, name: p.name });
  for (const o of config.organizations ?? []) {
    await createOrg(ctx, { name: o.name });
    for (const r of o.roles ?? []) {
      await createRole(ctx, { name: r.name, organization: o.slug });
      for (const g of r.permissions ?? []) {
        const grant = typeof g === "string" ? { permission: g } : { permission: g.permission, scope: g.scopes };
        await assignPermission(ctx, { role: r.key, organization: o.slug, ...grant });
      }
    }
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function run(): Promise<void> {
  const config = generatedConfig();
  const roles = (config.organizations ?? []).reduce((n, o) => n + (o.roles?.length ?? 0), 0);
  const grants = (config.organizations ?? []).reduce(
    (n, o) => n + (o.roles ?? []).reduce((m, r) => m + (r.permissions?.length ?? 0), 0),
    0,
  );
  const engine = process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "SQLite";
  console.log(`config: ${roles} roles, ${grants} grants in ${config.organizations?.length} organizations (${engine})`);

  const figures = await withStore("file", async (ctx) => {
    const plan = await timed(() => planConfig(ctx, config));
    const apply = await timed(() => applyConfig(ctx, config));
    const again = await timed(() => planConfig(ctx, config));
    if (again.value.changes.length !== 0) throw new Error("the applied configuration still plans changes");
    return { plan: plan.ms, changes: plan.value.changes.length, apply: apply.ms, noop: again.ms };
  });
  const reference = await withStore("services", async (ctx) => (await timed(() => createOneByOne(ctx, config))).ms);

  console.log(`  plan on an empty store (${figures.changes} changes)   ${seconds(figures.plan)}`);
  console.log(`  apply (one transaction)                   ${seconds(figures.apply)}`);
  console.log(`  plan again (no changes)                   ${seconds(figures.noop)}`);
  console.log(`  reference: the same through the services, one call each (in process)   ${seconds(reference)}`);
  console.log(`  apply / reference: ${(figures.apply / reference).toFixed(2)}×`);
  console.log(
    JSON.stringify({
      bench: "config",
      engine,
      roles,
      grants,
      plan_ms: Math.round(figures.plan),
      apply_ms: Math.round(figures.apply),
      noop_plan_ms: Math.round(figures.noop),
      reference_services_ms: Math.round(reference),
    }),
  );
}
