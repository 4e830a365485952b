// Sessions and session tokens on both stores: lifecycle, the membership rule, claims (v2, v1, scoped, overflow),
// signing keys (rotation, JWKS, sealed at rest, the master key), token settings, and the CLI.
import { createPublicKey, verify } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRuntime } from "../src/context.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import { createKey } from "../src/features/keys/index.js";
import { addMember, grantToMember, removeMember } from "../src/features/members/index.js";
import { createOrg, resolveOrg } from "../src/features/orgs/index.js";
import { createRole } from "../src/features/roles/index.js";
import {
  createSession,
  issueToken,
  listSessions,
  revokeSession,
  rotateSigningKey,
  updateTokenSettings,
} from "../src/features/sessions/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { decodeOrgClaims } from "../src/sdk/claims.js";
import { MASTER_KEY_ENV, masterKey, masterKeyFileFor, unseal } from "../src/secrets.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, freshLocation, openTestStore, refusedUnchanged } from "./helpers/store.js";

// Every key file this run creates lives here, never in the working tree.
const CONFIG_DIR = mkdtempSync(join(tmpdir(), "clerk-sessions-"));
process.env.CLERK_CONFIG_DIR = CONFIG_DIR;
delete process.env[MASTER_KEY_ENV];
afterAll(() => rmSync(CONFIG_DIR, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const part = (jwt: string, i: 0 | 1) =>
  JSON.parse(Buffer.from(jwt.split(".")[i] as string, "base64url").toString("utf8")) as Json;
const payloadOf = (jwt: string) => part(jwt, 1);
const headerOf = (jwt: string) => part(jwt, 0);

/** Checks a token's signature with node:crypto against the JWKS entry its kid names. */
function signedBy(jwt: string, keys: Json[]): boolean {
  const [h, p, s] = jwt.split(".") as [string, string, string];
  const header = headerOf(jwt);
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk as never, format: "jwk" });
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, "base64url");
  if (header.alg === "ES256") return verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, sig);
  if (header.alg === "EdDSA") return verify(null, data, key, sig);
  return verify("sha256", data, key, sig);
}

