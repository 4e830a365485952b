// API keys: created once and shown once, stored hashed, revocable; each request's key becomes its actor.
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { type Actor, type ServiceContext, inTransaction } from "../../context.js";
import { isId, newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { resolveUser } from "../users/index.js";
import { assertAllowedNow } from "../access/index.js";
import { keyNotFound, unauthenticated } from "./key.errors.js";
import type { ApiKeysTable } from "./key.table.js";

/** A key as listed: never the secret. */
export interface ApiKey {
  id: string;
  name: string;
  kind: "instance" | "agent";
  userId: string | null;
  /** e.g. `sk_live_Ab3d…wXyZ`: enough to recognise, not to use. */
  display: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 32 random characters of base62 (~190 bits) from node:crypto, rejecting bytes that would bias the draw. */
function secretBody(): string {
  let out = "";
  while (out.length < 32) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && out.length < 32) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

const hashKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

function toKey(row: ApiKeysTable): ApiKey {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    userId: row.user_id,
    display: `${row.prefix}…${row.last4}`,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Refuses members: only an instance secret key, the local operator or clerk itself manage keys. */
function assertMayManageKeys(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, { kind: "instance_admin", what, why: "API keys are instance-wide" });
}

/** Creates a key and returns its secret, which is never retrievable again. `agent` binds it to that user. */
export async function createKey(
  ctx: ServiceContext,
  input: { name?: string | undefined; agent?: string | undefined },
): Promise<{ key: ApiKey; secret: string }> {
  assertMayManageKeys(ctx, "create API keys");
  return inTransaction(ctx, async (tx) => {
    const user = input.agent ? await resolveUser(tx, input.agent) : undefined;
    const kind = user ? "agent" : "instance";
    const secret = `${kind === "agent" ? "ak" : "sk"}_live_${secretBody()}`;
    const now = tx.clock.now();
    const row: ApiKeysTable = {
      id: newId("key", now),
      name: input.name?.trim() || (user ? `agent ${user.email}` : "instance key"),
      kind,
      user_id: user?.id ?? null,
      prefix: secret.slice(0, 12),
      last4: secret.slice(-4),
      hash: hashKey(secret),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    };
    await tx.db.insertInto("api_keys").values(row).execute();
    const key = toKey(row);
    await recordAudit(tx, {
      organizationId: null,
      action: "key.created",
      target: { type: "api_key", id: key.id, label: key.display },
      after: key,
    });
    return { key, secret };
  });
}

/** Every key, newest first, revoked ones included (marked). */
export async function listKeys(ctx: ServiceContext): Promise<ApiKey[]> {
  assertMayManageKeys(ctx, "list API keys");
  return (
    await ctx.db.selectFrom("api_keys").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute()
  ).map(toKey);
}

/** Revokes a key by id or by what `keys list` shows (`sk_live_Ab3d…wXyZ`); it stops working at once. */
export async function revokeKey(ctx: ServiceContext, ref: string): Promise<ApiKey> {
  assertMayManageKeys(ctx, "revoke API keys");
  return inTransaction(ctx, async (tx) => {
    const value = ref.trim();
    const [prefix, last4] = value.split("…");
    let query = tx.db.selectFrom("api_keys").selectAll().where("revoked_at", "is", null);
    query = isId(value, "key") ? query.where("id", "=", value) : query.where("prefix", "=", prefix ?? "");
    if (last4) query = query.where("last4", "=", last4);
    const rows = await query.execute();
    const row = rows[0];
    if (!row || rows.length > 1) throw keyNotFound(value);
    const now = tx.clock.now();
    await tx.db.updateTable("api_keys").set({ revoked_at: now }).where("id", "=", row.id).execute();
    const key = toKey({ ...row, revoked_at: now });
    await recordAudit(tx, {
      organizationId: null,
      action: "key.revoked",
      target: { type: "api_key", id: key.id, label: key.display },
      before: toKey(row),
      after: key,
    });
    return key;
  });
}

/** Whether any usable key exists (the first `clerk serve` creates one when none does). */
export async function hasActiveKey(ctx: ServiceContext): Promise<boolean> {
  return (
    (await ctx.db.selectFrom("api_keys").select("id").where("revoked_at", "is", null).limit(1).executeTakeFirst()) !==
    undefined
  );
}

/**
 * The actor a bearer secret stands for, or `auth.unauthenticated`. Looked up by hash, so the secret is
 * never compared in a way that leaks timing, and revocation applies to the next request.
 */
const AUTH_CACHE = "keys.authenticated";

export async function authenticate(ctx: ServiceContext, secret: string): Promise<Actor> {
  // Every request runs this. Where the store has a change token, an answer stays good while nothing in
  // the store changed (a revocation, even from another process, changes it), so most requests skip the read.
  const token = ctx.changeToken?.();
  let cache = ctx.runtime.caches.get(AUTH_CACHE) as Map<string, { token: string; actor: Actor }> | undefined;
  if (!cache) {
    cache = new Map();
    ctx.runtime.caches.set(AUTH_CACHE, cache);
  }
  // Keyed by the secret itself: this process holds it for the request anyway, and hashing costs more than the lookup.
  const hit = cache.get(secret);
  if (hit && token !== undefined && hit.token === token) return hit.actor;
  const actor = await lookUp(ctx, secret);
  if (token !== undefined) {
    if (cache.size > 10_000) cache.clear();
    cache.set(secret, { token, actor });
  }
  return actor;
}

async function lookUp(ctx: ServiceContext, secret: string): Promise<Actor> {
  // A plain statement skips the query builder, which costs more than the lookup itself.
  const { rows } = await sql<ApiKeysTable>`select * from api_keys where hash = ${hashKey(secret)}`.execute(ctx.db);
  const row = rows[0];
  if (!row || row.revoked_at !== null)
    throw unauthenticated("The API key is invalid or revoked. Create one with: clerk keys create");
  if (row.kind === "agent" && row.user_id) {
    const user = await resolveUser(ctx, row.user_id);
    return { type: "user", id: user.id, label: user.email };
  }
  return { type: "api_key", id: row.id, label: `${row.prefix}…${row.last4}` };
}

/** Records that a key was used (best effort, outside the request's transaction; a counter, not a security write). */
export async function touchKey(ctx: ServiceContext, secret: string): Promise<void> {
  await ctx.db
    .updateTable("api_keys")
    .set({ last_used_at: ctx.clock.now() })
    .where("hash", "=", hashKey(secret))
    .execute();
}

/** Removes every key bound to a user (agent keys), audited, before the user is deleted in the same transaction. */
export async function removeKeysOfUser(ctx: ServiceContext, userId: string): Promise<number> {
  const rows = await ctx.db.selectFrom("api_keys").selectAll().where("user_id", "=", userId).execute();
  for (const row of rows) {
    await ctx.db.deleteFrom("api_keys").where("id", "=", row.id).execute();
    await recordAudit(ctx, {
      organizationId: null,
      action: "key.revoked",
      target: { type: "api_key", id: row.id, label: row.name },
      before: { name: row.name, revoked_at: row.revoked_at },
      after: { deleted_with_user: userId },
    });
  }
  return rows.length;
}
