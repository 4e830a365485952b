// verifyToken and createVerifier: the algorithm comes from the key, every attack on the header or claims is refused.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.js";
import {
  type TestServer,
  b64url,
  generateTestKey,
  mintSessionToken,
  sendJson,
  sessionPayload,
  signHs256,
  signJwt,
  startTestServer,
} from "../../test/helpers/tokens.js";
import { TokenVerificationError } from "./token-errors.js";
import { createVerifier, verifyToken } from "./verify-token.js";

const T0 = Date.parse("2026-01-15T10:00:00Z");

async function reason(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.reason;
    throw error;
  }
  return "accepted";
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** The same bytes spelled in plain base64 (with `+`/`/` where base64url has `-`/`_`); the signature must have one. */
const toPlainBase64 = (s: string) => s.replace(/-/g, "+").replace(/_/g, "/");
/** The same bytes with the last character's unused low bit set: an RS256 signature (256 bytes) leaves 4 unused. */
const nonCanonical = (s: string) => s.slice(0, -1) + ALPHABET[ALPHABET.indexOf(s.at(-1)!) ^ 1];

describe("verifyToken", () => {
  const rsa = generateTestKey("RS256", "ins_rsa");
  const ec = generateTestKey("ES256", "ins_ec");
  const ed = generateTestKey("EdDSA", "ins_ed");
  const other = generateTestKey("RS256", "ins_rsa"); // same kid, different key: an impostor
  let jwks: TestServer;
  let attacker: TestServer;
  const clock = manualClock(T0);

  beforeAll(async () => {
    jwks = await startTestServer((req, res) => {
      if (req.url === "/.well-known/jwks.json") return sendJson(res, 200, { keys: [rsa.jwk, ec.jwk, ed.jwk] });
      if (req.url === "/v1/jwks")
        return req.headers.authorization === "Bearer sk_test"
          ? sendJson(res, 200, { keys: [rsa.jwk] })
          : sendJson(res, 401, {});
      sendJson(res, 404, {});
    });
    attacker = await startTestServer((_req, res) => sendJson(res, 200, { keys: [other.jwk] }));
  });
  afterAll(async () => {
    await jwks.close();
    await attacker.close();
  });

  const options = () => ({ jwksUrl: `${jwks.url}/.well-known/jwks.json`, clock });
  const spec = {
    now: T0,
    userId: "user_alice",
    org: { id: "org_1", slug: "eng", roles: ["org:admin"], permissions: ["org:code:read"], scoped: {} },
  };

  it.each([rsa, ec, ed])("accepts a token signed with the $alg key from the JWKS and decodes its org", async (key) => {
    const { payload, org } = await verifyToken(mintSessionToken(key, spec), options());
    expect(payload.sub).toBe("user_alice");
    expect(org).toMatchObject({
      orgId: "org_1",
      orgSlug: "eng",
      orgRole: "org:admin",
      orgPermissions: ["org:code:read"],
    });
  });

  it.each([rsa, ec, ed])("accepts a $alg token against a local jwtKey PEM without any request", async (key) => {
    const before = jwks.requests.length;
    const { payload } = await verifyToken(mintSessionToken(key, spec), { jwtKey: key.pem, clock });
    expect(payload.sid).toBe("sess_1");
    expect(jwks.requests.length).toBe(before);
  });

  it("accepts a PEM with escaped newlines, as environment variables carry it", async () => {
    const { payload } = await verifyToken(mintSessionToken(rsa, spec), {
      jwtKey: rsa.pem.replace(/\n/g, "\\n"),
      clock,
    });
    expect(payload.sub).toBe("user_alice");
  });

  it("fetches GET {apiUrl}/v1/jwks with the secret key when given apiUrl and secretKey", async () => {
    const { payload } = await verifyToken(mintSessionToken(rsa, spec), {
      apiUrl: jwks.url,
      secretKey: "sk_test",
      clock,
    });
    expect(payload.sub).toBe("user_alice");
    expect(jwks.requests.some((r) => r.url === "/v1/jwks" && r.headers.authorization === "Bearer sk_test")).toBe(true);
  });

  describe("refuses each attack", () => {
    const payload = () => sessionPayload(spec);
    const cases: { name: string; token: () => string; options?: () => object; reason: string }[] = [
      {
        name: "alg none with an empty signature",
        token: () => `${b64url({ alg: "none", kid: rsa.kid, typ: "JWT" })}.${b64url(payload())}.`,
        reason: "token-invalid-algorithm",
      },
      {
        name: "alg none with a jwtKey",
        token: () => `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload())}.`,
        options: () => ({ jwtKey: rsa.pem, clock }),
        reason: "token-invalid-algorithm",
      },
      {
        name: "HS256 signed with the public PEM as HMAC secret (jwtKey)",
        token: () => signHs256({ alg: "HS256", typ: "JWT" }, payload(), rsa.pem),
        options: () => ({ jwtKey: rsa.pem, clock }),
        reason: "token-invalid-algorithm",
      },
      {
        name: "HS256 signed with the public PEM as HMAC secret (JWKS)",
        token: () => signHs256({ alg: "HS256", kid: rsa.kid, typ: "JWT" }, payload(), rsa.pem),
        reason: "token-invalid-algorithm",
      },
      {
        name: "a valid signature from a key the server never published",
        token: () => mintSessionToken(other, spec),
        reason: "token-invalid-signature",
      },
      {
        name: "a valid signature from an unknown key under an unknown kid",
        token: () => mintSessionToken(generateTestKey("RS256", "ins_unknown"), spec),
        reason: "jwk-kid-mismatch",
      },
      {
        name: "a kid pointing to another published key of the same type",
        token: () => signJwt({ alg: "ES256", kid: ec.kid, typ: "JWT" }, payload(), generateTestKey("ES256")),
        reason: "token-invalid-signature",
      },
      {
        name: "a kid pointing to a key of another algorithm",
        token: () => signJwt({ alg: "RS256", kid: ec.kid, typ: "JWT" }, payload(), rsa),
        reason: "token-invalid-algorithm",
      },
      {
        name: "an RS256 token against an EC jwtKey",
        token: () => mintSessionToken(rsa, spec),
        options: () => ({ jwtKey: ec.pem, clock }),
        reason: "token-invalid-algorithm",
      },
      {
        name: "a token signed by another key against a jwtKey",
        token: () => mintSessionToken(other, spec),
        options: () => ({ jwtKey: rsa.pem, clock }),
        reason: "token-invalid-signature",
      },
      {
        name: "a payload edited after signing",
        token: () => {
          const [h, , s] = mintSessionToken(rsa, spec).split(".");
          return `${h}.${b64url({ ...payload(), sub: "user_mallory" })}.${s}`;
        },
        reason: "token-invalid-signature",
      },
      {
        name: "a header edited after signing",
        token: () => {
          const [, p, s] = mintSessionToken(rsa, spec).split(".");
          return `${b64url({ alg: "RS256", kid: rsa.kid, typ: "JWT", x: 1 })}.${p}.${s}`;
        },
        reason: "token-invalid-signature",
      },
      {
        name: "an expired token (beyond the 5 s skew)",
        token: () => mintSessionToken(rsa, { ...spec, now: T0 - 66_000 }),
        reason: "token-expired",
      },
      {
        name: "a token without exp",
        token: () => signJwt({ alg: "RS256", kid: rsa.kid }, { ...payload(), exp: undefined }, rsa),
        reason: "token-expired",
      },
      {
        name: "an exp that is not a number",
        token: () => signJwt({ alg: "RS256", kid: rsa.kid }, { ...payload(), exp: "9999999999" }, rsa),
        reason: "token-expired",
      },
      {
        name: "nbf in the future beyond the skew",
        token: () => signJwt({ alg: "RS256", kid: rsa.kid }, { ...payload(), nbf: T0 / 1000 + 6 }, rsa),
        reason: "token-not-active-yet",
      },
      {
        name: "iat in the future beyond the skew",
        token: () => signJwt({ alg: "RS256", kid: rsa.kid }, { ...payload(), iat: T0 / 1000 + 6 }, rsa),
        reason: "token-iat-in-the-future",
      },
      {
        name: "a sub that is not a string",
        token: () => signJwt({ alg: "RS256", kid: rsa.kid }, { ...payload(), sub: 42 }, rsa),
        reason: "token-invalid-subject",
      },
      {
        name: "a wrong azp when authorized parties are set",
        token: () => mintSessionToken(rsa, { ...spec, azp: "https://evil.example" }),
        options: () => ({ ...options(), authorizedParties: ["https://app.example"] }),
        reason: "token-invalid-authorized-parties",
      },
      {
        name: "a missing azp when authorized parties are set",
        token: () => mintSessionToken(rsa, spec),
        options: () => ({ ...options(), authorizedParties: ["https://app.example"] }),
        reason: "token-invalid-authorized-parties",
      },
      {
        name: "a wrong iss",
        token: () => mintSessionToken(rsa, { ...spec, issuer: "https://evil.example" }),
        options: () => ({ ...options(), issuer: "https://clerk.test" }),
        reason: "token-invalid-issuer",
      },
      {
        name: "an iss outside the issuer list",
        token: () => mintSessionToken(rsa, { ...spec, issuer: "https://evil.example" }),
        options: () => ({ ...options(), issuer: ["https://a.test", "https://clerk.test"] }),
        reason: "token-invalid-issuer",
      },
      {
        name: "a typ other than JWT",
        token: () => mintSessionToken(rsa, spec, { typ: "at+jwt" }),
        reason: "token-invalid",
      },
      {
        name: "a crit header",
        token: () => mintSessionToken(rsa, spec, { crit: ["exp"] }),
        reason: "token-invalid-header",
      },
      {
        name: "two parts only",
        token: () => mintSessionToken(rsa, spec).split(".").slice(0, 2).join("."),
        reason: "token-invalid",
      },
      { name: "four parts", token: () => `${mintSessionToken(rsa, spec)}.x`, reason: "token-invalid" },
      {
        name: "a header that is not JSON",
        token: () => `${b64url("{nope")}.${b64url(payload())}.sig`,
        reason: "token-invalid",
      },
      {
        name: "a payload that is a JSON array",
        token: () => signJwt({ alg: "RS256", kid: rsa.kid }, [1] as unknown as Record<string, unknown>, rsa),
        reason: "token-invalid",
      },
      // Regression (issue 24 item 11): Node's base64url decoder skips what it cannot read, so these verified.
      ...[
        { junk: "!!", where: "appended to the signature", edit: (s: string) => `${s}!!` },
        { junk: "==", where: "appended to the signature", edit: (s: string) => `${s}==` },
        { junk: "a space", where: "inside the signature", edit: (s: string) => `${s.slice(0, 10)} ${s.slice(10)}` },
        { junk: "+ and /", where: "instead of - and _ (plain base64)", edit: toPlainBase64 },
        { junk: "non-zero unused bits", where: "in the signature's last character", edit: nonCanonical },
      ].map(({ junk, where, edit }) => ({
        name: `a valid token with ${junk} ${where}`,
        token: () => {
          const [h, p, s] = mintSessionToken(rsa, spec).split(".");
          return `${h}.${p}.${edit(s!)}`;
        },
        reason: "token-invalid",
      })),
      {
        name: "a valid token with == appended to the payload",
        token: () => {
          const [h, p, s] = mintSessionToken(rsa, spec).split(".");
          return `${h}.${p}==.${s}`;
        },
        reason: "token-invalid",
      },
      {
        name: "a valid token with a space inside the header",
        token: () => {
          const [h, p, s] = mintSessionToken(rsa, spec).split(".");
          return `${h!.slice(0, 4)} ${h!.slice(4)}.${p}.${s}`;
        },
        reason: "token-invalid",
      },
      {
        name: "a token without kid against a JWKS",
        token: () => signJwt({ alg: "RS256" }, payload(), rsa),
        reason: "jwk-kid-mismatch",
      },
    ];
    it.each(cases)("$name → $reason", async (c) => {
      clock.set(T0);
      expect(await reason(verifyToken(c.token(), (c.options ?? options)()))).toBe(c.reason);
    });
  });

  describe("accepts within the clock skew", () => {
    it.each([
      { name: "exp 4 s ago", payload: { exp: T0 / 1000 - 4 } },
      { name: "nbf 4 s ahead", payload: { nbf: T0 / 1000 + 4 } },
      { name: "iat 4 s ahead", payload: { iat: T0 / 1000 + 4 } },
    ])("$name", async (c) => {
      clock.set(T0);
      const token = signJwt({ alg: "RS256", kid: rsa.kid, typ: "JWT" }, { ...sessionPayload(spec), ...c.payload }, rsa);
      expect(await reason(verifyToken(token, options()))).toBe("accepted");
      expect(await reason(verifyToken(token, { ...options(), clockSkewMs: 0 }))).not.toBe("accepted");
    });
  });

  it("accepts a listed azp, an issuer predicate, and ignores azp when no parties are set", async () => {
    const token = mintSessionToken(rsa, { ...spec, azp: "https://app.example" });
    expect(
      await reason(
        verifyToken(token, {
          ...options(),
          authorizedParties: ["https://app.example"],
          issuer: (iss: string) => iss.endsWith(".test"),
        }),
      ),
    ).toBe("accepted");
    expect(await reason(verifyToken(token, { ...options(), authorizedParties: [] }))).toBe("accepted");
  });

  it("never fetches jku, x5u or jwk headers, whichever key signed the token", async () => {
    const evil = generateTestKey("RS256", "ins_evil");
    const header = { jku: `${attacker.url}/jwks.json`, x5u: `${attacker.url}/cert.pem`, jwk: evil.jwk };
    // Signed by the attacker with a kid only the attacker's jku lists.
    expect(await reason(verifyToken(mintSessionToken(evil, spec, header), options()))).toBe("jwk-kid-mismatch");
    // Signed by the attacker under the server's kid, with the attacker's key embedded.
    expect(
      await reason(
        verifyToken(
          signJwt({ alg: "RS256", kid: rsa.kid, typ: "JWT", ...header }, sessionPayload(spec), evil),
          options(),
        ),
      ),
    ).toBe("token-invalid-signature");
    // Same with a jwtKey.
    expect(
      await reason(
        verifyToken(signJwt({ alg: "RS256", typ: "JWT", ...header }, sessionPayload(spec), evil), {
          jwtKey: rsa.pem,
          clock,
        }),
      ),
    ).toBe("token-invalid-signature");
    // A genuine token carrying the headers is still accepted: they are ignored, not trusted.
    expect(await reason(verifyToken(mintSessionToken(rsa, spec, header), options()))).toBe("accepted");
    expect(attacker.requests).toEqual([]);
  });

  it("keeps claim rules apart for options sharing one JWKS (a verifier is per options, keys per source)", async () => {
    const token = mintSessionToken(rsa, { ...spec, now: Date.now(), issuer: "https://clerk.test" });
    const base = { jwksUrl: `${jwks.url}/.well-known/jwks.json` };
    expect(await reason(verifyToken(token, { ...base, issuer: "https://clerk.test" }))).toBe("accepted");
    expect(await reason(verifyToken(token, { ...base, issuer: "https://other.test" }))).toBe("token-invalid-issuer");
  });

  it("refuses a short RSA jwtKey and a missing key source as misuse", async () => {
    const short = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .publicKey.export({ format: "pem", type: "spki" })
      .toString();
    await expect(verifyToken("a.b.c", { jwtKey: short })).rejects.toThrow(TypeError);
    await expect(verifyToken("a.b.c", {})).rejects.toThrow(/jwksUrl, jwtKey/);
  });
});

