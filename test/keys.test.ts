// API keys and the instance status over HTTP: created and shown once, listed without secrets, revoked at once,
// and refused to anyone acting as a member (an agent key, Clerk-Act-As, --as).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey, listKeys } from "../src/features/keys/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: API keys over HTTP`, () => {
    let t: TestStore;
    let api: TestApi;
    const call = async (
      secret: string,
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${api.url}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${secret}`,
          ...headers,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & {
          data: Record<string, unknown>[];
          errors: { code: string; long_message: string }[];
        },
      };
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it("creates a key whose secret is shown once and works at once, lists it without the secret, and revokes it for the next request", async () => {
      const created = await call(api.secret, "POST", "/api_keys", { name: "CI" });
      expect(created.status).toBe(200);
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
      expect(created.body).toMatchObject({
        object: "api_key",
        name: "CI",
        kind: "instance",
        user_id: null,
        key: `${secret.slice(0, 12)}…${secret.slice(-4)}`,
        revoked_at: null,
      });
      expect((await call(secret, "GET", "/organizations")).status).toBe(200);

      const listed = await call(api.secret, "GET", "/api_keys?limit=1");
      expect(listed.body.total_count).toBe(2);
      expect(listed.body.data).toHaveLength(1);
      const all = [...listed.body.data, ...(await call(api.secret, "GET", "/api_keys?limit=1&offset=1")).body.data];
      expect(all.map((k) => k.name).sort()).toEqual(["CI", "test"]);
      expect(JSON.stringify(all)).not.toContain(secret);
      expect(all.every((k) => !("secret" in k))).toBe(true);

      // Revoked by its listed form, as `clerk keys list` shows it.
      const revoked = await call(
        api.secret,
        "POST",
        `/api_keys/${encodeURIComponent(created.body.key as string)}/revoke`,
      );
      expect(revoked.body).toMatchObject({ id: created.body.id, revoked_at: t.clock.now() });
      expect((await call(secret, "GET", "/organizations")).status).toBe(401);
      const events = await t.store.db
        .selectFrom("audit_events")
        .select(["action", "actor_type", "target_id"])
        .where("action", "like", "key.%")
        .orderBy("seq")
        .execute();
      expect(events.filter((e) => e.target_id === created.body.id).map((e) => [e.action, e.actor_type])).toEqual([
        ["key.created", "api_key"],
        ["key.revoked", "api_key"],
      ]);
      const again = await call(api.secret, "POST", `/api_keys/${created.body.id as string}/revoke`);
      expect([again.status, again.body.errors[0]?.code]).toEqual([404, "resource_not_found"]);
    });

    it("binds an agent key to a user given by e-mail", async () => {
      await ensureUser(t.ctx, "bot@acme.com");
      const agent = await call(api.secret, "POST", "/api_keys", { user_id: "bot@acme.com" });
      expect(agent.body).toMatchObject({ kind: "agent", name: "agent bot@acme.com" });
      expect(agent.body.secret).toMatch(/^ak_live_/);
      expect(agent.body.user_id).toBe((await ensureUser(t.ctx, "bot@acme.com")).id);
    });

    it.each([
      ["GET", "/api_keys", undefined],
      ["POST", "/api_keys", { name: "mine" }],
      ["POST", "/api_keys/KEY/revoke", undefined],
      ["GET", "/instance/status", undefined],
    ] as const)(
      "refuses %s %s to an agent key and to an instance key acting as a member, changing nothing",
      async (method, path, body) => {
        await ensureUser(t.ctx, "bot@acme.com");
        const agentSecret = (await createKey(t.ctx, { agent: "bot@acme.com" })).secret;
        const target = path.replace("KEY", ((await listKeys(t.ctx))[0]?.id as string) ?? "");
        for (const [secret, headers] of [
          [agentSecret, {}],
          [api.secret, { "clerk-act-as": "bot@acme.com" }],
        ] as const) {
          const before = await listKeys(t.ctx);
          const refused = await call(secret, method, target, body, headers);
          expect([refused.status, refused.body.errors[0]?.code]).toEqual([403, "authorization_invalid"]);
          expect(refused.body.errors[0]?.long_message).toMatch(
            /^bot@acme\.com may not .*only an instance secret key or the local operator/,
          );
          expect((await listKeys(t.ctx)).map((k) => [k.id, k.revokedAt])).toEqual(
            before.map((k) => [k.id, k.revokedAt]),
          );
        }
      },
    );

    it("refuses a member context in the service too (what --as does locally)", async () => {
      await ensureUser(t.ctx, "bot@acme.com");
      const bot = await actingAs(t, "bot@acme.com");
      await refusedUnchanged(t, () => createKey(bot, { name: "mine" }), "auth.instance_admin_required");
      await expect(listKeys(bot)).rejects.toMatchObject({ code: "auth.instance_admin_required" });
    });

    it("reports the store's engine, its location without a password, and counts", async () => {
      const status = await call(api.secret, "GET", "/instance/status");
      expect(status.body).toMatchObject({
        object: "instance_status",
        engine: dialect,
        organizations: 0,
        roles: 3,
        permissions: 8,
      });
      expect(status.body.database).toBe(t.store.location);
      // A PostgreSQL URL's password never leaves the server.
      expect(String(status.body.database)).not.toMatch(/\/\/[^/@]*:(?!\*\*\*@)[^/@]*@/);
    });
  });
}
