// Invitations: an e-mail address asked to join an organization with a role, pending until accepted, revoked or expired.
import { createHash, randomBytes } from "node:crypto";
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId, newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { actingUserId, assertActorMay, assertMayGrant } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { addMember, getMember } from "../members/index.js";
import { enqueueEmail, escapeHtml } from "../notifications/index.js";
import { type Organization, lockOrgRow, resolveOrg, organizationsToRead } from "../orgs/index.js";
import { getRoleDefaults, permissionsOfRoles, resolveRole } from "../roles/index.js";
import { resolveUser } from "../users/index.js";
import {
  alreadyMember,
  bulkEmpty,
  bulkSizeExceeded,
  invitationNotFound,
  invitationNotPending,
  invitationNotUnique,
  inviterMustBeActor,
} from "./invitation.errors.js";
import {
  type InvitationRecord,
  findInvitationRecord,
  findPendingInvitation,
  insertInvitation,
  listInvitationRecords,
  settlePendingInvitation,
} from "./invitation.repository.js";
import {
  BULK_LIMIT,
  type BulkInvitationInput,
  type CreateInvitationInput,
  type ListInvitationsInput,
  createInvitationSchema,
  listInvitationsSchema,
} from "./invitation.schema.js";
import type { InvitationStatus } from "./invitation.table.js";

const MANAGE = "org:sys_memberships:manage";
const READ = "org:sys_memberships:read";
const DAY_MS = 24 * 60 * 60 * 1000;

/** An invitation as services return it; `status` is what it is now (a pending one past its expiry is `expired`). */
export interface Invitation {
  id: string;
  organization: { id: string; name: string; slug: string };
  emailAddress: string;
  role: { id: string | null; key: string; name: string };
  status: InvitationStatus;
  inviter: { id: string; email: string | null; name: string | null } | null;
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  redirectUrl: string | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
  /** The accept link, only in the answer to the call that created the invitation (it holds a secret token). */
  acceptUrl?: string | null;
}

function toInvitation(row: InvitationRecord, now: number): Invitation {
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name, slug: row.organization_slug },
    emailAddress: row.email_address,
    role: { id: row.role_id, key: row.role_key, name: row.role_name ?? row.role_key },
    status: row.status === "pending" && row.expires_at <= now ? "expired" : row.status,
    inviter:
      row.inviter_user_id === null
        ? null
        : { id: row.inviter_user_id, email: row.inviter_email, name: row.inviter_name },
    publicMetadata: JSON.parse(row.public_metadata) as Record<string, unknown>,
    privateMetadata: JSON.parse(row.private_metadata) as Record<string, unknown>,
    redirectUrl: row.redirect_url,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the audit log keeps of an invitation. */
const view = (i: Invitation) => ({
  email: i.emailAddress,
  role: i.role.key,
  status: i.status,
  inviter: i.inviter?.id ?? null,
  expiresAt: i.expiresAt,
});

/**
 * Who an invitation is sent or revoked on behalf of (Clerk's inviter_user_id, requesting_user_id): the acting
 * member, or for an instance admin an optional named user, who must be able to manage members there.
 */
async function onBehalfOf(
  ctx: ServiceContext,
  org: Organization,
  userId: string | undefined,
  param: string,
): Promise<string | null> {
  const me = actingUserId(ctx);
  if (me !== null) {
    if (userId !== undefined && userId !== me) throw inviterMustBeActor(ctx.actor.label, param);
    return me;
  }
  if (userId === undefined) return null;
  const user = await resolveUser(ctx, userId);
  await assertActorMay({ ...ctx, actor: { type: "user", id: user.id, label: user.email } }, org.id, org.slug, MANAGE);
  return user.id;
}

async function isMember(ctx: ServiceContext, org: Organization, email: string): Promise<boolean> {
  try {
    await getMember(ctx, org.id, email);
    return true;
  } catch (error) {
    if (error instanceof ClerkError && error.code === "member.not_found") return false;
    throw error;
  }
}

