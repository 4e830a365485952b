// No input yields a 500: arbitrary JSON bodies, queries and path values against every documented route.
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../src/features/keys/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { buildApp } from "../src/http/app.js";
import { type TestStore, openTestStore } from "./helpers/store.js";

const RUNS = Number(process.env.CLERK_FUZZ_RUNS ?? 2000);

describe("sqlite: every route answers arbitrary input without a 500", () => {
  let t: TestStore;
  let app: FastifyInstance;
  let secret: string;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await openTestStore("sqlite");
    app = await buildApp({
      store: t.store,
      clock: t.clock,
      runtime: { caches: new Map() },
      rateLimitPerMinute: 1_000_000,
    });
    secret = (await createKey(t.ctx, {})).secret;
    const org = await createOrg(t.ctx, { name: "Engineering" });
    const role = await createRole(t.ctx, { name: "Developer", organization: org.id, permissions: "read:code" });
    const m = await addMember(t.ctx, { organization: org.id, email: "a@acme.com", roles: "org:admin" });
    ids.push(org.id, org.slug, role.id, role.key, m.user.id, "a@acme.com", "read:code");
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it(`answers ${RUNS} random requests across all routes with statuses below 500`, async () => {
    const routes = app.documentedRoutes;
    const statuses = new Map<number, number>();
    expect(routes.length).toBeGreaterThan(40);
    const segment = fc.oneof(
      fc.constantFrom(...ids),
      fc.string(),
      fc.constantFrom("..", "%00", "org_", "user_x", "ü", " "),
    );
    const json = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.constantFrom(
          "name",
          "slug",
          "role",
          "user_id",
          "permission",
          "scopes",
          "email_address",
          "expires_at",
          "organization_id",
          "parent_id",
          "extends",
        ),
        fc.jsonValue(),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        json,
        fc.dictionary(fc.string(), fc.string()),
        async (route, segs, body, query) => {
          let i = 0;
          const path = route.path.replace(/:[a-z_]+/g, () => encodeURIComponent(segs[i++ % segs.length] as string));
          const res = await app.inject({
            method: route.method,
            url: path,
            query,
            headers: {
              authorization: `Bearer ${secret}`,
              ...(route.method === "GET" ? {} : { "content-type": "application/json" }),
            },
            payload: route.method === "GET" ? undefined : JSON.stringify(body),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 500)
            throw new Error(`${route.method} ${path} ${JSON.stringify(body)} → ${res.statusCode} ${res.body}`);
          // Only the audit export answers a success in another format (JSON lines or CSV, as asked); errors are always JSON.
          const streamed = res.statusCode === 200 && route.path === "/v1/audit_events/export";
          if (streamed)
            expect(["application/json", "application/x-ndjson", "text/csv"]).toContain(
              String(res.headers["content-type"]).split(";")[0],
            );
          // SCIM endpoints speak application/scim+json (RFC 7644), errors included; a path whose segments lead
          // out of /scim/v2 (`..`) may meet the server's plain 404 instead.
          else if (route.path.startsWith("/scim/v2/"))
            expect(
              res.statusCode === 404 && segs.includes("..")
                ? ["application/scim+json; charset=utf-8", "application/json"]
                : ["application/scim+json; charset=utf-8"],
            ).toContain(res.headers["content-type"]);
          else expect(res.headers["content-type"]).toBe("application/json");
        },
      ),
      { numRuns: RUNS },
    );
    // The fuzzing reached the handlers: some requests succeeded and several kinds of refusal were given.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(2);
  });
});
