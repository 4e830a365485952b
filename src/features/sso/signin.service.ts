// What every SSO sign-in does once the IdP's answer is proven: the user (created when new), their membership
// with the default or mapped role (through the members feature, so the policy store writes it), a session
// with the organization active, and the audit events; and what a refused sign-in leaves: one audit event.
import { type Actor, type ServiceContext, inTransaction } from "../../context.js";
import { isClerkError } from "../../errors.js";
import { recordAudit } from "../audit/index.js";
import { verifiedDomainsOf } from "../domains/index.js";
import { addMember, updateMemberRoles } from "../members/index.js";
import { membershipRecords } from "../policy/index.js";
import { createSession, issueToken } from "../sessions/index.js";
import { ensureUser, parseEmail } from "../users/index.js";
import type { Connection } from "./connection.service.js";
import { type SignInFailure, signInRefused } from "./sso.errors.js";

/** What the IdP said about the user, once its answer is verified. */
export interface IdpIdentity {
  email: string;
  groups: string[];
  /** The assertion or ID token id, for the audit log. */
  proof: string;
}

/** A finished sign-in: the session, a first token (the organization active), and where the browser goes. */
export interface SignedIn {
  sessionId: string;
  userId: string;
  organizationId: string;
  token: string;
  redirectUrl: string;
}

/** The actor of a sign-in's writes: clerk itself, on behalf of the connection (the audit log names it). */
export const connectionActor = (connection: { id: string }): Actor =>
  Object.freeze({ type: "system", id: connection.id, label: `sso:${connection.id}` });

/** The roles the IdP's groups map to, in mapping order; the default role when none maps. */
export function rolesFor(connection: Connection, groups: readonly string[]): string[] {
  const mapped = Object.entries(connection.roleMapping)
    .filter(([group]) => groups.includes(group))
    .map(([, role]) => role);
  return mapped.length > 0 ? [...new Set(mapped)] : [connection.defaultRole];
}

/** Refuses an address outside the connection's domains (an IdP speaks only for its own domains). */
export function checkedEmail(connection: Connection, value: string | undefined): string {
  if (!value) throw signInRefused("email_missing", "The identity provider's answer carries no e-mail address.");
  let email: string;
  try {
    email = parseEmail(value);
  } catch (cause) {
    throw signInRefused("email_missing", `The identity provider's e-mail "${value}" is not an address.`, cause);
  }
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  if (!connection.domains.includes(domain))
    throw signInRefused(
      "email_outside_domains",
      `The address ${email} is outside this connection's domains (${connection.domains.join(", ")}).`,
    );
  return email;
}

/**
 * Signs the identified user in (inside the caller's transaction): creates the user and membership when new,
 * syncs mapped roles when the connection says so, creates a session with the organization active.
 */
export async function completeSignIn(
  ctx: ServiceContext,
  connection: Connection,
  identity: IdpIdentity,
  redirectUrl: string,
): Promise<SignedIn> {
  const tx = { ...ctx, actor: connectionActor(connection) };
  const email = checkedEmail(connection, identity.email);
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  if (!(await verifiedDomainsOf(tx, connection.organizationId)).has(domain))
    throw signInRefused(
      "domain_unverified",
      `${domain} is no longer a verified domain of the connection's organization; nobody signs in for it until it is verified again.`,
    );
  const user = await ensureUser(tx, email, "human");
  const roles = rolesFor(connection, identity.groups);
  const target = { type: "enterprise_connection", id: connection.id, label: email };
  const existing = (await membershipRecords(tx.db, connection.organizationId, user.id))[0];
  if (!existing) {
    const member = await addMember(tx, { organization: connection.organizationId, userId: user.id, roles });
    await recordAudit(tx, {
      organizationId: connection.organizationId,
      action: "sso.jit_member_created",
      target,
      after: { email, roles: member.roles.map((r) => r.key), groups: identity.groups },
    });
  } else if (connection.syncUserAttributes) {
    const had = existing.roles.map((r) => r.key);
    if (had.join("\n") !== roles.join("\n")) {
      await updateMemberRoles(tx, { organization: connection.organizationId, email, roles });
      await recordAudit(tx, {
        organizationId: connection.organizationId,
        action: "sso.roles_synced",
        target,
        before: { roles: had },
        after: { roles, groups: identity.groups },
      });
    }
  }
  const session = await createSession(tx, { user: user.id });
  const token = await issueToken(tx, { sessionId: session.id, organization: connection.organizationId });
  await recordAudit(tx, {
    organizationId: connection.organizationId,
    action: "sso.signin",
    target,
    after: { user_id: user.id, session_id: session.id, provider: connection.provider, proof: identity.proof },
  });
  return {
    sessionId: session.id,
    userId: user.id,
    organizationId: connection.organizationId,
    token: token.jwt,
    redirectUrl,
  };
}

/**
 * Runs a sign-in attempt in one transaction; when it is refused, nothing of it stays and one `sso.signin_failed`
 * event names the reason (in its own transaction, so the refusal is recorded even though the attempt is undone).
 */
export async function attemptSignIn<T>(
  ctx: ServiceContext,
  connection: { id: string; organizationId: string },
  attempt: (tx: ServiceContext) => Promise<T>,
): Promise<T> {
  try {
    return await inTransaction(ctx, attempt);
  } catch (error) {
    const reason: SignInFailure | string = isClerkError(error)
      ? String((error.details as { reason?: string } | undefined)?.reason ?? error.code)
      : "internal";
    await inTransaction({ ...ctx, actor: connectionActor(connection) }, (tx) =>
      recordAudit(tx, {
        organizationId: connection.organizationId,
        action: "sso.signin_failed",
        target: { type: "enterprise_connection", id: connection.id },
        after: { reason, message: error instanceof Error ? error.message : String(error) },
      }),
    );
    throw error;
  }
}
