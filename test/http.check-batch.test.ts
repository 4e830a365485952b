// POST /v1/check/batch: up to 100 checks in one request, each answered as POST /v1/check answers it (the same
// authorization per item), and the SDK's remote checker sending the checks of one turn together.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../src/features/keys/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { buildApp } from "../src/http/app.js";
import { createRemoteChecker } from "../src/sdk/index.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

interface Result {
  correlation_id: string | null;
  object: "check" | "error";
  allowed?: boolean;
  reason?: string;
  path?: { kind: string }[];
  error?: { code: string; message: string; param: string | null };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: POST /v1/check/batch`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let url: string;
    let secret: string;
    let agentKey: string;
    let eng: { id: string };
    let ops: { id: string };
    let dev: { id: string };
    let stranger: { id: string };
    const batch = async (checks: unknown, key = secret) => {
      const res = await fetch(`${url}/v1/check/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ checks }),
      });
      return { status: res.status, body: (await res.json()) as { object: string; results: Result[] } & object };
    };
    const single = async (check: object, key = secret) => {
      const res = await fetch(`${url}/v1/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(check),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    beforeAll(async () => {
      t = await openTestStore(dialect);
      eng = await createOrg(t.ctx, { name: "Engineering" });
      ops = await createOrg(t.ctx, { name: "Operations" });
      await createRole(t.ctx, { name: "Developer", organization: eng.id, permissions: "read:code" });
      await createRole(t.ctx, { name: "Operator", organization: ops.id, permissions: "write:deployments" });
      dev = (await addMember(t.ctx, { organization: eng.id, email: "dev@acme.com", roles: "Developer" })).user;
      stranger = (await addMember(t.ctx, { organization: ops.id, email: "ops@acme.com", roles: "Operator" })).user;
      await addMember(t.ctx, { organization: eng.id, email: "bot@acme.com", roles: "Developer", kind: "agent" });
      secret = (await createKey(t.ctx, {})).secret;
      agentKey = (await createKey(t.ctx, { agent: "bot@acme.com" })).secret;
      app = await buildApp({ store: t.store, clock: t.clock, runtime: { caches: new Map() } });
      url = await app.listen({ port: 0, host: "127.0.0.1" });
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    it("answers each check in order, with its correlation_id, exactly as POST /v1/check answers it", async () => {
      const checks = [
        { correlation_id: "read", organization_id: eng.id, user_id: dev.id, permission: "read:code" },
        { correlation_id: "write", organization_id: "engineering", user_id: "dev@acme.com", permission: "write:code" },
        { organization_id: eng.id, user_id: dev.id, permission: "org:code:read", explain: true },
        { correlation_id: "ops", organization_id: ops.id, user_id: stranger.id, permission: "write:deployments" },
      ];
      const { status, body } = await batch(checks);
      expect(status).toBe(200);
      expect(body.object).toBe("check_batch");
      expect(body.results.map((r) => [r.correlation_id, r.object, r.allowed])).toEqual([
        ["read", "check", true],
        ["write", "check", false],
        [null, "check", true],
        ["ops", "check", true],
      ]);
      for (const [i, { correlation_id: _c, ...check }] of checks.entries()) {
        const { correlation_id: _r, ...answer } = body.results[i] as Result;
        expect(answer).toEqual((await single(check)).body);
      }
      expect(body.results[2]?.path?.map((s) => s.kind)).toEqual(["member", "role", "grant"]);
    });

    it("holds an agent key to its member per item: another organization is that item's error, not the batch's", async () => {
      const { status, body } = await batch(
        [
          { correlation_id: "mine", organization_id: eng.id, user_id: dev.id, permission: "read:code" },
          { correlation_id: "theirs", organization_id: ops.id, user_id: stranger.id, permission: "write:deployments" },
          { correlation_id: "by-slug", organization_id: "operations", user_id: "ops@acme.com", permission: "x:y" },
        ],
        agentKey,
      );
      expect(status).toBe(200);
      expect(body.results[0]).toMatchObject({ correlation_id: "mine", object: "check", allowed: true });
      for (const [i, id] of [
        [1, "theirs"],
        [2, "by-slug"],
      ] as const) {
        expect(body.results[i]).toMatchObject({
          correlation_id: id,
          object: "error",
          error: { code: "org.not_found" },
        });
        expect(JSON.stringify(body.results[i])).not.toContain(stranger.id);
      }
      // The single check refuses the same item the same way.
      expect(
        (await single({ organization_id: ops.id, user_id: stranger.id, permission: "x:y" }, agentKey)).status,
      ).toBe(404);
    });

    it("answers an unknown member or a malformed resource as that item's error", async () => {
      const { body } = await batch([
        { correlation_id: "who", organization_id: eng.id, user_id: "nobody@acme.com", permission: "read:code" },
        { correlation_id: "res", organization_id: eng.id, user_id: dev.id, permission: "read:code", resource: "nope" },
        { correlation_id: "ok", organization_id: eng.id, user_id: dev.id, permission: "read:code" },
      ]);
      expect(body.results.map((r) => [r.correlation_id, r.object, r.error?.code ?? null])).toEqual([
        ["who", "error", "user.not_found"],
        ["res", "error", "input.invalid"],
        ["ok", "check", null],
      ]);
      expect(body.results[1]?.error?.param).toBe("resource");
    });

    it("refuses an empty batch, more than 100 checks, duplicate correlation ids and unknown fields with 422, writing nothing", async () => {
      const before = await snapshot(t.store);
      const item = { organization_id: eng.id, user_id: dev.id, permission: "read:code" };
      for (const [checks, words] of [
        [[], "checks"],
        [Array.from({ length: 101 }, () => item), "checks"],
        [
          [
            { ...item, correlation_id: "a" },
            { ...item, correlation_id: "a" },
          ],
          'correlation_id "a" names two checks',
        ],
        [[{ ...item, colour: "red" }], "colour"],
      ] as const) {
        const { status, body } = await batch(checks);
        expect(status, JSON.stringify(checks).slice(0, 80)).toBe(422);
        expect((body as unknown as { errors: { message: string }[] }).errors[0]?.message).toContain(words);
      }
      expect((await batch(Array.from({ length: 100 }, () => item))).body.results).toHaveLength(100);
      expect(await snapshot(t.store)).toEqual(before);
    });

    it("lets the SDK's remote checker send the checks of one turn in one request, and a lone check alone", async () => {
      const sent: string[] = [];
      const check = createRemoteChecker({
        apiUrl: url,
        secretKey: secret,
        fetch: (input, init) => {
          sent.push(String(input).replace(url, ""));
          return fetch(input, init);
        },
      });
      const ask = (permission: string, resource?: string) =>
        check({ organizationId: eng.id, userId: dev.id, permission, ...(resource ? { resource } : {}) });
      const answers = await Promise.allSettled([
        ask("org:code:read"),
        ask("org:code:write"),
        ask("org:code:read", "bad"),
      ]);
      expect(sent).toEqual(["/v1/check/batch"]);
      expect(answers.map((a) => (a.status === "fulfilled" ? a.value.allowed : "refused"))).toEqual([
        true,
        false,
        "refused",
      ]);
      expect((await ask("org:code:read")).allowed).toBe(true);
      expect(sent).toEqual(["/v1/check/batch", "/v1/check"]);
    });
  });
}