/** Creates one invitation inside the caller's transaction (the organization row already locked). */
async function inviteInto(tx: ServiceContext, org: Organization, input: CreateInvitationInput): Promise<Invitation> {
  const data = parseInput(createInvitationSchema, input);
  const email = data.email.toLowerCase();
  const role = await resolveRole(tx, data.role ?? (await getRoleDefaults(tx)).default.id, org.id);
  await assertActorMay(tx, org.id, org.slug, MANAGE);
  await assertMayGrant(tx, org.id, org.slug, await permissionsOfRoles(tx, [role.id]));
  const inviter = await onBehalfOf(tx, org, data.inviterUserId, "inviter_user_id");
  const now = tx.clock.now();
  if (await isMember(tx, org, email)) throw alreadyMember(email, org.slug);
  if (await findPendingInvitation(tx.db, org.id, email, now)) throw invitationNotUnique(email, org.slug);
  const id = newId("orginv", now);
  const token = randomBytes(24).toString("base64url");
  const acceptUrl = `${publicUrl()}/v1/invitations/accept?token=${token}`;
  await insertInvitation(tx.db, {
    id,
    organization_id: org.id,
    email_address: email,
    role_key: role.key,
    role_id: role.id,
    status: "pending",
    inviter_user_id: inviter,
    public_metadata: JSON.stringify(data.publicMetadata ?? {}),
    private_metadata: JSON.stringify(data.privateMetadata ?? {}),
    redirect_url: data.redirectUrl ?? null,
    accept_token_hash: createHash("sha256").update(token).digest("hex"),
    expires_at: now + data.expiresInDays * DAY_MS,
    created_at: now,
    updated_at: now,
  });
  const invitation = toInvitation((await findInvitationRecord(tx.db, id)) as InvitationRecord, now);
  const mailed = data.notify ? await enqueueInvitationEmail(tx, org, invitation, acceptUrl) : null;
  await recordAudit(tx, {
    organizationId: org.id,
    action: "invitation.created",
    target: { type: "invitation", id, label: email },
    after: { ...view(invitation), emailed: mailed !== null },
  });
  return { ...invitation, acceptUrl };
}

/** The server's address as invitees reach it (the accept link points there). */
function publicUrl(): string {
  return (process.env.CLERK_PUBLIC_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
}

async function enqueueInvitationEmail(
  tx: ServiceContext,
  org: Organization,
  i: Invitation,
  acceptUrl: string,
): Promise<string | null> {
  const until = new Date(i.expiresAt).toISOString().slice(0, 10);
  // The link is a credential: the outbox keeps it sealed and the bodies name it, filled in only when sent.
  const text = `You are invited to join ${org.name} as ${i.role.name}.\n\nAccept the invitation (valid until ${until}): {{accept_url}}\n`;
  const html = `<p>You are invited to join <b>${escapeHtml(org.name)}</b> as ${escapeHtml(i.role.name)}.</p><p><a href="{{accept_url}}">Accept the invitation</a> (valid until ${until}).</p>`;
  return enqueueEmail(tx, {
    organizationId: org.id,
    source: "invitation.created",
    to: i.emailAddress,
    subject: `You are invited to join ${org.name}`,
    text,
    html,
    secrets: { accept_url: acceptUrl },
  });
}

/**
 * Accepts an invitation by the token of its e-mailed link: the invitee becomes a member with the invited
 * role (their user is created when new). The link works once, and not after the invitation expired or was revoked.
 */
export async function acceptInvitation(ctx: ServiceContext, token: string): Promise<Invitation> {
  const hash = createHash("sha256").update(token.trim()).digest("hex");
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom("organization_invitations")
      .selectAll()
      .where("accept_token_hash", "=", hash)
      .executeTakeFirst();
    if (!row)
      throw new ClerkError("invitation.not_found", "This invitation link is not valid; ask for a new invitation.", {
        param: "token",
      });
    const now = tx.clock.now();
    const record = (await findInvitationRecord(tx.db, row.id)) as InvitationRecord;
    const before = toInvitation(record, now);
    if (before.status !== "pending")
      throw new ClerkError(
        "invitation.not_pending",
        `This invitation is ${before.status}; ask ${before.organization.slug} for a new one.`,
        { param: "token" },
      );
    // Settled first, on the condition that it is still pending: a revocation committed meanwhile wins.
    if (!(await settlePendingInvitation(tx.db, row.id, "accepted", now))) {
      const current = toInvitation((await findInvitationRecord(tx.db, row.id)) as InvitationRecord, now);
      throw new ClerkError(
        "invitation.not_pending",
        `This invitation is ${current.status}; ask ${before.organization.slug} for a new one.`,
        { param: "token" },
      );
    }
    const system = { ...tx, actor: { type: "system" as const, id: null, label: `invitation:${before.emailAddress}` } };
    const org = await resolveOrg(system, row.organization_id);
    if (!(await isMember(system, org, before.emailAddress))) {
      await addMember(system, {
        organization: org.id,
        email: before.emailAddress,
        roles: before.role.id ?? before.role.key,
      });
    }
    const after = toInvitation((await findInvitationRecord(tx.db, row.id)) as InvitationRecord, now);
    await recordAudit(system, {
      organizationId: org.id,
      action: "invitation.accepted",
      target: { type: "invitation", id: row.id, label: before.emailAddress },
      before: view(before),
      after: view(after),
    });
    return after;
  });
}

