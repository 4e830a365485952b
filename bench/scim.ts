// SCIM benchmark: provisions N users and M groups through /scim/v2 over HTTP (Okta's shapes) and prints users/s
// against the same number of users added in the same run through POST /v1/users + POST …/memberships.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { createKey } from "../src/features/keys/index.js";
import { createOrganization } from "../src/features/members/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { createScimToken, mapGroup } from "../src/features/scim/index.js";
import { buildApp } from "../src/http/app.js";
import { openStore } from "../src/store/index.js";

const USERS = Number(process.env.BENCH_SCIM_USERS ?? 10_000);
const GROUPS = Number(process.env.BENCH_SCIM_GROUPS ?? 200);
const CONCURRENCY = 8;

/** Runs `count` requests, `CONCURRENCY` at a time; returns per second. */
async function drive(count: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return (count * 1000) / (performance.now() - t0);
}

async function post(url: string, token: string, body: unknown, type = "application/json"): Promise<{ id: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { id: string };
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`${url} answered ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "clerk-bench-scim-"));
  process.env.CLERK_CONFIG_DIR = dir;
  const store = await openStore(join(dir, "clerk.db"));
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "operator:bench" } });
  const app = await buildApp({
    store,
    clock: systemClock,
    runtime: { caches: new Map() },
    rateLimitPerMinute: 10_000_000,
  });
  try {
    await ensureInstance({ ...ctx, actor: { type: "system", id: null, label: "system" } });
    const reference = await createOrganization(ctx, { name: "Bench Reference" });
    const org = await createOrganization(ctx, { name: "Bench SCIM" });
    await createRole(ctx, { name: "Tech Lead", organization: org.id });
    for (let g = 0; g < GROUPS; g += 10)
      await mapGroup(ctx, { organization: org.id, group: `Group ${g}`, role: "Tech Lead" });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const key = (await createKey(ctx, { name: "bench" })).secret;
    const token = (await createScimToken(ctx, { organization: org.id, name: "bench" })).secret;

    // Reference: the same users through the Clerk-compatible API, a user and a membership each.
    const viaV1 = await drive(USERS, async (i) => {
      const user = await post(`${url}/v1/users`, key, { email_address: [`ref${i}@bench.test`], first_name: "Ref" });
      await post(`${url}/v1/organizations/${reference.id}/memberships`, key, { user_id: user.id });
    });

    const ids: string[] = new Array(USERS);
    const base = `${url}/scim/v2/${org.id}`;
    const viaScim = await drive(USERS, async (i) => {
      ids[i] = (
        await post(
          `${base}/Users`,
          token,
          {
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
            userName: `user${i}@bench.test`,
            name: { givenName: "User", familyName: String(i) },
            emails: [{ primary: true, value: `user${i}@bench.test`, type: "work" }],
            externalId: `okta-${i}`,
            active: true,
          },
          "application/scim+json",
        )
      ).id;
    });
    const perGroup = Math.max(1, Math.floor(USERS / GROUPS));
    const groupsPerSecond = await drive(GROUPS, async (g) => {
      await post(
        `${base}/Groups`,
        token,
        {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          displayName: `Group ${g}`,
          members: ids.slice(g * perGroup, (g + 1) * perGroup).map((value) => ({ value })),
        },
        "application/scim+json",
      );
    });
    const check = await fetch(
      `${base}/Users?filter=${encodeURIComponent(`userName eq "user${USERS - 1}@bench.test"`)}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const found = ((await check.json()) as { totalResults: number }).totalResults;
    if (found !== 1) throw new Error(`the last user was not found by userName (${found})`);
    console.log(
      `scim: ${USERS} users, ${GROUPS} groups of ${perGroup} members, ${CONCURRENCY} requests at a time, SQLite file`,
    );
    console.log(`  POST /scim/v2/…/Users:                  ${viaScim.toFixed(0)} users/s`);
    console.log(
      `  reference, POST /v1/users + membership: ${viaV1.toFixed(0)} users/s (${(viaScim / viaV1).toFixed(2)}×)`,
    );
    console.log(
      `  POST /scim/v2/…/Groups with members:    ${groupsPerSecond.toFixed(1)} groups/s (${(groupsPerSecond * perGroup).toFixed(0)} memberships/s)`,
    );
    console.log(
      JSON.stringify({
        bench: "scim",
        users: USERS,
        groups: GROUPS,
        scim_users_per_s: Math.round(viaScim),
        reference_users_per_s: Math.round(viaV1),
        ratio_vs_reference: Number((viaScim / viaV1).toFixed(2)),
        scim_groups_per_s: Number(groupsPerSecond.toFixed(1)),
      }),
    );
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
