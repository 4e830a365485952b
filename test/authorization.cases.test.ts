// The shared authorization cases, answered by the access service and by POST /v1/check on both stores.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../src/context.js";
import { assertAllowed, authorize, checkAccess } from "../src/features/access/index.js";
import { createKey } from "../src/features/keys/index.js";
import { buildApp } from "../src/http/app.js";
import {
  AUTHORIZATION_CASES,
  type CaseActor,
  REQUIREMENT_CASES,
  type World,
  buildWorld,
  caseTime,
} from "./cases/authorization.cases.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: shared authorization cases`, () => {
    let t: TestStore;
    let world: World;
    let app: FastifyInstance;
    let url: string;
    let secret: string;

    beforeAll(async () => {
      t = await openTestStore(dialect);
      world = await buildWorld(t.ctx);
      app = await buildApp({ store: t.store, clock: t.clock, runtime: { caches: new Map() } });
      url = await app.listen({ port: 0, host: "127.0.0.1" });
      secret = (await createKey(t.ctx, {})).secret;
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    describe("the access service", () => {
      it.each(AUTHORIZATION_CASES)("$name", async (c) => {
        const d = await checkAccess(t.ctx, {
          organizationId: world.orgs[c.org],
          userId: world.users[c.user],
          permission: c.permission,
          resource: c.resource,
          at: caseTime(c),
        });
        expect(d.allowed).toBe(c.allowed);
      });
    });

    describe("POST /v1/check", () => {
      it.each(AUTHORIZATION_CASES)("$name", async (c) => {
        const res = await fetch(`${url}/v1/check`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({
            organization_id: world.orgs[c.org],
            user_id: world.users[c.user],
            permission: c.permission,
            resource: c.resource,
            at: caseTime(c),
          }),
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { allowed: boolean }).allowed).toBe(c.allowed);
      });
    });

    describe("authorize() and assertAllowed(): every guard's requirement", () => {
      const actorOf = (who: CaseActor): Actor =>
        who === "operator"
          ? { type: "operator", id: null, label: "operator:test" }
          : who === "instance_key"
            ? { type: "api_key", id: "key_test", label: "sk_live_test" }
            : { type: "user", id: world.users[who], label: `${who}@acme.com` };

      it.each(REQUIREMENT_CASES)("$name", async (c) => {
        const ctx = t.as(actorOf(c.actor));
        const requirement = c.requirement(world);
        const decision = await authorize(ctx, requirement);
        expect(decision.allowed).toBe(c.allowed);
        expect(decision.reason).not.toBe("");
        if (c.allowed) await expect(assertAllowed(ctx, requirement)).resolves.toBeUndefined();
        else await expect(assertAllowed(ctx, requirement)).rejects.toMatchObject({ code: c.code });
      });
    });
  });
}