/**
 * Invites an e-mail address to an organization with a role (default: the instance's default role), for
 * `expiresInDays` (default 30). One pending invitation per address and organization; acting as a member
 * needs org:sys_memberships:manage and every permission the role carries.
 */
export async function createInvitation(ctx: ServiceContext, input: CreateInvitationInput): Promise<Invitation> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    await lockOrgRow(tx.db, tx.dialect, org.id);
    return inviteInto(tx, org, input);
  });
}

/** Up to ten invitations at once, all or none (Clerk's bulk endpoint). */
export async function createInvitations(
  ctx: ServiceContext,
  organization: string,
  inputs: readonly BulkInvitationInput[],
): Promise<Invitation[]> {
  if (inputs.length === 0) throw bulkEmpty();
  if (inputs.length > BULK_LIMIT) throw bulkSizeExceeded(inputs.length);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, organization);
    await lockOrgRow(tx.db, tx.dialect, org.id);
    const out: Invitation[] = [];
    for (const input of inputs) out.push(await inviteInto(tx, org, { ...input, organization: org.id }));
    return out;
  });
}

/** A page of invitations of one organization (or of every one the actor may read), filtered by status and address. */
export async function listInvitations(
  ctx: ServiceContext,
  input: ListInvitationsInput,
): Promise<{ data: Invitation[]; totalCount: number }> {
  const q = parseInput(listInvitationsSchema, input);
  const organizationIds = await organizationsToRead(ctx, q.organization, READ);
  const now = ctx.clock.now();
  const field = q.orderBy.replace(/^[+-]/, "") as "created_at" | "email_address";
  const { rows, total } = await listInvitationRecords(
    ctx.db,
    { now, organizationIds, statuses: q.status, email: q.emailAddress, query: q.query },
    { field, direction: q.orderBy.startsWith("-") ? "desc" : "asc" },
    { limit: q.limit, offset: q.offset },
  );
  return { data: rows.map((r) => toInvitation(r, now)), totalCount: total };
}

/** Finds an invitation of the organization by id, or the pending one of an e-mail address. */
async function findInvitation(ctx: ServiceContext, org: Organization, ref: string): Promise<Invitation> {
  const value = ref.trim();
  const now = ctx.clock.now();
  const row = isId(value, "orginv")
    ? await findInvitationRecord(ctx.db, value)
    : await findPendingInvitation(ctx.db, org.id, value, now);
  if (!row || row.organization_id !== org.id) throw invitationNotFound(value, org.slug);
  return toInvitation(row, now);
}

/** One invitation of an organization, by id (or by address for the pending one). */
export async function getInvitation(ctx: ServiceContext, organization: string, ref: string): Promise<Invitation> {
  const org = await resolveOrg(ctx, organization);
  await assertActorMay(ctx, org.id, org.slug, READ);
  return findInvitation(ctx, org, ref);
}

/** Revokes a pending invitation; anything else is `invitation.not_pending`. */
export async function revokeInvitation(
  ctx: ServiceContext,
  input: { organization: string; invitation: string; requestingUserId?: string | undefined },
): Promise<Invitation> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    await onBehalfOf(tx, org, input.requestingUserId, "requesting_user_id");
    const before = await findInvitation(tx, org, input.invitation);
    if (before.status !== "pending") throw invitationNotPending(before.id, before.status);
    const now = tx.clock.now();
    if (!(await settlePendingInvitation(tx.db, before.id, "revoked", now))) {
      const current = toInvitation((await findInvitationRecord(tx.db, before.id)) as InvitationRecord, now);
      throw invitationNotPending(before.id, current.status);
    }
    const after = toInvitation((await findInvitationRecord(tx.db, before.id)) as InvitationRecord, now);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "invitation.revoked",
      target: { type: "invitation", id: before.id, label: before.emailAddress },
      before: view(before),
      after: view(after),
    });
    return after;
  });
}
