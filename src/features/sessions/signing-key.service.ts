// Signing keys: created lazily, rotated on demand, published as a JWKS while any token they signed can live.
import { type JsonWebKey, type KeyObject, createPrivateKey, createPublicKey } from "node:crypto";
import { type ServiceContext, inTransaction } from "../../context.js";
import { isClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { sealSecret, unsealSecret } from "../../secrets.js";
import { recordAudit } from "../audit/index.js";
import { assertInstanceAdmin } from "./session.guard.js";
import { type SigningAlgorithm, generateSigningKeyPair, signatureLength, signerFor } from "./signing-key.algorithms.js";
import type { SigningKeysTable } from "./signing-key.table.js";
import { type LoadedKey, type SigningState, forgetSigningState, signingCache } from "./signing.cache.js";
import { readTokenSettings, readTokenSettingsVersioned } from "./token-settings.service.js";

/** Verifiers accept tokens up to this long past `exp` (`@clerk/backend`'s default skew); keys stay published as long. */
const VERIFIER_SKEW_MS = 5_000;
/**
 * How far past a token's `exp` the `signed_until` mark is moved when a token would pass it: one write per
 * minute of tokens instead of one per token, at the price of a retired key lingering up to a minute longer.
 */
const MARK_HEADROOM_MS = 60_000;

/** A signing key as listed: never the private half. */
export interface SigningKeyInfo {
  kid: string;
  algorithm: SigningAlgorithm;
  createdAt: number;
  retiredAt: number | null;
  /** When it leaves the JWKS: null while it is the current key. */
  publishedUntil: number | null;
  publicJwk: JsonWebKey;
}

const purpose = (kid: string) => `signing_key:${kid}`;

function infoOf(row: SigningKeysTable): SigningKeyInfo {
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    publishedUntil: row.is_current === 1 ? null : Math.max(row.signed_until, row.retired_at ?? 0) + VERIFIER_SKEW_MS,
    publicJwk: JSON.parse(row.public_jwk) as JsonWebKey,
  };
}

/** A new key's row: the private half sealed under the master key before it reaches the store. */
async function newKeyRow(ctx: ServiceContext, algorithm: SigningAlgorithm): Promise<SigningKeysTable> {
  const { privateKey, publicKey } = await generateSigningKeyPair(algorithm);
  const now = ctx.clock.now();
  const kid = newId("jwk", now);
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: algorithm, use: "sig" };
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  return {
    kid,
    algorithm,
    public_jwk: JSON.stringify(jwk),
    private_key: sealSecret(ctx, der, purpose(kid)),
    is_current: 1,
    created_at: now,
    retired_at: null,
    signed_until: 0,
  };
}

const b64url = (value: string) => Buffer.from(value, "utf8").toString("base64url");

