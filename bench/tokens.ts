// Token benchmark: our verifyToken vs a minimal node:crypto verify vs jose.jwtVerify, and token issuance, per algorithm.
import { type KeyObject, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importJWK, jwtVerify } from "jose";
import { systemClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createRole, ensureInstance } from "../src/features/roles/index.js";
import { createSession, issueToken, publishedKeys, rotateSigningKey } from "../src/features/sessions/index.js";
import { createVerifier } from "../src/sdk/index.js";
import { openStore } from "../src/store/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);
const ALGORITHMS = ["RS256", "ES256", "EdDSA"] as const;

/** Runs `fn` repeatedly for about `ms` and returns calls per second. */
async function rate(fn: () => unknown, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

/** As `rate`, with `width` calls in flight at once (a server mints for many requests at a time). */
async function concurrentRate(fn: () => Promise<unknown>, width: number, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    await Promise.all(Array.from({ length: width }, fn));
    n += width;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The reference: the least a correct verifier must do. Split, decode the header and payload, verify the
 * signature with a key imported once, check `exp`. No kid lookup, no other claims.
 */
function rawVerifier(key: KeyObject, algorithm: (typeof ALGORITHMS)[number]) {
  // Ed25519 hashes inside the signature scheme: no digest is named.
  const digest = algorithm === "EdDSA" ? null : "sha256";
  const options = algorithm === "ES256" ? { key, dsaEncoding: "ieee-p1363" as const } : key;
  return (token: string) => {
    const dot1 = token.indexOf(".");
    const dot2 = token.indexOf(".", dot1 + 1);
    JSON.parse(Buffer.from(token.slice(0, dot1), "base64url").toString());
    const payload = JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), "base64url").toString()) as { exp: number };
    const ok = verify(
      digest,
      Buffer.from(token.slice(0, dot2)),
      options,
      Buffer.from(token.slice(dot2 + 1), "base64url"),
    );
    if (!ok || payload.exp * 1000 < Date.now()) throw new Error("invalid");
    return payload;
  };
}

export async function run(): Promise<void> {
  process.env.CLERK_MASTER_KEY ??= Buffer.alloc(32, 7).toString("base64");
  const store = await openStore(join(mkdtempSync(join(tmpdir(), "clerk-bench-tokens-")), "clerk.db"));
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "bench" } });
  await ensureInstance(ctx);
  const org = await createOrg(ctx, { name: "Bench Org" });
  await createRole(ctx, {
    name: "Developer",
    organization: org.id,
    permissions: "read:code,write:code,read:reviews,approve:pull-requests",
  });
  const member = await addMember(ctx, { organization: org.id, email: "dev@bench.test", roles: "Developer" });
  const session = await createSession(ctx, { user: member.user.id });

  const figures: Record<
    string,
    {
      verify_per_s: number;
      raw_per_s: number;
      jose_per_s: number;
      ratio_vs_raw: number;
      issue_per_s: number;
      issue_concurrent_per_s: number;
      sign_per_s: number;
    }
  > = {};
  for (const algorithm of ALGORITHMS) {
    const rotation = await rotateSigningKey(ctx, { algorithm, now: true });
    const issue = () => issueToken(ctx, { sessionId: session.id, organization: org.id, expiresInSeconds: 3600 });
    const { jwt, kid } = await issue();
    if (kid !== rotation.current.kid) throw new Error(`expected tokens signed by the new ${algorithm} key`);
    const jwk = (await publishedKeys(ctx)).find((k) => k.kid === kid);
    if (!jwk) throw new Error(`the ${algorithm} key is not published`);
    const ours = createVerifier({ jwtKey: jwk });
    const raw = rawVerifier(createPublicKey({ key: jwk, format: "jwk" }), algorithm);
    const joseKey = await importJWK(jwk, algorithm);
    // Each must accept the token before its speed means anything.
    if (
      (await ours.verify(jwt)).payload.sub !== member.user.id ||
      raw(jwt).exp === undefined ||
      (await jwtVerify(jwt, joseKey)).payload.sub !== member.user.id
    ) {
      throw new Error("a verifier rejected a valid token");
    }
    // The ceiling for issuance: signing a token-sized input with a bare key of the same kind, nothing else.
    const pair =
      algorithm === "RS256"
        ? generateKeyPairSync("rsa", { modulusLength: 2048 })
        : algorithm === "ES256"
          ? generateKeyPairSync("ec", { namedCurve: "P-256" })
          : generateKeyPairSync("ed25519");
    const input = Buffer.from(jwt.slice(0, jwt.lastIndexOf(".")));
    const bareSign = () =>
      sign(
        algorithm === "EdDSA" ? null : "sha256",
        input,
        algorithm === "ES256" ? { key: pair.privateKey, dsaEncoding: "ieee-p1363" } : pair.privateKey,
      );
    const samples = {
      ours: [] as number[],
      raw: [] as number[],
      jose: [] as number[],
      issue: [] as number[],
      concurrent: [] as number[],
      sign: [] as number[],
    };
    // Interleaved rounds, so drift in the machine's speed touches all alike.
    for (let r = 0; r < ROUNDS; r++) {
      samples.raw.push(await rate(() => raw(jwt), ROUND_MS));
      samples.ours.push(await rate(() => ours.verify(jwt), ROUND_MS));
      samples.jose.push(await rate(() => jwtVerify(jwt, joseKey), ROUND_MS));
      samples.issue.push(await rate(issue, ROUND_MS));
      samples.concurrent.push(await concurrentRate(issue, 8, ROUND_MS));
      samples.sign.push(await rate(bareSign, ROUND_MS));
    }
    const [o, w, j, i, g] = [
      median(samples.ours),
      median(samples.raw),
      median(samples.jose),
      median(samples.issue),
      median(samples.sign),
    ];
    figures[algorithm] = {
      verify_per_s: Math.round(o),
      raw_per_s: Math.round(w),
      jose_per_s: Math.round(j),
      ratio_vs_raw: Number((o / w).toFixed(3)),
      issue_per_s: Math.round(i),
      issue_concurrent_per_s: Math.round(median(samples.concurrent)),
      sign_per_s: Math.round(g),
    };
  }
  await store.close();

  console.log(`\nSession tokens (median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms; one member, 4 permissions)`);
  console.log(
    "alg      verifyToken    raw crypto    jose.jwtVerify   ratio   issued/s   (8 at once)   bare signs/s   issued ÷ bare",
  );
  for (const [alg, f] of Object.entries(figures)) {
    console.log(
      `${alg.padEnd(7)} ${String(f.verify_per_s).padStart(12)} ${String(f.raw_per_s).padStart(13)} ${String(f.jose_per_s).padStart(16)} ${f.ratio_vs_raw.toFixed(2).padStart(7)} ${String(f.issue_per_s).padStart(10)} ${String(f.issue_concurrent_per_s).padStart(13)} ${String(f.sign_per_s).padStart(14)} ${(f.issue_per_s / f.sign_per_s).toFixed(2).padStart(15)}`,
    );
  }
  const rs = figures.RS256 as (typeof figures)[string];
  const es = figures.ES256 as (typeof figures)[string];
  const ed = figures.EdDSA as (typeof figures)[string];
  console.log(JSON.stringify({ bench: "tokens", ...rs, es256: es, eddsa: ed }));
}
