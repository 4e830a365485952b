// The SDK against the real server: tokens minted by POST /v1/sessions/{id}/tokens, verified over its JWKS, and the
// shared authorization cases answered by has() (from the claims, and from the API for overflowed tokens).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authObject, checkRemote, createAuthenticator, verifyToken } from "../src/sdk/index.js";
import {
  AUTHORIZATION_CASES,
  type AuthorizationCase,
  type World,
  buildWorld,
  caseTime,
} from "./cases/authorization.cases.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

// Where the SDK deliberately answers differently from the engine, and why.
const SDK_DIFFERS: Record<string, string> = {
  // Clerk's rule: org:sys_* never travels in claims, so has() is never true for it (checkRemote answers it).
  "the default role reads members": "system permission",
  // A token carries only grants valid for its whole lifetime; this one ends a second after the case's instant.
  "an expiring grant applies before its date": "grant ends within the token's lifetime",
};
// A token is for an organization the user belongs to; for the others (ancestors' read access included) the server
// refuses to mint one, and only checkRemote can answer.
const notMember = (c: AuthorizationCase) => c.org === "frontend" || (c.user === "erin" && c.org === "eng");

for (const dialect of DIALECTS) {
  describe(`${dialect}: the SDK with tokens from the server`, () => {
    let t: TestStore;
    let api: TestApi;
    let world: World;

    beforeAll(async () => {
      t = await openTestStore(dialect);
      world = await buildWorld(t.ctx);
      api = await startApi(t);
    });
    afterAll(async () => {
      await api.app.close();
      await t.close();
    });

    async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${api.secret}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    }
    const mint = async (user: string, org: string) => {
      const session = await call("POST", "/v1/sessions", { user_id: user });
      return (await call("POST", `/v1/sessions/${String(session.id)}/tokens`, { organization_id: org })).jwt as string;
    };

    it("refuses a token from a revoked session once it has expired, and mints nothing more for that session", async () => {
      t.clock.set(caseTime({} as AuthorizationCase));
      const session = await call("POST", "/v1/sessions", { user_id: world.users.erin });
      const jwt = (
        await call("POST", `/v1/sessions/${String(session.id)}/tokens`, { organization_id: world.orgs.sales })
      ).jwt as string;
      await call("POST", `/v1/sessions/${String(session.id)}/revoke`);
      const options = { jwksUrl: `${api.url}/.well-known/jwks.json`, clock: t.clock };
      // Networkless verification cannot know of the revocation: the token lives out its (short) lifetime…
      expect((await verifyToken(jwt, options)).payload.sid).toBe(session.id);
      await expect(call("POST", `/v1/sessions/${String(session.id)}/tokens`, {})).rejects.toThrow(/→ 400/);
      // …and not a moment past it (the default 5 s skew).
      t.clock.set(caseTime({} as AuthorizationCase) + 60_000 + 5_001);
      await expect(verifyToken(jwt, options)).rejects.toMatchObject({ reason: "token-expired" });
    });

    const memberCases = AUTHORIZATION_CASES.filter((c) => !notMember(c));
    it.each(memberCases)("has() from the claims: $name", async (c) => {
      t.clock.set(caseTime(c));
      const jwt = await mint(world.users[c.user], world.orgs[c.org]);
      const { payload, org } = await verifyToken(jwt, { jwksUrl: `${api.url}/.well-known/jwks.json`, clock: t.clock });
      expect(org.orgId).toBe(world.orgs[c.org]);
      expect(authObject(payload, { clock: t.clock }).has({ permission: c.permission, resource: c.resource })).toBe(
        SDK_DIFFERS[c.name] ? !c.allowed : c.allowed,
      );
    });

    it.each(AUTHORIZATION_CASES.filter(notMember))(
      "no token for a non-member, checkRemote instead: $name",
      async (c) => {
        t.clock.set(caseTime(c));
        await expect(mint(world.users[c.user], world.orgs[c.org])).rejects.toThrow(/→ 4\d\d/);
        const decision = await checkRemote(
          { apiUrl: api.url, secretKey: api.secret },
          {
            organizationId: world.orgs[c.org],
            userId: world.users[c.user],
            permission: c.permission,
            resource: c.resource,
          },
        );
        expect(decision.allowed).toBe(c.allowed);
      },
    );

    describe("overflowed tokens fall back to the member's permissions from the API", () => {
      beforeAll(async () => {
        await call("PATCH", "/v1/tokens/settings", { size_budget: 512 });
      });
      afterAll(async () => {
        await call("PATCH", "/v1/tokens/settings", { size_budget: 8192 });
      });

      it.each(memberCases.filter((c) => c.at === undefined))("$name", async (c) => {
        t.clock.set(caseTime(c));
        const jwt = await mint(world.users[c.user], world.orgs[c.org]);
        const authenticator = createAuthenticator({ apiUrl: api.url, secretKey: api.secret, clock: t.clock });
        const auth = await authenticator.authenticate(jwt);
        expect(auth.sessionClaims?.cx).toMatchObject({ ovf: 1 });
        expect(auth.permissionsUnavailable).toBe(false);
        expect(auth.has({ permission: c.permission, resource: c.resource })).toBe(
          SDK_DIFFERS[c.name] ? !c.allowed : c.allowed,
        );
      });

      it("checkRemote answers what the claims cannot (a system permission)", async () => {
        t.clock.set(caseTime({} as AuthorizationCase));
        const auth = await createAuthenticator({ apiUrl: api.url, secretKey: api.secret, clock: t.clock }).authenticate(
          await mint(world.users.erin, world.orgs.sales),
        );
        expect(auth.has({ permission: "org:sys_memberships:read" })).toBe(false);
        expect((await auth.checkRemote({ permission: "org:sys_memberships:read" })).allowed).toBe(true);
      });
    });
  });
}