describe("createVerifier with a JWKS", () => {
  const a = generateTestKey("RS256", "ins_a");
  const b = generateTestKey("ES256", "ins_b");
  let published: Record<string, unknown>[] = [a.jwk];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { keys: published }));
  });
  afterAll(() => server.close());
  const spec = { now: T0 };

  it("fetches once, answers synchronously after warm-up, refreshes after 5 minutes", async () => {
    const clock = manualClock(T0);
    const verifier = createVerifier({ jwksUrl: server.url, clock });
    expect(await reason(() => verifier.verifySync(mintSessionToken(a, spec)))).toBe("jwk-not-loaded");
    await verifier.warm();
    for (let i = 0; i < 20; i++) expect(verifier.verifySync(mintSessionToken(a, spec)).payload.sub).toBe("user_alice");
    expect(server.requests.length).toBe(1);
    clock.advance(299_000);
    await verifier.verify(mintSessionToken(a, { now: clock.now() }));
    expect(server.requests.length).toBe(1);
    clock.advance(2_000);
    expect(await reason(() => verifier.verifySync(mintSessionToken(a, { now: clock.now() })))).toBe("jwk-not-loaded");
    await verifier.verify(mintSessionToken(a, { now: clock.now() }));
    expect(server.requests.length).toBe(2);
  });

  it("refreshes on an unknown kid at most once per 10 s, then finds a rotated-in key", async () => {
    server.requests.length = 0;
    published = [a.jwk];
    const clock = manualClock(T0);
    const verifier = createVerifier({ jwksUrl: server.url, clock });
    await verifier.verify(mintSessionToken(a, spec));
    published = [a.jwk, b.jwk];
    expect(await reason(verifier.verify(mintSessionToken(b, spec)))).toBe("jwk-kid-mismatch"); // within 10 s of the first load
    clock.advance(10_000);
    const forged = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        reason(verifier.verify(mintSessionToken(generateTestKey("EdDSA", `ins_forged_${i}`), { now: clock.now() }))),
      ),
    );
    expect(new Set(forged)).toEqual(new Set(["jwk-kid-mismatch"]));
    expect(server.requests.length).toBe(2); // the first load, then one refresh shared by all 50
    // The refresh already saw b.
    expect(await reason(verifier.verify(mintSessionToken(b, { now: clock.now() })))).toBe("accepted");
    const c = generateTestKey("RS256", "ins_c");
    published = [a.jwk, b.jwk, c.jwk];
    clock.advance(5_000);
    expect(await reason(verifier.verify(mintSessionToken(c, { now: clock.now() })))).toBe("jwk-kid-mismatch");
    expect(server.requests.length).toBe(2);
    clock.advance(5_000);
    expect(await reason(verifier.verify(mintSessionToken(c, { now: clock.now() })))).toBe("accepted");
    expect(server.requests.length).toBe(3);
  });

  it("drops a key the JWKS no longer lists, and skips unusable keys", async () => {
    const clock = manualClock(T0);
    const enc = { ...generateTestKey("RS256", "ins_enc").jwk, use: "enc" };
    const lying = { ...generateTestKey("RS256", "ins_lying").jwk, alg: "ES256" };
    const hmac = { kty: "oct", kid: "ins_oct", k: "c2VjcmV0", alg: "HS256" };
    published = [a.jwk, enc, lying, hmac];
    const verifier = createVerifier({ jwksUrl: server.url, clock });
    expect(await reason(verifier.verify(mintSessionToken(a, spec)))).toBe("accepted");
    expect(
      await reason(verifier.verify(signHs256({ alg: "HS256", kid: "ins_oct" }, sessionPayload(spec), "secret"))),
    ).toBe("token-invalid-algorithm");
    clock.advance(10_000);
    expect(
      await reason(
        verifier.verify(
          signJwt({ alg: "RS256", kid: "ins_lying" }, sessionPayload({ now: clock.now() }), generateTestKey("RS256")),
        ),
      ),
    ).toBe("jwk-kid-mismatch");
    published = [b.jwk];
    clock.advance(301_000);
    expect(await reason(verifier.verify(mintSessionToken(a, { now: clock.now() })))).toBe("jwk-kid-mismatch");
  });

  it("reports a JWKS that cannot be loaded or is malformed", async () => {
    const down = await startTestServer((_req, res) => sendJson(res, 500, {}));
    const odd = await startTestServer((_req, res) => sendJson(res, 200, { nope: [] }));
    try {
      expect(await reason(createVerifier({ jwksUrl: down.url }).verify(mintSessionToken(a, { now: Date.now() })))).toBe(
        "jwk-remote-failed-to-load",
      );
      expect(await reason(createVerifier({ jwksUrl: odd.url }).verify(mintSessionToken(a, { now: Date.now() })))).toBe(
        "jwk-remote-invalid",
      );
    } finally {
      await down.close();
      await odd.close();
    }
  });
});