/** The engineering organization the claims tests read: roles with inheritance, admin, scoped and expiring grants. */
async function engineering(t: TestStore) {
  const org = await createOrg(t.ctx, { name: "Engineering Team" });
  await createRole(t.ctx, { name: "Developer", organization: "engineering-team", permissions: "read:code,write:code" });
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
  const alice = await addMember(t.ctx, {
    organization: "engineering-team",
    email: "alice@acme.com",
    roles: "Code Reviewer, org:admin",
  });
  await grantToMember(t.ctx, {
    organization: "engineering-team",
    email: "alice@acme.com",
    permission: "write:deployments",
    scope: "environment:staging",
  });
  // Expires 30 s from now: inside a 60 s token's life, so left out. read:wiki expires in an hour: kept.
  await grantToMember(t.ctx, {
    organization: "engineering-team",
    email: "alice@acme.com",
    permission: "read:docs",
    expires: new Date(t.clock.now() + 30_000).toISOString(),
  });
  await grantToMember(t.ctx, {
    organization: "engineering-team",
    email: "alice@acme.com",
    permission: "read:wiki",
    expires: new Date(t.clock.now() + 3_600_000).toISOString(),
  });
  const rm = await addMember(t.ctx, {
    organization: "engineering-team",
    email: "rm@acme.com",
    roles: "Release Manager",
  });
  await createOrg(t.ctx, { name: "Marketing" });
  return { org, alice: alice.user, rm: rm.user };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: sessions and tokens`, () => {
    let t: TestStore;
    let api: TestApi;
    const call = async (method: string, path: string, body?: unknown, key: string | null = api.secret) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as Json & {
          data: Json[];
          keys: Json[];
          errors: { code: string; long_message: string; meta: Json }[];
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

    it("creates a session for a user by e-mail, gets, lists by user and status, and revokes it, auditing each change", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      await ensureUser(t.ctx, "bob@acme.com");
      const created = await call("POST", "/v1/sessions", { user_id: "Alice@Acme.com" });
      expect(created.status).toBe(200);
      const s = created.body;
      expect(s).toMatchObject({
        object: "session",
        status: "active",
        last_active_organization_id: null,
        expire_at: t.clock.now() + 7 * 86_400_000,
        created_at: t.clock.now(),
      });
      expect(s.id).toMatch(/^sess_[0-9A-Za-z]{27}$/);
      t.clock.advance(1000);
      const bobs = (await call("POST", "/v1/sessions", { user_id: "bob@acme.com" })).body;
      expect((await call("GET", `/v1/sessions/${String(s.id)}`)).body).toEqual(s);
      // Clerk answers the session list with a bare array, newest first.
      const ids = async (path: string) => ((await call("GET", path)).body as unknown as Json[]).map((x) => x.id);
      expect(await ids("/v1/sessions")).toEqual([bobs.id, s.id]);
      expect(await ids("/v1/sessions?limit=1")).toEqual([bobs.id]);
      expect(await ids("/v1/sessions?user_id=alice@acme.com")).toEqual([s.id]);

      const revoked = await call("POST", `/v1/sessions/${String(s.id)}/revoke`);
      expect(revoked.body).toMatchObject({ id: s.id, status: "revoked" });
      expect(await ids("/v1/sessions?status=revoked")).toEqual([s.id]);
      expect(await ids("/v1/sessions?status=active")).toEqual([bobs.id]);
      // The official SDK reads the same objects (with no total_count it hands back the bare array, as from Clerk).
      const viaSdk = (await api.clerk.sessions.getSessionList({ userId: String(bobs.user_id) })) as unknown as {
        id: string;
        status: string;
        userId: string;
      }[];
      expect(viaSdk).toHaveLength(1);
      expect(viaSdk[0]).toMatchObject({ id: bobs.id, status: "active", userId: bobs.user_id });

      const events = (await auditEventsOf(t.ctx, null)).filter((e) => e.action.startsWith("session."));
      expect(events.map((e) => [e.action, e.target.label])).toEqual([
        ["session.created", "alice@acme.com"],
        ["session.created", "bob@acme.com"],
        ["session.revoked", "alice@acme.com"],
      ]);
      expect(events[2]).toMatchObject({ before: { status: "active" }, after: { status: "revoked" } });
      expect((await call("GET", "/v1/sessions/sess_nope")).status).toBe(404);
      expect((await call("POST", "/v1/sessions", { user_id: "nobody@acme.com" })).status).toBe(404);
      expect((await call("GET", "/v1/sessions?status=gone")).body.errors[0]?.long_message).toContain(
        "status must be active, revoked or expired",
      );
    });

    it("mints nothing from a revoked session, nor from one past its expiry", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const ok = await call("POST", `/v1/sessions/${s.id}/tokens`);
      expect(ok.body).toMatchObject({ object: "token", jwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
      await revokeSession(t.ctx, s.id);
      const refused = await call("POST", `/v1/sessions/${s.id}/tokens`);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0]).toMatchObject({ code: "session_not_active" });
      expect(refused.body.errors[0]?.long_message).toContain("is revoked");

      const later = await createSession(t.ctx, { user: "alice@acme.com" });
      t.clock.advance(7 * 86_400_000);
      expect((await listSessions(t.ctx, { status: "expired", limit: 10, offset: 0 })).data.map((x) => x.id)).toEqual([
        later.id,
      ]);
      await expect(issueToken(t.ctx, { sessionId: later.id })).rejects.toMatchObject({
        code: "session.not_active",
        message: expect.stringContaining("is expired"),
      });
    });

    it("never lets a token outlive its session", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      t.clock.set(s.expireAt - 10_000);
      const token = await issueToken(t.ctx, { sessionId: s.id });
      expect(payloadOf(token.jwt).exp).toBe(Math.floor(s.expireAt / 1000));
    });

    it("makes an organization active only for its members (404 otherwise), remembering it for later tokens", async () => {
      const { org, alice } = await engineering(t);
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const outsider = await call("POST", `/v1/sessions/${s.id}/tokens`, { organization_id: "marketing" });
      expect(outsider.status).toBe(404);
      expect(outsider.body.errors[0]?.long_message).toContain(
        'alice@acme.com is not a member of organization "marketing"',
      );
      expect(
        (await call("POST", `/v1/sessions/${s.id}/tokens`, { organization_id: "org_2x4y6z8a0b2c4d6e8f0g2h4j6k8" }))
          .status,
      ).toBe(404);

      const first = await call("POST", `/v1/sessions/${s.id}/tokens`, { organization_id: org.id });
      expect(payloadOf(String(first.body.jwt))).toMatchObject({
        sub: alice.id,
        sid: s.id,
        o: { id: org.id, slg: "engineering-team" },
      });
      expect((await call("GET", `/v1/sessions/${s.id}`)).body.last_active_organization_id).toBe(org.id);
      // No organization named: the session's active one.
      const again = await call("POST", `/v1/sessions/${s.id}/tokens`);
      expect(payloadOf(String(again.body.jwt)).o).toMatchObject({ id: org.id });
      // null clears it: the personal account.
      const personal = await call("POST", `/v1/sessions/${s.id}/tokens`, { organization_id: null });
      expect(payloadOf(String(personal.body.jwt))).not.toHaveProperty("o");
      const activations = (await auditEventsOf(t.ctx, null)).filter(
        (e) => e.action === "session.organization_activated",
      );
      expect(activations.map((e) => e.after)).toEqual([
        { last_active_organization_id: org.id },
        { last_active_organization_id: null },
      ]);
    });

    it("writes v2 claims Clerk reads: roles, fpm-encoded unscoped permissions, scoped grants in cx.sc, nothing system, nothing expiring first", async () => {
      const { org, alice } = await engineering(t);
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      await issueToken(t.ctx, { sessionId: s.id }); // creates the signing key (audited once)
      const before = (await auditEventsOf(t.ctx, null)).length;
      const token = await issueToken(t.ctx, {
        sessionId: s.id,
        organization: "engineering-team",
        authorizedParty: "https://app.acme.com",
      });
      await issueToken(t.ctx, { sessionId: s.id });
      const now = Math.floor(t.clock.now() / 1000);
      const p = payloadOf(token.jwt);
      expect(headerOf(token.jwt)).toEqual({ alg: "RS256", kid: token.kid, typ: "JWT" });
      expect(p).toMatchObject({
        sub: alice.id,
        sid: s.id,
        iss: "clerk",
        azp: "https://app.acme.com",
        iat: now,
        nbf: now,
        exp: now + 60,
        v: 2,
      });
      expect(p.jti).toMatch(/^[0-9a-f]{20}$/);
      expect(p.o).toMatchObject({ id: org.id, slg: "engineering-team", rol: "code_reviewer" });
      const decoded = decodeOrgClaims(p);
      expect(decoded.orgRoles).toEqual(["org:code_reviewer", "org:admin"]);
      expect(decoded.orgPermissions.sort()).toEqual([
        "org:code:read",
        "org:code:write",
        "org:pull_requests:approve",
        "org:wiki:read",
      ]);
      expect(decoded.scoped).toEqual({ "org:deployments:write": ["environment:staging"] });
      expect(decoded.overflow).toBe(false);
      expect(JSON.stringify(p)).not.toContain("sys_");
      // Minting is not audited (see token.service.ts); the organization becoming active is.
      expect((await auditEventsOf(t.ctx, null)).slice(before).map((e) => e.action)).toEqual([
        "session.organization_activated",
      ]);
      expect(token.overflow).toBe(false);
    });

    it("lists every action of a feature for an admin grant, so Clerk's has() agrees with the engine's admin rule", async () => {
      await engineering(t);
      const s = await createSession(t.ctx, { user: "rm@acme.com" });
      const p = payloadOf((await issueToken(t.ctx, { sessionId: s.id, organization: "engineering-team" })).jwt);
      expect(decodeOrgClaims(p).orgPermissions.sort()).toEqual([
        "org:deployments:admin",
        "org:deployments:read",
        "org:deployments:write",
      ]);
    });

    it("writes v1 claims (org_id, org_slug, org_role, org_permissions) when the setting says so", async () => {
      const { org } = await engineering(t);
      const settings = await call("PATCH", "/v1/tokens/settings", {
        claims_version: 1,
        issuer: "https://clerk.acme.com",
        token_lifetime_seconds: 120,
      });
      expect(settings.body).toMatchObject({
        object: "token_settings",
        claims_version: 1,
        issuer: "https://clerk.acme.com",
        token_lifetime_seconds: 120,
        size_budget: 4096,
      });
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const p = payloadOf(
        String((await call("POST", `/v1/sessions/${s.id}/tokens`, { organization_id: "engineering-team" })).body.jwt),
      );
      expect(p).toMatchObject({
        iss: "https://clerk.acme.com",
        org_id: org.id,
        org_slug: "engineering-team",
        org_role: "org:code_reviewer",
      });
      expect(p.exp).toBe((p.iat as number) + 120);
      expect(p).not.toHaveProperty("v");
      expect((p.org_permissions as string[]).sort()).toEqual([
        "org:code:read",
        "org:code:write",
        "org:pull_requests:approve",
        "org:wiki:read",
      ]);
      expect(p.cx).toEqual({
        rls: ["org:code_reviewer", "org:admin"],
        sc: { "org:deployments:write": ["environment:staging"] },
      });
      const audit = (await auditEventsOf(t.ctx, null)).find((e) => e.action === "token_settings.updated");
      expect(audit).toMatchObject({
        before: { claimsVersion: 2 },
        after: { claimsVersion: 1, issuer: "https://clerk.acme.com" },
      });
    });

    it("leaves permissions out past the size budget and says so in cx.ovf, keeping the token under budget", async () => {
      await engineering(t);
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const full = await issueToken(t.ctx, { sessionId: s.id, organization: "engineering-team" });
      await updateTokenSettings(t.ctx, { sizeBudget: full.jwt.length - 1 });
      const small = await issueToken(t.ctx, { sessionId: s.id });
      expect(small.overflow).toBe(true);
      expect(small.jwt.length).toBeLessThanOrEqual(full.jwt.length - 1);
      const p = payloadOf(small.jwt);
      expect(p.o).toEqual({ id: expect.any(String), slg: "engineering-team", rol: "code_reviewer" });
      expect(p).not.toHaveProperty("fea");
      expect(p.cx).toEqual({ rls: ["org:code_reviewer", "org:admin"], ovf: 1 });
      expect(decodeOrgClaims(p)).toMatchObject({ overflow: true, orgPermissions: [] });
    });

    it("validates settings with messages that say what is accepted", async () => {
      const cases: [Json, string][] = [
        [{ claims_version: 3 }, "claims_version must be 1"],
        [{ token_lifetime_seconds: 0 }, "token_lifetime_seconds must be at least 1 seconds"],
        [{ size_budget: 100 }, "size_budget must be at least 512 bytes"],
        [{ signing_algorithm: "HS256" }, "signing_algorithm must be RS256, ES256 or EdDSA"],
        [{ issuer: "has spaces" }, "issuer must not contain spaces"],
      ];
      for (const [body, message] of cases) {
        const r = await call("PATCH", "/v1/tokens/settings", body);
        expect(r.status, JSON.stringify(body)).toBe(422);
        expect(r.body.errors[0]?.long_message).toContain(message);
      }
      expect((await call("GET", "/v1/tokens/settings")).body).toMatchObject({
        claims_version: 2,
        token_lifetime_seconds: 60,
        size_budget: 4096,
        signing_algorithm: "RS256",
        issuer: "clerk",
      });
    });

    it("refuses members and agents: sessions and tokens are the instance's to hand out", async () => {
      await engineering(t);
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const asAlice = await actingAs(t, "alice@acme.com");
      await refusedUnchanged(
        t,
        () => createSession(asAlice, { user: "alice@acme.com" }),
        "auth.instance_admin_required",
      );
      await expect(issueToken(asAlice, { sessionId: s.id })).rejects.toMatchObject({
        code: "auth.instance_admin_required",
      });
      await expect(rotateSigningKey(asAlice)).rejects.toMatchObject({ code: "auth.instance_admin_required" });
      const agent = await createKey(t.ctx, { agent: "alice@acme.com" });
      for (const [method, path] of [
        ["POST", `/v1/sessions/${s.id}/tokens`],
        ["GET", "/v1/sessions"],
        ["POST", "/v1/signing_keys/rotate"],
        ["GET", "/v1/tokens/settings"],
      ] as const) {
        const r = await call(method, path, method === "POST" ? {} : undefined, agent.secret);
        expect(r.status, path).toBe(403);
        expect(r.body.errors[0]?.long_message).toContain("only an instance secret key or the local operator");
      }
    });

    it("lets a session token mint its own session's next token (switching organization), never another session's", async () => {
      await engineering(t);
      await addMember(t.ctx, { organization: "marketing", email: "alice@acme.com", roles: "org:member" });
      const mine = await createSession(t.ctx, { user: "alice@acme.com" });
      const other = await createSession(t.ctx, { user: "alice@acme.com" });
      const first = String((await call("POST", `/v1/sessions/${mine.id}/tokens`)).body.jwt);
      const switched = await call("POST", `/v1/sessions/${mine.id}/tokens`, { organization_id: "marketing" }, first);
      expect(switched.status).toBe(200);
      const marketing = await resolveOrg(t.ctx, "marketing");
      expect(decodeOrgClaims(payloadOf(String(switched.body.jwt))).orgId).toBe(marketing.id);
      // The switch is remembered by the session, and audited, as when the backend mints.
      expect((await call("GET", `/v1/sessions/${mine.id}`)).body.last_active_organization_id).toBe(marketing.id);
      const refused = await call("POST", `/v1/sessions/${other.id}/tokens`, {}, first);
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0]?.long_message).toContain("alice@acme.com may not mint tokens of another session");
      // Still only an organization the user belongs to.
      await removeMember(t.ctx, { organization: "marketing", email: "alice@acme.com" });
      expect(
        (await call("POST", `/v1/sessions/${mine.id}/tokens`, { organization_id: "marketing" }, first)).status,
      ).toBe(404);
    });
    it("publishes the JWKS without a key; after a rotation the old key stays until its tokens have expired, then drops out", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const jwks = async () => (await call("GET", "/.well-known/jwks.json", undefined, null)).body.keys;
      const first = await jwks();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        kty: "RSA",
        alg: "RS256",
        use: "sig",
        e: "AQAB",
        kid: expect.stringMatching(/^jwk_/),
      });
      expect(first[0]).not.toHaveProperty("d");
      expect((await call("GET", "/v1/jwks", undefined, null)).body.keys).toEqual(first);

      const old = String((await call("POST", `/v1/sessions/${s.id}/tokens`)).body.jwt);
      expect(headerOf(old).kid).toBe(first[0]?.kid);
      t.clock.advance(1000);
      // An emergency rotation signs at once (the announced rotation is tested in signing-key-rotation.test.ts).
      const rotated = await call("POST", "/v1/signing_keys/rotate", { algorithm: "ES256", now: true });
      expect(rotated.body).toMatchObject({
        current: { algorithm: "ES256", published_until: null },
        previous: { kid: first[0]?.kid, retired_at: t.clock.now() },
      });
      const publishedUntil = (rotated.body.previous as Json).published_until as number;
      const oldExpMs = (payloadOf(old).exp as number) * 1000;
      // Still there while a verifier (5 s skew) could accept the old token.
      expect(publishedUntil).toBeGreaterThanOrEqual(oldExpMs + 5000);

      const fresh = String((await call("POST", `/v1/sessions/${s.id}/tokens`)).body.jwt);
      expect(headerOf(fresh)).toMatchObject({ alg: "ES256", kid: (rotated.body.current as Json).kid });
      const both = await jwks();
      expect(both.map((k) => k.kid)).toEqual([(rotated.body.current as Json).kid, first[0]?.kid]);
      expect(signedBy(old, both) && signedBy(fresh, both)).toBe(true);

      t.clock.set(oldExpMs + 4999);
      expect((await jwks()).map((k) => k.kid)).toContain(first[0]?.kid);
      t.clock.set(publishedUntil);
      expect((await jwks()).map((k) => k.kid)).toEqual([(rotated.body.current as Json).kid]);
      const events = (await auditEventsOf(t.ctx, null)).filter((e) => e.action.startsWith("signing_key."));
      expect(events.map((e) => [e.action, e.target.id])).toEqual([
        ["signing_key.created", first[0]?.kid],
        ["signing_key.rotated", (rotated.body.current as Json).kid],
      ]);
    });

    it("signs with ES256 and EdDSA too, each verifiable against its JWKS entry", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      for (const [algorithm, kty] of [
        ["ES256", "EC"],
        ["EdDSA", "OKP"],
        ["RS256", "RSA"],
      ] as const) {
        await rotateSigningKey(t.ctx, { algorithm, now: true });
        const token = String((await call("POST", `/v1/sessions/${s.id}/tokens`)).body.jwt);
        const keys = (await call("GET", "/v1/jwks", undefined, null)).body.keys;
        expect(keys[0]).toMatchObject({ kty, alg: algorithm, use: "sig" });
        expect(headerOf(token).alg).toBe(algorithm);
        expect(signedBy(token, keys)).toBe(true);
        const tampered = token.replace(
          /\.[\w-]+\./,
          `.${Buffer.from(JSON.stringify({ ...payloadOf(token), sub: "user_other" })).toString("base64url")}.`,
        );
        expect(signedBy(tampered, keys)).toBe(false);
      }
    });

    it("keeps private keys sealed in the store under a master key file of mode 0600", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      const token = await issueToken(t.ctx, { sessionId: s.id });
      const file = join(CONFIG_DIR, "master.key");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const row = await t.store.db.selectFrom("signing_keys").selectAll().executeTakeFirstOrThrow();
      expect(row.kid).toBe(token.kid);
      expect(row.private_key).toMatch(/^v1\.[\w-]+$/);
      const der = unseal(masterKey(t.ctx), row.private_key, `signing_key:${row.kid}`);
      // The stored text is ciphertext: no PEM, and no stretch of the key's DER in it.
      expect(row.private_key).not.toContain("PRIVATE KEY");
      const stored = Buffer.from(row.private_key.slice(3), "base64url");
      expect(stored.includes(der.subarray(der.length - 64))).toBe(false);
      expect(stored.includes(der.subarray(0, 32))).toBe(false);
      // Sealed for this key only: moved to another kid, it does not open.
      expect(() => unseal(masterKey(t.ctx), row.private_key, "signing_key:jwk_other")).toThrow(/cannot be decrypted/);
    });

    it("uses CLERK_MASTER_KEY when set, refuses a malformed one, and says so when the stored keys need another", async () => {
      await ensureUser(t.ctx, "alice@acme.com");
      const s = await createSession(t.ctx, { user: "alice@acme.com" });
      await issueToken(t.ctx, { sessionId: s.id });
      const fresh = () => ({ ...t.ctx, runtime: createRuntime() });
      try {
        process.env[MASTER_KEY_ENV] = "too-short";
        await expect(issueToken(fresh(), { sessionId: s.id })).rejects.toMatchObject({
          code: "secrets.master_key_invalid",
          message: expect.stringContaining("32 random bytes"),
        });
        process.env[MASTER_KEY_ENV] = Buffer.alloc(32, 7).toString("base64");
        await expect(issueToken(fresh(), { sessionId: s.id })).rejects.toMatchObject({
          code: "secrets.unseal_failed",
          message: expect.stringContaining("Restore the original master key"),
        });
        // A key rotated under the new master key signs under it.
        const ctx = fresh();
        await rotateSigningKey(ctx, { now: true });
        expect((await issueToken(ctx, { sessionId: s.id })).jwt).toBeTruthy();
      } finally {
        delete process.env[MASTER_KEY_ENV];
      }
    });

    it("keeps the key file beside a SQLite database file, elsewhere in the config directory", () => {
      expect(masterKeyFileFor("/var/lib/clerk/clerk.db")).toBe("/var/lib/clerk/master.key");
      expect(masterKeyFileFor(":memory:")).toBe(join(CONFIG_DIR, "master.key"));
      expect(masterKeyFileFor("postgres://clerk:***@db/clerk")).toBe(join(CONFIG_DIR, "master.key"));
    });
  });

  describe(`${dialect}: clerk sessions, tokens and keys rotate-signing (CLI)`, () => {
    const BIN = resolve("bin/clerk.js");
    const run = promisify(execFile);
    let dir: string;
    let location: string;
    const clerk = async (...args: string[]) => {
      try {
        const { stdout } = await run(process.execPath, [BIN, "--format", "json", ...args], {
          cwd: dir,
          env: { ...process.env, CLERK_DATABASE_URL: location, CLERK_CONFIG_DIR: join(dir, "config") },
        });
        return { code: 0, out: stdout, json: JSON.parse(stdout) as Json };
      } catch (error) {
        // With --format json an error is one JSON line on stderr; its message is what a person reads.
        const e = error as { code: number; stderr: string };
        const message = (JSON.parse(e.stderr) as { error: { message: string } }).error.message;
        return { code: e.code, out: message, json: {} as Json };
      }
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "clerk-sessions-cli-"));
      location = dialect === "sqlite" ? join(dir, "data", "clerk.db") : await freshLocation("postgres");
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("creates a session, mints a token for an organization, lists, rotates the signing key and revokes", async () => {
      expect((await clerk("org", "create", "--name", "Engineering Team")).code).toBe(0);
      expect(
        (
          await clerk(
            "org",
            "member",
            "add",
            "--organization",
            "engineering-team",
            "--email",
            "alice@acme.com",
            "--role",
            "org:member",
          )
        ).code,
      ).toBe(0);
      const session = await clerk("sessions", "create", "--user", "alice@acme.com");
      expect(session.json).toMatchObject({ object: "session", status: "active" });
      const id = String(session.json.id);
      const token = await clerk("sessions", "token", id, "--organization", "engineering-team", "--lifetime", "5m");
      const p = payloadOf(String(token.json.jwt));
      expect(p).toMatchObject({ sid: id, o: { slg: "engineering-team", rol: "member" } });
      expect((p.exp as number) - (p.iat as number)).toBe(300);
      // The key file sits beside a SQLite file; with PostgreSQL, in the config directory.
      const keyFile = dialect === "sqlite" ? join(dir, "data", "master.key") : join(dir, "config", "master.key");
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);

      const rotated = await clerk("keys", "rotate-signing", "--algorithm", "EdDSA", "--now");
      expect(rotated.json).toMatchObject({
        current: { algorithm: "EdDSA", status: "current" },
        previous: { kid: headerOf(String(token.json.jwt)).kid },
      });
      expect(headerOf(String((await clerk("sessions", "token", id)).json.jwt)).alg).toBe("EdDSA");
      // Without --now the next key is published first and signs after the window; a second rotation waits for it.
      const announced = await clerk("keys", "rotate-signing", "--pre-announce", "15m");
      expect(announced.json).toMatchObject({
        current: { status: "next" },
        previous: { kid: (rotated.json.current as Json).kid, status: "current" },
      });
      expect((announced.json.signs_from as number) - ((announced.json.current as Json).created_at as number)).toBe(
        900_000,
      );
      expect(headerOf(String((await clerk("sessions", "token", id)).json.jwt)).alg).toBe("EdDSA");
      const pending = await clerk("keys", "rotate-signing");
      expect([pending.code, pending.out]).toEqual([4, expect.stringContaining("clerk keys rotate-signing --now")]);
      expect((await clerk("keys", "rotate-signing", "--algorithm", "HS256")).out).toContain(
        '--algorithm "HS256" is not supported; use RS256, ES256, EdDSA.',
      );

      expect((await clerk("tokens", "settings", "--claims", "v1", "--lifetime", "2m")).json).toMatchObject({
        claims_version: 1,
        token_lifetime_seconds: 120,
      });
      expect((await clerk("tokens", "settings", "--lifetime", "soon")).out).toContain(
        '--lifetime "soon" is not a duration',
      );
      expect(payloadOf(String((await clerk("sessions", "token", id)).json.jwt))).toMatchObject({
        org_slug: "engineering-team",
        org_role: "org:member",
      });

      expect(
        ((await clerk("sessions", "list", "--user", "alice@acme.com")).json as unknown as Json[]).map((s) => s.id),
      ).toEqual([id]);
      expect((await clerk("sessions", "revoke", id)).json).toMatchObject({ id, status: "revoked" });
      const refused = await clerk("sessions", "token", id);
      expect(refused.code).toBe(4);
      expect(refused.out).toContain("is revoked");
    }, 180_000);

    it("shows an example in each command's help", async () => {
      for (const command of [
        ["sessions", "create"],
        ["sessions", "list"],
        ["sessions", "revoke"],
        ["sessions", "token"],
        ["keys", "rotate-signing"],
        ["tokens", "settings"],
      ]) {
        const { stdout } = await run(process.execPath, [BIN, ...command, "--help"], { cwd: dir });
        expect(stdout, command.join(" ")).toContain(`Example`);
        expect(stdout).toContain(`clerk ${command.join(" ")}`);
      }
    }, 60_000);
  });
}
