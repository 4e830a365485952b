// Signing keys: created lazily, rotated on demand (published before they sign), in the JWKS while their tokens live.
import { type JsonWebKey, type KeyObject, createPrivateKey, createPublicKey } from "node:crypto";
import { type ServiceContext, inTransaction } from "../../context.js";
import { isClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { sealSecret, unsealSecret } from "../../secrets.js";
import { recordAudit } from "../audit/index.js";
import { rotationPending } from "./session.errors.js";
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
/**
 * How long a rotated-in key is published before it signs, unless the rotation says otherwise: longer than a
 * verifier keeps a JWKS (clerk/sdk and `@clerk/backend`: 5 minutes) plus the SDK's 10 s refresh floor. Every
 * verifier has then fetched a set holding the new key before the first token it signed arrives, whatever
 * unknown-kid lookup it made just before the rotation.
 */
export const DEFAULT_PRE_ANNOUNCE_MS = 10 * 60_000;

/** `current` signs now; `next` is published and signs once the current key's `retiredAt` passes; `retired` signs no more. */
export type SigningKeyStatus = "current" | "next" | "retired";

/** A signing key as listed: never the private half. */
export interface SigningKeyInfo {
  kid: string;
  algorithm: SigningAlgorithm;
  status: SigningKeyStatus;
  createdAt: number;
  /** When it stopped signing; on the current key, when it will (a next key is announced); null otherwise. */
  retiredAt: number | null;
  /** When it leaves the JWKS: null while it is the current or the next key. */
  publishedUntil: number | null;
  publicJwk: JsonWebKey;
}

const purpose = (kid: string) => `signing_key:${kid}`;

// The rows say the state: is_current 1 signs; a row with neither is_current nor retired_at is the next key.
function statusOf(row: SigningKeysTable): SigningKeyStatus {
  if (row.is_current === 1) return "current";
  return row.retired_at === null ? "next" : "retired";
}

function infoOf(row: SigningKeysTable): SigningKeyInfo {
  const status = statusOf(row);
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    publishedUntil: status === "retired" ? Math.max(row.signed_until, row.retired_at ?? 0) + VERIFIER_SKEW_MS : null,
    publicJwk: JSON.parse(row.public_jwk) as JsonWebKey,
  };
}

/** A new key's row, current: the private half sealed under the master key before it reaches the store. */
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

async function currentRow(ctx: ServiceContext, forUpdate = false): Promise<SigningKeysTable | undefined> {
  let query = ctx.db.selectFrom("signing_keys").selectAll().where("is_current", "=", 1);
  if (forUpdate && ctx.dialect.supportsForUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

async function nextRow(ctx: ServiceContext): Promise<SigningKeysTable | undefined> {
  return ctx.db
    .selectFrom("signing_keys")
    .selectAll()
    .where("is_current", "is", null)
    .where("retired_at", "is", null)
    .executeTakeFirst();
}

/**
 * Inside a transaction holding the current key's row: the next key signs from now on, the current one is
 * retired (at its announced time), and the audit log says so.
 */
async function handOver(tx: ServiceContext, current: SigningKeysTable, next: SigningKeysTable): Promise<void> {
  const retiredAt = Math.min(current.retired_at ?? tx.clock.now(), tx.clock.now());
  // is_current is unique: the old key lets go before the next one takes it.
  await tx.db
    .updateTable("signing_keys")
    .set({ is_current: null, retired_at: retiredAt })
    .where("kid", "=", current.kid)
    .execute();
  await tx.db.updateTable("signing_keys").set({ is_current: 1 }).where("kid", "=", next.kid).execute();
  await recordAudit(tx, {
    organizationId: null,
    action: "signing_key.activated",
    target: { type: "signing_key", id: next.kid, label: `${next.algorithm} ${next.kid}` },
    before: { kid: current.kid, algorithm: current.algorithm },
    after: {
      kid: next.kid,
      algorithm: next.algorithm,
      previous_published_until: infoOf({ ...current, is_current: null, retired_at: retiredAt }).publishedUntil,
    },
  });
}

/**
 * Makes the announced next key the signing key once the current key's time is up. Any process may find it
 * due: the current row is locked and read again, so one hands over and the others find it done.
 */
async function activateDueKey(ctx: ServiceContext): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const current = await currentRow(tx, true);
    if (!current || current.retired_at === null || current.retired_at > tx.clock.now()) return;
    const next = await nextRow(tx);
    if (next) await handOver(tx, current, next);
  });
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

/**
 * Reads the settings and the key that signs now (creating the first key, handing over to an announced key
 * whose time has come), and caches them for this process.
 */
async function loadSigningState(ctx: ServiceContext): Promise<SigningState> {
  const { settings, version } = await readTokenSettingsVersioned(ctx);
  let row = await currentOrFirst(ctx, settings.signingAlgorithm);
  if (row.retired_at !== null && row.retired_at <= ctx.clock.now()) {
    await activateDueKey(ctx);
    row = await currentOrFirst(ctx, settings.signingAlgorithm);
  }
  const key = load(ctx, row);
  const state: SigningState = { settings, settingsVersion: version, key };
  signingCache(ctx).state = state;
  return state;
}

/**
 * The cached settings and key while they match what the store says now (`observed`, read with the session
 * in the token's one statement), else read afresh: a rotation or settings change by any process applies
 * to the next token, and an announced key takes over once the current key's `until` passes, with no timer
 * and no extra read.
 */
