// Sign-in tokens (Clerk's /v1/sign_in_tokens): a one-time link that signs a given user in. Only the token's
// SHA-256 is stored; visiting the link consumes it, creates a session and hands back the cookie's token.
import { createHash, randomBytes } from "node:crypto";
import { type Actor, type ServiceContext, inTransaction } from "../../context.js";
import { isId, newId } from "../../ids.js";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { createSession } from "../sessions/index.js";
import { publicUrl } from "../sso/index.js";
import { resolveUser } from "../users/index.js";
import { sessionCookieToken } from "./cookie-session.service.js";
import { signInTokenNotFound, signInTokenUnusable } from "./dashboard.errors.js";
import type { SignInTokensTable } from "./dashboard.table.js";

/** Clerk's default: a sign-in token lasts 30 days unless told otherwise. */
export const DEFAULT_SIGN_IN_TOKEN_SECONDS = 30 * 24 * 3600;

/** A sign-in token as services return it; `token` only when just created (it is never stored). */
export interface SignInToken {
  id: string;
  userId: string;
  status: "pending" | "accepted" | "revoked" | "expired";
  token?: string;
  url?: string;
  expireAt: number;
  createdAt: number;
  updatedAt: number;
}

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** The link that consumes a token: the sign-in page with Clerk's `__clerk_ticket` parameter. */
export const signInUrl = (token: string): string => `${publicUrl()}/sign-in?__clerk_ticket=${token}`;

function toToken(row: SignInTokensTable, now: number): SignInToken {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status === "pending" && row.expire_at <= now ? "expired" : row.status,
    expireAt: row.expire_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates a one-time sign-in link for a user (id or e-mail); an instance admin only, since it speaks for the user. */
export async function createSignInToken(
  ctx: ServiceContext,
  input: { user: string; expiresInSeconds?: number | null | undefined },
): Promise<SignInToken> {
  assertAllowedNow(ctx, {
    kind: "instance_admin",
    what: "create sign-in tokens",
    why: "a sign-in token signs in as its user",
  });
  return inTransaction(ctx, async (tx) => {
    const user = await resolveUser(tx, input.user);
    const now = tx.clock.now();
    const token = randomBytes(32).toString("base64url");
    const row: SignInTokensTable = {
      id: newId("sit", now),
      user_id: user.id,
      hash: hashOf(token),
      status: "pending",
      redirect_url: null,
      expire_at: now + (input.expiresInSeconds ?? DEFAULT_SIGN_IN_TOKEN_SECONDS) * 1000,
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto("sign_in_tokens").values(row).execute();
    const created = toToken(row, now);
    await recordAudit(tx, {
      organizationId: null,
      action: "sign_in_token.created",
      target: { type: "sign_in_token", id: row.id, label: user.email },
      after: created,
    });
    return { ...created, token, url: signInUrl(token) };
  });
}

/** Revokes a pending sign-in token; a used or revoked one stays as it is. */
export async function revokeSignInToken(ctx: ServiceContext, id: string): Promise<SignInToken> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "revoke sign-in tokens" });
  return inTransaction(ctx, async (tx) => {
    const ref = id.trim();
    const row = isId(ref, "sit")
      ? await tx.db.selectFrom("sign_in_tokens").selectAll().where("id", "=", ref).executeTakeFirst()
      : undefined;
    if (!row) throw signInTokenNotFound(id);
    const now = tx.clock.now();
    const before = toToken(row, now);
    if (row.status !== "pending") return before;
    await tx.db
      .updateTable("sign_in_tokens")
      .set({ status: "revoked", updated_at: now })
      .where("id", "=", row.id)
      .execute();
    const after: SignInToken = { ...before, status: "revoked", updatedAt: now };
    const user = await resolveUser(tx, row.user_id);
    await recordAudit(tx, {
      organizationId: null,
      action: "sign_in_token.revoked",
      target: { type: "sign_in_token", id: row.id, label: user.email },
      before,
      after,
    });
    return after;
  });
}

/** A finished sign-in by link: the new session and the token the session cookie carries. */
export interface TicketSignIn {
  sessionId: string;
  userId: string;
  token: string;
}

/**
 * Consumes a sign-in token: refused when unknown, used, revoked or expired; otherwise marks it used, creates a
 * session for its user and mints the cookie's token, lasting as long as the session (the session row, checked
 * on every request, decides whether it still counts).
 */
export async function consumeSignInToken(ctx: ServiceContext, token: string): Promise<TicketSignIn> {
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom("sign_in_tokens")
      .selectAll()
      .where("hash", "=", hashOf(token))
      .executeTakeFirst();
    if (!row) throw signInTokenUnusable("unknown");
    const now = tx.clock.now();
    const state = toToken(row, now).status;
    if (state !== "pending") throw signInTokenUnusable(state);
    // Only one visit may take it, even when two arrive at once.
    const taken = await tx.db
      .updateTable("sign_in_tokens")
      .set({ status: "accepted", updated_at: now })
      .where("id", "=", row.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw signInTokenUnusable("accepted");
    const actor: Actor = Object.freeze({ type: "system", id: row.id, label: `sign_in_token:${row.id}` });
    const signer = { ...tx, actor };
    const user = await resolveUser(signer, row.user_id);
    const session = await createSession(signer, { user: user.id });
    const cookieToken = await sessionCookieToken(signer, session.id);
    await recordAudit(signer, {
      organizationId: null,
      action: "sign_in_token.accepted",
      target: { type: "sign_in_token", id: row.id, label: user.email },
      after: { user_id: user.id, session_id: session.id },
    });
    return { sessionId: session.id, userId: user.id, token: cookieToken };
  });
}
