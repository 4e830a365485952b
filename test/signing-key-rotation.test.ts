// Signing-key rotation on both stores: the new key is published before it signs, so no verifier ever misses it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime } from "../src/context.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import {
  DEFAULT_PRE_ANNOUNCE_MS,
  createSession,
  issueToken,
  listSigningKeys,
  publishedKeys,
  rotateSigningKey,
} from "../src/features/sessions/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { TokenVerificationError } from "../src/sdk/token-errors.js";
import { type TokenVerifier, createVerifier } from "../src/sdk/verify-token.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore, refusedUnchanged } from "./helpers/store.js";

const kidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString("utf8")) as { kid: string }).kid;
const expMsOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as { exp: number }).exp * 1000;

/** The same token under a kid the JWKS never had: what makes a verifier look the set up again. */
const withStrangerKid = (jwt: string) =>
  `${Buffer.from(JSON.stringify({ alg: "RS256", kid: "jwk_stranger", typ: "JWT" })).toString("base64url")}.${jwt.split(".").slice(1).join(".")}`;

async function outcome(verifier: TokenVerifier, jwt: string): Promise<string> {
  try {
    await verifier.verify(jwt);
    return "verified";
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.reason;
    throw error;
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: signing key rotation`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
    });
    afterEach(() => t.close());

    /** A session to mint tokens for, and clerk/sdk verifiers reading this store's JWKS on the test clock. */
    async function setup() {
      await ensureUser(t.ctx, "alice@acme.com");
      const session = await createSession(t.ctx, { user: "alice@acme.com" });
      const jwks = (async () => Response.json({ keys: await publishedKeys(t.ctx) })) as typeof fetch;
      const verifier = () =>
        createVerifier({ jwksUrl: "http://clerk.test/.well-known/jwks.json", fetch: jwks, clock: t.clock });
      const mint = async (ctx = t.ctx) => (await issueToken(ctx, { sessionId: session.id })).jwt;
      return { verifier, mint };
    }
    const signingKeyEvents = async () =>
      (await auditEventsOf(t.ctx, null))
        .filter((e) => e.action.startsWith("signing_key."))
        .map((e) => [e.action, e.target.id]);

    // Regression (issue 25 item 9): the new key signed at once, and a verifier that had just looked up an unknown
    // kid could not fetch the JWKS again for 10 s, so every fresh token failed with jwk-kid-mismatch.
    it("a verifier that looked up an unknown kid just before the rotation verifies every token signed after it", async () => {
      const { verifier, mint } = await setup();
      const before = await mint();
      const busy = verifier();
      const idle = verifier();
      for (const v of [busy, idle]) {
        expect(await outcome(v, before)).toBe("verified");
        expect(await outcome(v, withStrangerKid(before))).toBe("jwk-kid-mismatch");
      }
      t.clock.advance(1_000);
      const rotatedAt = t.clock.now();
      const rotation = await rotateSigningKey(t.ctx);
      expect(rotation).toMatchObject({
        current: { status: "next", publishedUntil: null },
        previous: { kid: kidOf(before), status: "current", retiredAt: rotatedAt + DEFAULT_PRE_ANNOUNCE_MS },
        signsFrom: rotatedAt + DEFAULT_PRE_ANNOUNCE_MS,
      });
      const newKid = rotation.current.kid;

      // Tokens every second at first, then every 10 s, until two minutes past the switch: the busy verifier checks
      // each one; the idle one only the first token the new key signs.
      let firstNew: string | undefined;
      while (t.clock.now() < rotation.signsFrom + 120_000) {
        const jwt = await mint();
        const at = `${(t.clock.now() - rotatedAt) / 1000} s after the rotation`;
        expect(kidOf(jwt), at).toBe(t.clock.now() < rotation.signsFrom ? kidOf(before) : newKid);
        expect(await outcome(busy, jwt), at).toBe("verified");
        if (firstNew === undefined && kidOf(jwt) === newKid) {
          firstNew = jwt;
          expect(await outcome(idle, jwt), at).toBe("verified");
        }
        t.clock.advance(t.clock.now() - rotatedAt < 15_000 ? 1_000 : 10_000);
      }
      expect(firstNew).toBeDefined();
    });

    it("an emergency rotation (now) signs at once, and such a verifier refuses its tokens until it may refetch (10 s)", async () => {
      const { verifier, mint } = await setup();
      const before = await mint();
      const v = verifier();
      expect(await outcome(v, before)).toBe("verified");
      expect(await outcome(v, withStrangerKid(before))).toBe("jwk-kid-mismatch");
      t.clock.advance(1_000);
      const rotation = await rotateSigningKey(t.ctx, { now: true });
      expect(rotation).toMatchObject({ current: { status: "current" }, signsFrom: t.clock.now() });
      const fresh = await mint();
      expect(kidOf(fresh)).toBe(rotation.current.kid);
      expect(await outcome(v, fresh)).toBe("jwk-kid-mismatch");
      t.clock.advance(9_000);
      expect(await outcome(v, await mint())).toBe("verified");
    });

    it("the old key signs until the switch, then stays published until its last token has expired", async () => {
      const { mint } = await setup();
      const oldKid = kidOf(await mint());
      const rotation = await rotateSigningKey(t.ctx, { preAnnounceMs: 60_000 });
      const kids = async () => (await publishedKeys(t.ctx)).map((k) => k.kid);
      expect(await kids()).toEqual([oldKid, rotation.current.kid]);
      expect((await listSigningKeys(t.ctx)).map((k) => [k.kid, k.status])).toEqual([
        [oldKid, "current"],
        [rotation.current.kid, "next"],
      ]);

      t.clock.set(rotation.signsFrom - 1);
      const last = await mint();
      expect(kidOf(last)).toBe(oldKid);
      t.clock.set(rotation.signsFrom);
      expect(kidOf(await mint())).toBe(rotation.current.kid);
      const [current, retired] = await listSigningKeys(t.ctx);
      expect(current).toMatchObject({ kid: rotation.current.kid, status: "current", retiredAt: null });
      expect(retired).toMatchObject({ kid: oldKid, status: "retired", retiredAt: rotation.signsFrom });
      // Published while a verifier (5 s skew) could still accept the last token it signed.
      expect(retired!.publishedUntil).toBeGreaterThanOrEqual(expMsOf(last) + 5_000);
      t.clock.set(expMsOf(last) + 4_999);
      expect(await kids()).toEqual([rotation.current.kid, oldKid]);
      t.clock.set(retired!.publishedUntil!);
      expect(await kids()).toEqual([rotation.current.kid]);
      expect(await signingKeyEvents()).toEqual([
        ["signing_key.created", oldKid],
        ["signing_key.rotated", rotation.current.kid],
        ["signing_key.activated", rotation.current.kid],
      ]);
    });

    it("refuses a second rotation while one is announced, changing nothing; now replaces both at once", async () => {
      const { mint } = await setup();
      const oldKid = kidOf(await mint());
      const announced = await rotateSigningKey(t.ctx);
      await refusedUnchanged(t, () => rotateSigningKey(t.ctx), "signing_key.rotation_pending");
      await expect(rotateSigningKey(t.ctx)).rejects.toThrow(
        new RegExp(`${announced.current.kid} is already published and starts signing at .*--now`),
      );

      t.clock.advance(1_000);
      const emergency = await rotateSigningKey(t.ctx, { now: true });
      expect(kidOf(await mint())).toBe(emergency.current.kid);
      const byKid = new Map((await listSigningKeys(t.ctx)).map((k) => [k.kid, k]));
      expect(byKid.get(emergency.current.kid)).toMatchObject({ status: "current" });
      // The withdrawn key never signed: it leaves the JWKS after the verifiers' skew.
      expect(byKid.get(announced.current.kid)).toMatchObject({
        status: "retired",
        retiredAt: t.clock.now(),
        publishedUntil: t.clock.now() + 5_000,
      });
      expect(byKid.get(oldKid)).toMatchObject({ status: "retired", retiredAt: t.clock.now() });
      // Its announced time passes without it taking over.
      t.clock.set(announced.signsFrom + 1);
      expect(kidOf(await mint())).toBe(emergency.current.kid);
      expect(await signingKeyEvents()).toEqual([
        ["signing_key.created", oldKid],
        ["signing_key.rotated", announced.current.kid],
        ["signing_key.rotated", emergency.current.kid],
      ]);
    });

    it("a rotation after the announced key's time came, with no token minted since, hands over first", async () => {
      const { mint } = await setup();
      await mint();
      const first = await rotateSigningKey(t.ctx, { preAnnounceMs: 60_000 });
      t.clock.set(first.signsFrom + 1);
      const second = await rotateSigningKey(t.ctx, { preAnnounceMs: 60_000 });
      expect(second.previous).toMatchObject({ kid: first.current.kid, status: "current" });
      expect(kidOf(await mint())).toBe(first.current.kid);
      t.clock.set(second.signsFrom);
      expect(kidOf(await mint())).toBe(second.current.kid);
    });

    it("several processes minting at the switch hand over once, and each signs with the new key", async () => {
      const { mint } = await setup();
      const processes = Array.from({ length: 4 }, () => ({ ...t.ctx, runtime: createRuntime() }));
      // Each process has the old key cached.
      for (const ctx of processes) await mint(ctx);
      const rotation = await rotateSigningKey(processes[0]!, { preAnnounceMs: 30_000 });
      t.clock.set(rotation.signsFrom);
      const jwts = await Promise.all(processes.flatMap((ctx) => [mint(ctx), mint(ctx), mint(ctx)]));
      expect(new Set(jwts.map(kidOf))).toEqual(new Set([rotation.current.kid]));
      expect((await signingKeyEvents()).filter(([action]) => action === "signing_key.activated")).toHaveLength(1);
    });
  });

  describe(`${dialect}: POST /v1/signing_keys/rotate`, () => {
    let t: TestStore;
    let api: TestApi;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });
    const rotate = async (body: unknown) => {
      const res = await fetch(`${api.url}/v1/signing_keys/rotate`, {
        method: "POST",
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, never> };
    };

    it("announces the new key for pre_announce_seconds, refuses a second rotation with 409, and bad windows with 422", async () => {
      await publishedKeys(t.ctx);
      const announced = await rotate({ pre_announce_seconds: 900 });
      expect(announced).toMatchObject({
        status: 200,
        body: { current: { status: "next", published_until: null }, signs_from: t.clock.now() + 900_000 },
      });
      const again = await rotate({});
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ errors: [{ code: "signing_key_rotation_pending" }] });
      for (const body of [{ pre_announce_seconds: 0 }, { now: true, pre_announce_seconds: 60 }, { now: "yes" }]) {
        expect((await rotate(body)).status, JSON.stringify(body)).toBe(422);
      }
      expect(await rotate({ now: true })).toMatchObject({ status: 200, body: { current: { status: "current" } } });
    });
  });
}