export async function signingStateFor(
  ctx: ServiceContext,
  observed: { kid: string | null; settingsVersion: number | null; until: number | null },
): Promise<SigningState> {
  const s = signingCache(ctx).state;
  const due = observed.until !== null && observed.until <= ctx.clock.now();
  if (!due && s && s.key.kid === observed.kid && s.settingsVersion === (observed.settingsVersion ?? 0)) return s;
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

/** Keys in the store: the current one first, then the next, then the most recently retired, each with when it leaves the JWKS. */
export async function listSigningKeys(ctx: ServiceContext): Promise<SigningKeyInfo[]> {
  const rows = await ctx.db.selectFrom("signing_keys").selectAll().execute();
  const order = (r: SigningKeysTable) =>
    r.is_current === 1 ? Infinity : r.retired_at === null ? Number.MAX_VALUE : r.retired_at;
  return rows
    .sort((a, b) => order(b) - order(a) || b.created_at - a.created_at || (a.kid < b.kid ? 1 : -1))
    .map(infoOf);
}

/**
 * The JWKS: the current key (created if none exists yet), the announced next key (published before it signs,
 * so verifiers hold it in time), and every retired key whose tokens may still be live.
 */
export async function publishedKeys(ctx: ServiceContext): Promise<JsonWebKey[]> {
  // Only the public halves are read: serving the JWKS never needs the master key (except to create the first key).
  const current = await currentOrFirst(ctx, (await readTokenSettings(ctx)).signingAlgorithm);
  const now = ctx.clock.now();
  const all = await listSigningKeys(ctx);
  const live = all.filter((k) => k.kid === current.kid || k.publishedUntil === null || k.publishedUntil > now);
  return live.map((k) => k.publicJwk);
}

/** What a rotation did: the new key, when it signs, and the one it replaces (published until its tokens expire). */
export interface Rotation {
  /** The new key: `next` (published now, signing from `signsFrom`) or, rotated `now`, already `current`. */
  current: SigningKeyInfo;
  previous: SigningKeyInfo | null;
  signsFrom: number;
}

/** How a rotation goes: the algorithm, how long the new key is announced before it signs, or at once. */
export interface RotationInput {
  /** Default: the token settings' algorithm. */
  algorithm?: SigningAlgorithm | undefined;
  /** Default {@link DEFAULT_PRE_ANNOUNCE_MS}. */
  preAnnounceMs?: number | undefined;
  /**
   * An emergency rotation: the new key signs at once and the current (and any announced) key stops. A verifier
   * that looked up an unknown kid just before may refuse the new tokens until it refetches the JWKS.
   */
  now?: boolean | undefined;
}

/**
 * Creates a new signing key (the settings' algorithm unless one is given) and publishes it at once; it starts
 * signing after the pre-announce window, when every verifier has refetched the JWKS, and the old key signs
 * until then. With `now`, it signs at once. Refused while another announced key is waiting, unless `now`.
 * @throws ClerkError `signing_key.rotation_pending`, `auth.instance_admin_required`.
 */
export async function rotateSigningKey(ctx: ServiceContext, input: RotationInput = {}): Promise<Rotation> {
  assertInstanceAdmin(ctx, "rotate the signing key");
  const algorithm = input.algorithm ?? (await readTokenSettings(ctx)).signingAlgorithm;
  // Generated before the transaction: RSA generation takes long enough that no lock should wait on it.
  const row = await newKeyRow(ctx, algorithm);
  const rotation = await inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    let old = await currentRow(tx, true);
    let waiting = await nextRow(tx);
    if (old && waiting && old.retired_at !== null && old.retired_at <= now) {
      // The announced key's time came and no token was minted since: it takes over first.
      await handOver(tx, old, waiting);
      old = await currentRow(tx, true);
      waiting = undefined;
    }
    if (waiting && !input.now) throw rotationPending(waiting.kid, old?.retired_at ?? now);
    // Without a key to replace (a fresh store) nothing can have been cached: the new key signs at once.
    const immediate = input.now === true || !old;
    const signsFrom = immediate ? now : now + (input.preAnnounceMs ?? DEFAULT_PRE_ANNOUNCE_MS);
    // An emergency rotation withdraws a key announced earlier: it never signed, so it leaves the JWKS soon.
    if (waiting)
      await tx.db.updateTable("signing_keys").set({ retired_at: now }).where("kid", "=", waiting.kid).execute();
    // The old key signs until signsFrom: retired now, or still current with its end announced.
    const replaced = old && { ...old, is_current: immediate ? null : old.is_current, retired_at: signsFrom };
    if (replaced)
      await tx.db
        .updateTable("signing_keys")
        .set({ is_current: replaced.is_current, retired_at: signsFrom })
        .where("kid", "=", replaced.kid)
        .execute();
    const fresh: SigningKeysTable = { ...row, is_current: immediate ? 1 : null, created_at: now };
    await tx.db.insertInto("signing_keys").values(fresh).execute();
    const result: Rotation = { current: infoOf(fresh), previous: replaced ? infoOf(replaced) : null, signsFrom };
    await recordAudit(tx, {
      organizationId: null,
      action: "signing_key.rotated",
      target: { type: "signing_key", id: fresh.kid, label: `${algorithm} ${fresh.kid}` },
      before: old ? { kid: old.kid, algorithm: old.algorithm } : null,
      after: {
        kid: fresh.kid,
        algorithm,
        signs_from: signsFrom,
        immediate,
        ...(waiting ? { withdrawn_kid: waiting.kid } : {}),
        previous_published_until: result.previous?.publishedUntil ?? null,
      },
    });
    return result;
  });
  forgetSigningState(ctx);
  return rotation;
}