/** Decrypts a key once per process and keeps it ready to sign. */
function load(ctx: ServiceContext, row: SigningKeysTable): LoadedKey {
  const cache = signingCache(ctx);
  const hit = cache.keys.get(row.kid);
  if (hit) {
    hit.signedUntil = Math.max(hit.signedUntil, row.signed_until);
    return hit;
  }
  const privateKey: KeyObject = createPrivateKey({
    key: unsealSecret(ctx, row.private_key, purpose(row.kid)),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const { digest, key } = signerFor(row.algorithm, privateKey);
  const loaded: LoadedKey = {
    kid: row.kid,
    algorithm: row.algorithm,
    publicKey,
    digest,
    signingKey: key,
    header: b64url(JSON.stringify({ alg: row.algorithm, kid: row.kid, typ: "JWT" })),
    signatureLength: signatureLength(row.algorithm, publicKey),
    signedUntil: row.signed_until,
  };
  cache.keys.set(row.kid, loaded);
  return loaded;
}

async function currentRow(ctx: ServiceContext): Promise<SigningKeysTable | undefined> {
  return ctx.db.selectFrom("signing_keys").selectAll().where("is_current", "=", 1).executeTakeFirst();
}

/** Creates the first key; when another process (or request) created one first, that one is used. */
async function createFirstKey(ctx: ServiceContext, algorithm: SigningAlgorithm): Promise<SigningKeysTable> {
  const row = await newKeyRow(ctx, algorithm);
  try {
    await inTransaction(ctx, async (tx) => {
      await tx.db.insertInto("signing_keys").values(row).execute();
      await recordAudit(tx, {
        organizationId: null,
        action: "signing_key.created",
        target: { type: "signing_key", id: row.kid, label: `${algorithm} ${row.kid}` },
        after: { kid: row.kid, algorithm },
      });
    });
    return row;
  } catch (error) {
    if (!isClerkError(error) || error.code !== "store.conflict") throw error;
    const winner = await currentRow(ctx);
    if (!winner) throw error;
    return winner;
  }
}

/** The current key's row, created on first need. */
async function currentOrFirst(ctx: ServiceContext, algorithm: SigningAlgorithm): Promise<SigningKeysTable> {
  const existing = await currentRow(ctx);
  if (existing) return existing;
  const cache = signingCache(ctx);
  // Concurrent first requests in this process share one key generation instead of racing to insert.
  cache.creating ??= createFirstKey(ctx, algorithm).finally(() => {
    cache.creating = undefined;
  });
  await cache.creating;
  return (await currentRow(ctx)) ?? createFirstKey(ctx, algorithm);
}

/** Reads the settings and the key that signs now (creating the first key), and caches them for this process. */
async function loadSigningState(ctx: ServiceContext): Promise<SigningState> {
  const { settings, version } = await readTokenSettingsVersioned(ctx);
  const key = load(ctx, await currentOrFirst(ctx, settings.signingAlgorithm));
  const state: SigningState = { settings, settingsVersion: version, key };
  signingCache(ctx).state = state;
  return state;
}

/**
 * The cached settings and key while they match what the store says now (`observed`, read with the session
 * in the token's one statement), else read afresh: a rotation or settings change by any process applies
 * to the next token, with no timer and no extra read.
 */
export async function signingStateFor(
  ctx: ServiceContext,
  observed: { kid: string | null; settingsVersion: number | null },
): Promise<SigningState> {
  const s = signingCache(ctx).state;
  if (s && s.key.kid === observed.kid && s.settingsVersion === (observed.settingsVersion ?? 0)) return s;
  return loadSigningState(ctx);
}

/**
 * Makes sure the store knows `key` may have signed a token living until `expMs`, before it is signed, so the
 * key stays published at least that long whichever process retires it. Writes once per minute of tokens.
 */
export async function markSignedUntil(ctx: ServiceContext, key: LoadedKey, expMs: number): Promise<void> {
  if (expMs <= key.signedUntil) return;
  const mark = expMs + MARK_HEADROOM_MS;
  await ctx.db
    .updateTable("signing_keys")
    .set({ signed_until: mark })
    .where("kid", "=", key.kid)
    .where("signed_until", "<", mark)
    .execute();
  key.signedUntil = mark;
}

/** Keys in the store: the current one first, then the most recently retired, each with when it leaves the JWKS. */
export async function listSigningKeys(ctx: ServiceContext): Promise<SigningKeyInfo[]> {
  const rows = await ctx.db.selectFrom("signing_keys").selectAll().execute();
  const order = (r: SigningKeysTable) => (r.is_current === 1 ? Infinity : (r.retired_at ?? 0));
  return rows
    .sort((a, b) => order(b) - order(a) || b.created_at - a.created_at || (a.kid < b.kid ? 1 : -1))
    .map(infoOf);
}

/** The JWKS: the current key (created if none exists yet) and every retired key whose tokens may still be live. */
export async function publishedKeys(ctx: ServiceContext): Promise<JsonWebKey[]> {
  // Only the public halves are read: serving the JWKS never needs the master key (except to create the first key).
  const current = await currentOrFirst(ctx, (await readTokenSettings(ctx)).signingAlgorithm);
  const now = ctx.clock.now();
  const all = await listSigningKeys(ctx);
  const live = all.filter((k) => k.kid === current.kid || k.publishedUntil === null || k.publishedUntil > now);
  return live.map((k) => k.publicJwk);
}

/** What a rotation did: the key that signs from now on, and the one it replaced (published until its tokens expire). */
export interface Rotation {
  current: SigningKeyInfo;
  previous: SigningKeyInfo | null;
}

/** Creates a new signing key (the settings' algorithm unless one is given); the old one stops signing at once. */
export async function rotateSigningKey(
  ctx: ServiceContext,
  input: { algorithm?: SigningAlgorithm | undefined } = {},
): Promise<Rotation> {
  assertInstanceAdmin(ctx, "rotate the signing key");
  const algorithm = input.algorithm ?? (await readTokenSettings(ctx)).signingAlgorithm;
  // Generated before the transaction: RSA generation takes long enough that no lock should wait on it.
  const row = await newKeyRow(ctx, algorithm);
  const rotation = await inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    let query = tx.db.selectFrom("signing_keys").selectAll().where("is_current", "=", 1);
    if (tx.dialect.supportsForUpdate) query = query.forUpdate();
    const old = await query.executeTakeFirst();
    const retired = old ? { ...old, is_current: null, retired_at: now } : undefined;
    if (retired)
      await tx.db
        .updateTable("signing_keys")
        .set({ is_current: null, retired_at: now })
        .where("kid", "=", retired.kid)
        .execute();
    const fresh = { ...row, created_at: now };
    await tx.db.insertInto("signing_keys").values(fresh).execute();
    const result: Rotation = { current: infoOf(fresh), previous: retired ? infoOf(retired) : null };
    await recordAudit(tx, {
      organizationId: null,
      action: "signing_key.rotated",
      target: { type: "signing_key", id: fresh.kid, label: `${algorithm} ${fresh.kid}` },
      before: old ? { kid: old.kid, algorithm: old.algorithm } : null,
      after: { kid: fresh.kid, algorithm, previous_published_until: result.previous?.publishedUntil ?? null },
    });
    return result;
  });
  forgetSigningState(ctx);
  return rotation;
}
