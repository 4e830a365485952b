// SCIM bearer tokens: one organization each, created and shown once, stored as a SHA-256, revocable; a request's
// token becomes the actor of every change it makes (the audit log names the token).
import { createHash, randomBytes } from "node:crypto";
import { type Actor, type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { isId, newId } from "../../ids.js";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, resolveOrg } from "../orgs/index.js";
import { scimTokenNotFound } from "./scim.errors.js";
import type { ScimTokensTable } from "./scim.table.js";

/** A token as listed: never the secret. */
export interface ScimToken {
  id: string;
  organizationId: string;
  name: string;
  /** e.g. `scim_Ab3d…wXyZ`: enough to recognise, not to use. */
  display: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** The organization and actor a valid SCIM token stands for. */
export interface ScimPrincipal {
  tokenId: string;
  organization: Organization;
  actor: Actor;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX = "scim_";

function secretBody(): string {
  let out = "";
  while (out.length < 40)
    for (const byte of randomBytes(64)) if (byte < 248 && out.length < 40) out += ALPHABET[byte % 62];
  return out;
}

const hashToken = (secret: string) => createHash("sha256").update(secret).digest("hex");

function toToken(row: ScimTokensTable): ScimToken {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    display: `${row.prefix}…${row.last4}`,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** SCIM tokens create and delete members of an organization at will: instance admins only, like SSO connections. */
function assertMayManage(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, {
    kind: "instance_admin",
    what,
    why: "a SCIM token provisions and removes an organization's members",
  });
}

/** Creates a token for the organization; its secret is returned this once and never again. */
export async function createScimToken(
  ctx: ServiceContext,
  input: { organization: string; name?: string | undefined },
): Promise<{ token: ScimToken; secret: string }> {
  assertMayManage(ctx, "create SCIM tokens");
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const secret = `${PREFIX}${secretBody()}`;
    const now = tx.clock.now();
    const name = input.name?.trim() || `SCIM ${org.slug}`;
    if (name.length > 200) throw new ClerkError("input.invalid", "name: at most 200 characters.", { param: "name" });
    const row: ScimTokensTable = {
      id: newId("scimtok", now),
      organization_id: org.id,
      name,
      prefix: secret.slice(0, 9),
      last4: secret.slice(-4),
      hash: hashToken(secret),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    };
    await tx.db.insertInto("scim_tokens").values(row).execute();
    const token = toToken(row);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "scim.token_created",
      target: { type: "scim_token", id: row.id, label: name },
      after: { name, display: token.display },
    });
    return { token, secret };
  });
}

/** The organization's tokens, newest first (revoked ones too, marked). */
export async function listScimTokens(ctx: ServiceContext, organization: string): Promise<ScimToken[]> {
  assertMayManage(ctx, "list SCIM tokens");
  const org = await resolveOrg(ctx, organization);
  const rows = await ctx.db
    .selectFrom("scim_tokens")
    .selectAll()
    .where("organization_id", "=", org.id)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map(toToken);
}

/** Revokes a token of the organization (by id or name): the IdP's next request with it gets 401. Idempotent. */
export async function revokeScimToken(ctx: ServiceContext, organization: string, ref: string): Promise<ScimToken> {
  assertMayManage(ctx, "revoke SCIM tokens");
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, organization);
    const value = ref.trim();
    const row = await tx.db
      .selectFrom("scim_tokens")
      .selectAll()
      .where("organization_id", "=", org.id)
      .where(isId(value, "scimtok") ? "id" : "name", "=", value)
      .orderBy("created_at", "desc")
      .executeTakeFirst();
    if (!row) throw scimTokenNotFound(value);
    if (row.revoked_at !== null) return toToken(row);
    const now = tx.clock.now();
    await tx.db.updateTable("scim_tokens").set({ revoked_at: now }).where("id", "=", row.id).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "scim.token_revoked",
      target: { type: "scim_token", id: row.id, label: row.name },
    });
    return toToken({ ...row, revoked_at: now });
  });
}

/**
 * The principal of a presented SCIM token for the organization named in the URL (id or slug), or undefined when
 * the token is unknown, revoked, or belongs to another organization (the caller answers all three alike).
 */
export async function authenticateScimToken(
  ctx: ServiceContext,
  secret: string,
  organizationRef: string,
): Promise<ScimPrincipal | undefined> {
  if (!secret.startsWith(PREFIX)) return undefined;
  const row = await ctx.db
    .selectFrom("scim_tokens")
    .selectAll()
    .where("hash", "=", hashToken(secret))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  const organization = await resolveOrg(ctx, row.organization_id).catch(() => undefined);
  if (!organization || (organizationRef !== organization.id && organizationRef !== organization.slug)) return undefined;
  const now = ctx.clock.now();
  // A hint for people, not a security record: at most once a minute.
  if ((row.last_used_at ?? 0) < now - 60_000)
    await ctx.db.updateTable("scim_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
  return {
    tokenId: row.id,
    organization,
    actor: Object.freeze({ type: "system", id: row.id, label: row.name }),
  };
}
