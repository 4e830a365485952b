// Tenant-scale benchmark: what one organization's everyday work costs alone, and again beside thousands of other
// organizations with their own inheriting roles (the reference is the same work in the same run before they exist).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { resolveOrg } from "../src/features/orgs/index.js";
import { createRole, ensureInstance, listRoles, updateRole } from "../src/features/roles/index.js";
import { newId } from "../src/ids.js";
import { openStore } from "../src/store/index.js";

const OTHERS = Number(process.env.BENCH_TENANTS ?? 2000);
const ROLES_EACH = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median milliseconds of `fn` over `n` calls, after one warm-up call. */
async function ms(fn: (i: number) => Promise<unknown>, n: number): Promise<number> {
  await fn(-1);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-tenants-"));
  process.env.CLERK_CONFIG_DIR = dir;
  const store = await openStore(join(dir, "clerk.db"));
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "operator:bench" } });
  try {
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    await createOrganization(ctx, { name: "Target" });
    await createRole(ctx, { name: "Base", organization: "target", permissions: "read:code" });
    await createRole(ctx, { name: "Dev", organization: "target", extends: "Base", permissions: "write:code" });
    const member = await addMember(ctx, { organization: "target", email: "dev@target.test", roles: "Dev" });
    const asMember = { ...ctx, actor: { type: "user" as const, id: member.user.id, label: "dev@target.test" } };
    const work = {
      role_update: (i: number) => updateRole(ctx, "Dev", { organization: "target", description: `revision ${i}` }),
      member_resolves_org: () => resolveOrg(asMember, "target"),
      member_lists_roles: () => listRoles(asMember),
      org_role_list: () => listRoles(ctx, "target"),
    };
    const measure = async () => ({
      role_update: await ms(work.role_update, 50),
      member_resolves_org: await ms(work.member_resolves_org, 500),
      member_lists_roles: await ms(work.member_lists_roles, 100),
      org_role_list: await ms(work.org_role_list, 100),
    });
    const alone = await measure();

    // The other tenants' rows are written directly, in one transaction: the cost under test is living beside them.
    const now = Date.now();
    await store.db.transaction().execute(async (trx) => {
      for (let o = 0; o < OTHERS; o++) {
        const orgId = newId("org", now);
        await trx
          .insertInto("organizations")
          .values({ id: orgId, name: `Tenant ${o}`, slug: `tenant-${o}`, created_at: now, updated_at: now })
          .execute();
        let parent: string | null = null;
        for (let r = 0; r < ROLES_EACH; r++) {
          const id = newId("role", now);
          await trx
            .insertInto("roles")
            .values({
              id,
              organization_id: orgId,
              owner_key: orgId,
              key: `org:r${r}`,
              description: "",
              name: `R${r}`,
              created_at: now,
              updated_at: now,
            })
            .execute();
          if (parent)
            await trx.insertInto("role_parents").values({ role_id: id, parent_id: parent, position: 0 }).execute();
          parent = id;
        }
      }
    });
    const beside = await measure();

    console.log(
      `\nOne organization's work, alone and beside ${OTHERS} others with ${ROLES_EACH} inheriting roles each (SQLite file, median ms)`,
    );
    console.log("work                    alone    beside   ratio");
    for (const k of Object.keys(work) as (keyof typeof work)[])
      console.log(
        `${k.padEnd(22)} ${alone[k].toFixed(2).padStart(6)}  ${beside[k].toFixed(2).padStart(8)}  ${(beside[k] / alone[k]).toFixed(2).padStart(6)}`,
      );
    console.log(
      JSON.stringify({
        bench: "tenants",
        other_organizations: OTHERS,
        ...Object.fromEntries(
          (Object.keys(work) as (keyof typeof work)[]).map((k) => [
            `${k}_ms`,
            { alone: Number(alone[k].toFixed(3)), beside: Number(beside[k].toFixed(3)) },
          ]),
        ),
      }),
    );
  } finally {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
