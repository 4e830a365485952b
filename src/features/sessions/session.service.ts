// Sessions: created by the backend for a user, listed, revoked; an active one mints tokens until it expires.
import { type ServiceContext, inTransaction } from "../../context.js";
import { isId, newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { resolveUser } from "../users/index.js";
import { resolveOrg } from "../orgs/index.js";
import { organizationIdsOfUser } from "../policy/index.js";
import { notAMember, sessionNotFound } from "./session.errors.js";
import { assertInstanceAdmin } from "./session.guard.js";
import type { SessionsTable } from "./session.table.js";
import { readTokenSettings } from "./token-settings.service.js";

/** A session's status as callers see it: an active session past its expiry reads as expired. */
export type SessionStatus = "active" | "revoked" | "expired";

/** A session as services and views use it. */
export interface Session {
  id: string;
  userId: string;
  status: SessionStatus;
  lastActiveOrganizationId: string | null;
  expireAt: number;
  createdAt: number;
  updatedAt: number;
}

function toSession(row: SessionsTable, now: number): Session {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status === "active" && row.expire_at <= now ? "expired" : row.status,
    lastActiveOrganizationId: row.last_active_organization_id,
    expireAt: row.expire_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates an active session for a user (id or e-mail), lasting the configured session lifetime. */
export async function createSession(
  ctx: ServiceContext,
  input: { user: string; activeOrganization?: string | undefined },
): Promise<Session> {
  assertInstanceAdmin(ctx, "create sessions");
  return inTransaction(ctx, async (tx) => {
    const user = await resolveUser(tx, input.user);
    // Clerk's active_organization_id: the organization the session's tokens carry until another is asked for.
    let activeOrganizationId: string | null = null;
    if (input.activeOrganization !== undefined) {
      const org = await resolveOrg(tx, input.activeOrganization);
      if (!(await organizationIdsOfUser(tx.db, user.id)).includes(org.id)) throw notAMember(user.email, org.slug);
      activeOrganizationId = org.id;
    }
    const { sessionLifetimeSeconds } = await readTokenSettings(tx);
    const now = tx.clock.now();
    const row: SessionsTable = {
      id: newId("sess", now),
      user_id: user.id,
      status: "active",
      last_active_organization_id: activeOrganizationId,
      expire_at: now + sessionLifetimeSeconds * 1000,
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto("sessions").values(row).execute();
    const session = toSession(row, now);
    await recordAudit(tx, {
      organizationId: null,
      action: "session.created",
      target: { type: "session", id: row.id, label: user.email },
      after: session,
    });
    return session;
  });
}

/** One session by id. */
export async function getSession(ctx: ServiceContext, id: string): Promise<Session> {
  assertInstanceAdmin(ctx, "read sessions");
  const row = isId(id.trim(), "sess")
    ? await ctx.db.selectFrom("sessions").selectAll().where("id", "=", id.trim()).executeTakeFirst()
    : undefined;
  if (!row) throw sessionNotFound(id);
  return toSession(row, ctx.clock.now());
}

/** What a session list may be narrowed by. */
export interface SessionFilter {
  /** User id or e-mail. */
  user?: string | undefined;
  status?: SessionStatus | undefined;
  limit: number;
  offset: number;
}

/** A page of sessions, newest first, and how many match in all. */
export async function listSessions(
  ctx: ServiceContext,
  filter: SessionFilter,
): Promise<{ data: Session[]; totalCount: number }> {
  assertInstanceAdmin(ctx, "list sessions");
  const now = ctx.clock.now();
  const userId = filter.user === undefined ? undefined : (await resolveUser(ctx, filter.user)).id;
  let query = ctx.db.selectFrom("sessions");
  if (userId !== undefined) query = query.where("user_id", "=", userId);
  if (filter.status === "revoked") query = query.where("status", "=", "revoked");
  if (filter.status === "active") query = query.where("status", "=", "active").where("expire_at", ">", now);
  if (filter.status === "expired") query = query.where("status", "=", "active").where("expire_at", "<=", now);
  const total = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { data: rows.map((r) => toSession(r, now)), totalCount: Number(total.n) };
}

/** Revokes a session: it mints nothing from now on (tokens already minted live out their minute). Idempotent. */
export async function revokeSession(ctx: ServiceContext, id: string): Promise<Session> {
  assertInstanceAdmin(ctx, "revoke sessions");
  return inTransaction(ctx, async (tx) => {
    const before = await getSession(tx, id);
    if (before.status === "revoked") return before;
    const now = tx.clock.now();
    await tx.db
      .updateTable("sessions")
      .set({ status: "revoked", updated_at: now })
      .where("id", "=", before.id)
      .execute();
    const after: Session = { ...before, status: "revoked", updatedAt: now };
    const user = await resolveUser(tx, before.userId);
    await recordAudit(tx, {
      organizationId: null,
      action: "session.revoked",
      target: { type: "session", id: before.id, label: user.email },
      before,
      after,
    });
    return after;
  });
}

/**
 * Revokes, inside the caller's transaction, the active sessions of a member whose membership of `organizationId`
 * was just suspended: those with that organization active, and every one when the user has no live membership
 * left. Sessions active in another organization the user still belongs to stay. Returns the revoked ids.
 */
export async function revokeSessionsOfSuspendedMember(
  tx: ServiceContext,
  userId: string,
  organizationId: string,
): Promise<string[]> {
  const now = tx.clock.now();
  const stillMember = (await organizationIdsOfUser(tx.db, userId)).length > 0;
  let q = tx.db
    .selectFrom("sessions")
    .select("id")
    .where("user_id", "=", userId)
    .where("status", "=", "active")
    .where("expire_at", ">", now);
  if (stillMember) q = q.where("last_active_organization_id", "=", organizationId);
  const ids = (await q.execute()).map((r) => r.id);
  if (ids.length > 0)
    await tx.db.updateTable("sessions").set({ status: "revoked", updated_at: now }).where("id", "in", ids).execute();
  return ids;
}
