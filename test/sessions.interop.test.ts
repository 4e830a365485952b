// Interop with Clerk's own code: tokens minted by a running clerk verify with @clerk/backend's verifyToken (networkless
// with our PEM, and through our JWKS), and Clerk's has(), computed from our claims, gives the expected answers (v1, v2).
import { createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyToken } from "@clerk/backend";
import { signedInAuthObject } from "@clerk/backend/internal";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkAccess } from "../src/features/access/index.js";
import { addMember, grantToMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { decodeOrgClaims } from "../src/sdk/claims.js";
import { MASTER_KEY_ENV } from "../src/secrets.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const CONFIG_DIR = mkdtempSync(join(tmpdir(), "clerk-interop-"));
process.env.CLERK_CONFIG_DIR = CONFIG_DIR;
delete process.env[MASTER_KEY_ENV];
afterAll(() => rmSync(CONFIG_DIR, { recursive: true, force: true }));

type Json = Record<string, unknown>;
/** What has() is asked; Clerk's types forbid combining role and permission, its code allows it (all must pass). */
type HasParams = { role?: string; permission?: string };

/**
 * Who asks what, what Clerk's has() must answer from the token, and, where the engine answers otherwise, why:
 * Clerk's claims carry one role, no scopes and no system permissions (ours add `cx` for the first two).
 */
const CASES: { member: string; ask: HasParams; clerk: boolean; engineDiffers?: string }[] = [
  { member: "alice", ask: { role: "org:code_reviewer" }, clerk: true },
  { member: "alice", ask: { role: "code_reviewer" }, clerk: true },
  { member: "alice", ask: { role: "org:developer" }, clerk: false },
  { member: "alice", ask: { permission: "org:code:read" }, clerk: true },
  { member: "alice", ask: { permission: "pull_requests:approve" }, clerk: true },
  { member: "alice", ask: { permission: "org:code:delete" }, clerk: false },
  // Held only on environment:staging: without a resource, no, as the engine says; the scope travels in cx.sc.
  { member: "alice", ask: { permission: "org:deployments:write" }, clerk: false },
  { member: "alice", ask: { role: "org:code_reviewer", permission: "org:code:write" }, clerk: true },
  { member: "alice", ask: { role: "org:code_reviewer", permission: "org:deployments:read" }, clerk: false },
  { member: "bob", ask: { role: "org:developer" }, clerk: true },
  {
    member: "bob",
    ask: { role: "org:deployer" },
    clerk: false,
    engineDiffers: "a second role: only the first travels in rol, all in cx.rls",
  },
  { member: "bob", ask: { permission: "org:deployments:write" }, clerk: true },
  { member: "bob", ask: { permission: "org:code:write" }, clerk: true },
  { member: "carol", ask: { permission: "org:deployments:admin" }, clerk: true },
  { member: "carol", ask: { permission: "org:deployments:read" }, clerk: true },
  { member: "carol", ask: { permission: "org:deployments:write" }, clerk: true },
  { member: "carol", ask: { permission: "org:code:read" }, clerk: false },
  { member: "dana", ask: { role: "org:admin" }, clerk: true },
  {
    member: "dana",
    ask: { permission: "org:sys_memberships:manage" },
    clerk: false,
    engineDiffers: "system permissions never travel in claims",
  },
  { member: "erin", ask: { role: "org:member" }, clerk: true },
  {
    member: "erin",
    ask: { permission: "org:sys_memberships:read" },
    clerk: false,
    engineDiffers: "system permissions never travel in claims",
  },
  { member: "erin", ask: { permission: "org:code:read" }, clerk: false },
];

const MEMBERS: Record<string, string> = {
  alice: "Code Reviewer",
  bob: "Developer, Deployer",
  carol: "Release Manager",
  dana: "org:admin",
  erin: "org:member",
};

/** Our public key as the PEM Clerk's dashboard shows (SPKI), from our JWKS. */
const pemOf = (jwk: Json) =>
  createPublicKey({ key: jwk as never, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: session tokens with Clerk's own code`, () => {
    let t: TestStore;
    let api: TestApi;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${api.secret}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as Json & { keys: Json[] };
    };
    const mint = async (sessionId: string, body: Json = {}) =>
      String((await call("POST", `/v1/sessions/${sessionId}/tokens`, body)).jwt);
    const jwtKey = async () => pemOf((await call("GET", "/v1/jwks")).keys[0] as Json);

    beforeEach(async () => {
      t = await openTestStore(dialect);
      // @clerk/backend checks exp and nbf against the wall clock, so tokens are minted at the real time.
      t.clock.set(Date.now());
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it("verifies with verifyToken networkless, from our public key PEM (jwtKey), checking azp and iss", async () => {
      const user = await ensureUser(t.ctx, "alice@acme.com");
      // Created and minted through the official SDK: the wire shapes are Clerk's.
      const session = await api.clerk.sessions.createSession({ userId: user.id });
      expect(session).toMatchObject({ userId: user.id, status: "active" });
      const { jwt } = await api.clerk.sessions.getToken(session.id, "", 30);
      const verified = await verifyToken(jwt, { jwtKey: await jwtKey() });
      expect(verified).toMatchObject({ sub: user.id, sid: session.id, iss: "clerk" });
      expect(verified.exp - (verified.iat as number)).toBe(30);

      const forApp = await mint(session.id, { authorized_party: "https://app.acme.com" });
      expect(
        (
          await verifyToken(forApp, {
            jwtKey: await jwtKey(),
            authorizedParties: ["https://app.acme.com"],
            issuer: "clerk",
          })
        ).azp,
      ).toBe("https://app.acme.com");
      await expect(
        verifyToken(forApp, { jwtKey: await jwtKey(), authorizedParties: ["https://evil.example"] }),
      ).rejects.toMatchObject({ reason: "token-invalid-authorized-parties" });
      const edited = forApp.replace(
        /\.[\w-]+\./,
        `.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(forApp.split(".")[1] as string, "base64url").toString()), sub: "user_other" })).toString("base64url")}.`,
      );
      await expect(verifyToken(edited, { jwtKey: await jwtKey() })).rejects.toMatchObject({
        reason: "token-invalid-signature",
      });
    });

    it("verifies through our JWKS (secretKey + apiUrl fetch /v1/jwks), before and after a key rotation", async () => {
      const user = await ensureUser(t.ctx, "alice@acme.com");
      const session = await api.clerk.sessions.createSession({ userId: user.id });
      const before = await mint(session.id);
      expect((await verifyToken(before, { secretKey: api.secret, apiUrl: api.url })).sub).toBe(user.id);
      expect((await api.clerk.jwks.getJwks()).keys?.map((k) => k.kid)).toEqual([
        JSON.parse(Buffer.from(before.split(".")[0] as string, "base64url").toString()).kid,
      ]);

      await call("POST", "/v1/signing_keys/rotate", { now: true });
      const after = await mint(session.id);
      // An unknown kid makes @clerk/backend fetch the JWKS again; the old key is still there for the old token.
      expect((await verifyToken(after, { secretKey: api.secret, apiUrl: api.url })).sub).toBe(user.id);
      expect((await verifyToken(before, { secretKey: api.secret, apiUrl: api.url })).sub).toBe(user.id);
    });

    it("is refused by @clerk/backend when signed with ES256: it takes RS256 only, which is why RS256 is the default", async () => {
      const user = await ensureUser(t.ctx, "alice@acme.com");
      const session = await api.clerk.sessions.createSession({ userId: user.id });
      await call("POST", "/v1/signing_keys/rotate", { algorithm: "ES256", now: true });
      await expect(
        verifyToken(await mint(session.id), { secretKey: api.secret, apiUrl: api.url }),
      ).rejects.toMatchObject({ reason: "token-invalid-algorithm" });
    });

    for (const version of [2, 1] as const) {
      it(`gives Clerk's has() the expected answers from v${version} claims, and the engine's where the claims can say it`, async () => {
        const org = await createOrg(t.ctx, { name: "Engineering Team" });
        await createRole(t.ctx, {
          name: "Developer",
          organization: "engineering-team",
          permissions: "read:code,write:code",
        });
        await createRole(t.ctx, {
          name: "Code Reviewer",
          organization: "engineering-team",
          extends: "Developer",
          permissions: "approve:pull-requests",
        });
        await createRole(t.ctx, {
          name: "Deployer",
          organization: "engineering-team",
          permissions: "read:deployments,write:deployments",
        });
        await createRole(t.ctx, {
          name: "Release Manager",
          organization: "engineering-team",
          permissions: "admin:deployments",
        });
        const users: Record<string, { userId: string; sessionId: string }> = {};
        for (const [name, roles] of Object.entries(MEMBERS)) {
          const m = await addMember(t.ctx, { organization: "engineering-team", email: `${name}@acme.com`, roles });
          users[name] = {
            userId: m.user.id,
            sessionId: String((await call("POST", "/v1/sessions", { user_id: m.user.id })).id),
          };
        }
        await grantToMember(t.ctx, {
          organization: "engineering-team",
          email: "alice@acme.com",
          permission: "write:deployments",
          scope: "environment:staging",
        });
        await call("PATCH", "/v1/tokens/settings", { claims_version: version });

        const key = await jwtKey();
        const auth: Record<string, ReturnType<typeof signedInAuthObject>> = {};
        const claimsOf: Record<string, Json> = {};
        for (const [name, u] of Object.entries(users)) {
          const jwt = await mint(u.sessionId, { organization_id: org.id });
          const claims = (await verifyToken(jwt, { jwtKey: key })) as Json & Parameters<typeof signedInAuthObject>[2];
          expect(version === 2 ? claims.v : claims.org_id, name).toBe(version === 2 ? 2 : org.id);
          auth[name] = signedInAuthObject({}, jwt, claims);
          claimsOf[name] = claims;
          // Clerk's parser reads exactly the unscoped permissions we encoded (the fpm bitmask, or the v1 list).
          expect([...(auth[name]?.orgPermissions ?? [])].sort(), name).toEqual(
            decodeOrgClaims(claims).orgPermissions.sort(),
          );
        }
        expect(auth.alice?.orgPermissions?.sort()).toEqual([
          "org:code:read",
          "org:code:write",
          "org:pull_requests:approve",
        ]);

        for (const c of CASES) {
          const label = `${c.member} has(${JSON.stringify(c.ask)})`;
          expect(auth[c.member]?.has(c.ask as never), label).toBe(c.clerk);
          const permission = "permission" in c.ask ? String(c.ask.permission) : undefined;
          if (permission && !("role" in c.ask)) {
            const key = permission.startsWith("org:") ? permission : `org:${permission}`;
            const engine = (
              await checkAccess(t.ctx, {
                organizationId: org.id,
                userId: users[c.member]?.userId as string,
                permission: key,
              })
            ).allowed;
            expect(engine, `${label}, engine${c.engineDiffers ? ` (${c.engineDiffers})` : ""}`).toBe(
              c.engineDiffers ? !c.clerk : c.clerk,
            );
          }
        }

        // The scoped grant Clerk's claims cannot carry is in ours, as the engine answers it for that resource.
        expect(decodeOrgClaims(claimsOf.alice ?? {}).scoped).toEqual({
          "org:deployments:write": ["environment:staging"],
        });
        const scopedCheck = {
          organizationId: org.id,
          userId: users.alice?.userId as string,
          permission: "org:deployments:write",
        };
        expect((await checkAccess(t.ctx, { ...scopedCheck, resource: "environment:staging" })).allowed).toBe(true);
        expect((await checkAccess(t.ctx, { ...scopedCheck, resource: "environment:production" })).allowed).toBe(false);

        // Without an active organization, every organization check is false.
        const personal = await mint(users.alice?.sessionId as string, { organization_id: null });
        const claims = await verifyToken(personal, { jwtKey: key });
        expect(signedInAuthObject({}, personal, claims).has({ role: "org:code_reviewer" })).toBe(false);
      });
    }
  });
}
