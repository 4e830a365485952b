// Enterprise connections: an organization's SAML or OIDC identity provider, its domains and role mapping.
import { X509Certificate } from "node:crypto";
import { type ServiceContext, inTransaction } from "../../context.js";
import { isId, newId } from "../../ids.js";
import { sealSecret } from "../../secrets.js";
import { assertAllowedNow } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { COMMON_EMAIL_PROVIDERS, verifiedDomainsOf } from "../domains/index.js";
import { resolveOrg } from "../orgs/index.js";
import { getRoleDefaults, resolveRole } from "../roles/index.js";
import { connectionNotFound, domainTaken, domainUnverified, invalidConnection, publicDomain } from "./sso.errors.js";
import {
  type CreateConnectionBody,
  type Provider,
  type UpdateConnectionBody,
  attributeMappingSchema,
  isSaml,
} from "./sso.schema.js";
import type { SsoConnectionsTable } from "./sso.table.js";
import { fetchText, reason } from "./sso.fetch.js";
import { idpMetadata } from "./sso.xml.js";

/** Which attribute or claim holds each field of a user. */
export interface AttributeMapping {
  email_address?: string | null | undefined;
  first_name?: string | null | undefined;
  last_name?: string | null | undefined;
  groups?: string | null | undefined;
}

/** A connection as services use it (never the OIDC client secret). */
export interface Connection {
  id: string;
  organizationId: string;
  name: string;
  provider: Provider;
  active: boolean;
  domains: string[];
  syncUserAttributes: boolean;
  allowIdpInitiated: boolean;
  forceAuthn: boolean;
  idpEntityId: string | null;
  idpSsoUrl: string | null;
  idpCertificates: string[];
  idpMetadataUrl: string | null;
  idpMetadata: string | null;
  attributeMapping: AttributeMapping;
  oidcDiscoveryUrl: string | null;
  oidcClientId: string | null;
  hasClientSecret: boolean;
  requiresPkce: boolean;
  defaultRole: string;
  roleMapping: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** The purpose a connection's OIDC client secret is sealed for (bound to the connection). */
export const clientSecretPurpose = (connectionId: string): string => `sso-oidc-client-secret:${connectionId}`;

export function toConnection(row: SsoConnectionsTable): Connection {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    provider: row.provider as Provider,
    active: row.active === 1,
    domains: JSON.parse(row.domains) as string[],
    syncUserAttributes: row.sync_user_attributes === 1,
    allowIdpInitiated: row.allow_idp_initiated === 1,
    forceAuthn: row.force_authn === 1,
    idpEntityId: row.idp_entity_id,
    idpSsoUrl: row.idp_sso_url,
    idpCertificates: JSON.parse(row.idp_certificates) as string[],
    idpMetadataUrl: row.idp_metadata_url,
    idpMetadata: row.idp_metadata,
    attributeMapping: attributeMappingSchema.parse(JSON.parse(row.attribute_mapping)),
    oidcDiscoveryUrl: row.oidc_discovery_url,
    oidcClientId: row.oidc_client_id,
    hasClientSecret: row.oidc_client_secret !== null,
    requiresPkce: row.requires_pkce === 1,
    defaultRole: row.default_role,
    roleMapping: JSON.parse(row.role_mapping) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function assertMayManage(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, {
    kind: "instance_admin",
    what,
    why: "an enterprise connection signs people in to an organization",
  });
}

/** A certificate as PEM, from PEM or its bare base64 body; refused when node:crypto cannot read it. */
function certificatePem(value: string, index: number): string {
  const body = value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const pem = `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch (cause) {
    throw Object.assign(
      invalidConnection(`saml.idp_certificates[${index}] is not a readable X.509 certificate (PEM).`, "saml"),
      { cause },
    );
  }
  return pem;
}

/** The row's connection rows, for the domain-ownership check. */
async function allRows(ctx: ServiceContext): Promise<SsoConnectionsTable[]> {
  return ctx.db.selectFrom("sso_connections").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute();
}

async function assertDomainsFree(
  ctx: ServiceContext,
  domains: readonly string[],
  except: string | null,
): Promise<void> {
  for (const domain of domains) if (COMMON_EMAIL_PROVIDERS.has(domain)) throw publicDomain(domain);
  for (const row of await allRows(ctx)) {
    if (row.id === except) continue;
    const taken = (JSON.parse(row.domains) as string[]).find((d) => domains.includes(d));
    if (taken) throw domainTaken(taken, row.id);
  }
}

/** Refuses roles the organization does not have, so a sign-in never fails on a mapping typo. */
async function assertRoles(ctx: ServiceContext, organizationId: string, keys: readonly string[]): Promise<void> {
  for (const key of keys) await resolveRole(ctx, key, organizationId);
}

/** Whether the IdP settings a sign-in needs are all there. */
function complete(row: SsoConnectionsTable): boolean {
  if (isSaml(row.provider))
    return row.idp_entity_id !== null && row.idp_sso_url !== null && JSON.parse(row.idp_certificates).length > 0;
  return row.oidc_discovery_url !== null && row.oidc_client_id !== null;
}

/** The connection's first domain its organization has not verified, if any. */
export async function unverifiedDomain(ctx: ServiceContext, row: SsoConnectionsTable): Promise<string | undefined> {
  const verified = await verifiedDomainsOf(ctx, row.organization_id);
  return (JSON.parse(row.domains) as string[]).find((d) => !verified.has(d));
}

/** An active connection needs its IdP settings complete and every domain verified by its organization. */
async function assertActivatable(ctx: ServiceContext, row: SsoConnectionsTable): Promise<void> {
  const unverified = await unverifiedDomain(ctx, row);
  if (unverified !== undefined) throw domainUnverified(unverified, row.organization_id);
  if (complete(row)) return;
  throw isSaml(row.provider)
    ? invalidConnection(
        "An active SAML connection needs saml.idp_entity_id, saml.idp_sso_url and at least one certificate.",
        "saml",
      )
    : invalidConnection("An active OIDC connection needs oidc.discovery_url and oidc.client_id.", "oidc");
}

type SamlInput = NonNullable<CreateConnectionBody["saml"]>;
type OidcInput = NonNullable<CreateConnectionBody["oidc"]>;

/** Applies the SAML and OIDC parts of a body to a row (what is absent stays). */
/**
 * The IdP metadata to take settings from, when the request leaves any of the entity id, sign-in URL or
 * certificates to it: the XML given, else the document at the URL given (read before any transaction opens, so a
 * slow IdP holds no lock). When all three are typed in, the metadata is only kept for `clerk sso test` to compare.
 */
async function metadataXml(saml: SamlInput | null | undefined): Promise<string | undefined> {
  if (!saml) return undefined;
  const typedIn =
    saml.idp_entity_id != null && saml.idp_sso_url != null && (saml.idp_certificates ?? saml.idp_certificate) != null;
  if (typedIn) return undefined;
  if (saml.idp_metadata != null) return saml.idp_metadata;
  if (saml.idp_metadata_url == null) return undefined;
  try {
    return await fetchText(saml.idp_metadata_url);
  } catch (e) {
    throw invalidConnection(`saml.idp_metadata_url could not be read: ${reason(e)}.`, "saml");
  }
}

/**
 * Fills the entity id, sign-in URL and signing certificates from the IdP's metadata, where the request did not
 * set them itself (what an admin types wins over what the document says).
 */
function applyMetadata(row: SsoConnectionsTable, saml: SamlInput, xml: string): void {
  const meta = idpMetadata(xml);
  const source = saml.idp_metadata != null ? "saml.idp_metadata" : "saml.idp_metadata_url";
  if ("error" in meta) throw invalidConnection(`${source}: ${meta.error}.`, "saml");
  if (saml.idp_entity_id == null && meta.entityId) row.idp_entity_id = meta.entityId;
  if (saml.idp_sso_url == null && meta.ssoUrl) row.idp_sso_url = meta.ssoUrl;
  if (saml.idp_certificates == null && saml.idp_certificate == null && meta.certificates.length > 0)
    row.idp_certificates = JSON.stringify(meta.certificates.map(certificatePem));
}

function applyProtocol(
  ctx: ServiceContext,
  row: SsoConnectionsTable,
  saml?: SamlInput | null,
  oidc?: OidcInput | null,
  metadata?: string,
): void {
  if (saml && !isSaml(row.provider))
    throw invalidConnection(`saml settings do not apply to provider ${row.provider}.`, "saml");
  if (oidc && isSaml(row.provider))
    throw invalidConnection(`oidc settings do not apply to provider ${row.provider}.`, "oidc");
  if (saml) {
    if (saml.idp_entity_id !== undefined) row.idp_entity_id = saml.idp_entity_id;
    if (saml.idp_sso_url !== undefined) row.idp_sso_url = saml.idp_sso_url;
    const certs = saml.idp_certificates ?? (saml.idp_certificate ? [saml.idp_certificate] : undefined);
    if (certs !== undefined) row.idp_certificates = JSON.stringify(certs.map(certificatePem));
    if (saml.idp_metadata_url !== undefined) row.idp_metadata_url = saml.idp_metadata_url;
    if (saml.idp_metadata !== undefined) row.idp_metadata = saml.idp_metadata;
    if (saml.attribute_mapping != null) row.attribute_mapping = JSON.stringify(saml.attribute_mapping);
    if (saml.allow_idp_initiated != null) row.allow_idp_initiated = saml.allow_idp_initiated ? 1 : 0;
    if (saml.force_authn != null) row.force_authn = saml.force_authn ? 1 : 0;
    if (metadata !== undefined) applyMetadata(row, saml, metadata);
  }
  if (oidc) {
    if (oidc.client_id !== undefined) row.oidc_client_id = oidc.client_id;
    if (oidc.discovery_url !== undefined) row.oidc_discovery_url = oidc.discovery_url;
    if (oidc.requires_pkce != null) row.requires_pkce = oidc.requires_pkce ? 1 : 0;
    if (oidc.client_secret !== undefined)
      row.oidc_client_secret =
        oidc.client_secret === null ? null : sealSecret(ctx, oidc.client_secret, clientSecretPurpose(row.id));
  }
}

/** What the audit log keeps of a connection: everything but the secret (already absent). */
const audited = (c: Connection) => c;

/**
 * Creates a connection for an organization; active when asked, or by default once its IdP settings are complete
 * and every domain is verified by the organization (an unverified domain with `active: true` is refused).
 */
export async function createConnection(ctx: ServiceContext, input: CreateConnectionBody): Promise<Connection> {
  assertMayManage(ctx, "create enterprise connections");
  const metadata = isSaml(input.provider) ? await metadataXml(input.saml) : undefined;
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization_id);
    const defaultRole = input.default_role ?? (await getRoleDefaults(tx)).default.key;
    await assertRoles(tx, org.id, [defaultRole, ...Object.values(input.role_mapping ?? {})]);
    const domains = [...new Set(input.domains)];
    await assertDomainsFree(tx, domains, null);
    const now = tx.clock.now();
    const row: SsoConnectionsTable = {
      id: newId("ssoc", now),
      organization_id: org.id,
      name: input.name,
      provider: input.provider,
      active: 0,
      domains: JSON.stringify(domains),
      sync_user_attributes: input.sync_user_attributes ? 1 : 0,
      allow_idp_initiated: 0,
      force_authn: 0,
      idp_entity_id: null,
      idp_sso_url: null,
      idp_certificates: "[]",
      idp_metadata_url: null,
      idp_metadata: null,
      attribute_mapping: "{}",
      oidc_discovery_url: null,
      oidc_client_id: null,
      oidc_client_secret: null,
      requires_pkce: 1,
      default_role: defaultRole,
      role_mapping: JSON.stringify(input.role_mapping ?? {}),
      created_at: now,
      updated_at: now,
    };
    applyProtocol(tx, row, input.saml, input.oidc, metadata);
    if (input.active === true) await assertActivatable(tx, row);
    // Active by default once it could sign anyone in: settings complete, every domain verified.
    row.active = (input.active ?? (complete(row) && (await unverifiedDomain(tx, row)) === undefined)) ? 1 : 0;
    await tx.db.insertInto("sso_connections").values(row).execute();
    const connection = toConnection(row);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "sso.connection_created",
      target: { type: "enterprise_connection", id: row.id, label: row.name },
      after: audited(connection),
    });
    return connection;
  });
}

async function findRow(ctx: ServiceContext, id: string): Promise<SsoConnectionsTable> {
  const value = id.trim();
  const row = isId(value, "ssoc")
    ? await ctx.db.selectFrom("sso_connections").selectAll().where("id", "=", value).executeTakeFirst()
    : undefined;
  if (!row) throw connectionNotFound(value);
  return row;
}

/** One connection by id. */
export async function getConnection(ctx: ServiceContext, id: string): Promise<Connection> {
  assertMayManage(ctx, "read enterprise connections");
  return toConnection(await findRow(ctx, id));
}

/** The connection row for a sign-in (no actor check: the sign-in endpoints are public), or not found. */
export async function connectionForSignIn(ctx: ServiceContext, id: string): Promise<SsoConnectionsTable> {
  return findRow(ctx, id);
}

/** Connections, newest first, optionally of one organization or activity. */
export async function listConnections(
  ctx: ServiceContext,
  filter: { organization?: string | undefined; active?: boolean | undefined },
): Promise<Connection[]> {
  assertMayManage(ctx, "list enterprise connections");
  const orgId = filter.organization === undefined ? undefined : (await resolveOrg(ctx, filter.organization)).id;
  return (await allRows(ctx))
    .map(toConnection)
    .filter(
      (c) =>
        (orgId === undefined || c.organizationId === orgId) &&
        (filter.active === undefined || c.active === filter.active),
    );
}

/** Changes a connection; what the body leaves out stays. Activating checks the IdP settings are complete. */
export async function updateConnection(
  ctx: ServiceContext,
  id: string,
  input: UpdateConnectionBody,
): Promise<Connection> {
  assertMayManage(ctx, "update enterprise connections");
  const metadata = await metadataXml(input.saml);
  return inTransaction(ctx, async (tx) => {
    const before = await findRow(tx, id);
    const row: SsoConnectionsTable = { ...before };
    if (input.name != null) row.name = input.name;
    if (input.domains != null && input.domains.length > 0) {
      const domains = [...new Set(input.domains)];
      await assertDomainsFree(tx, domains, row.id);
      row.domains = JSON.stringify(domains);
    }
    if (input.sync_user_attributes != null) row.sync_user_attributes = input.sync_user_attributes ? 1 : 0;
    if (input.default_role != null) row.default_role = input.default_role;
    if (input.role_mapping != null) row.role_mapping = JSON.stringify(input.role_mapping);
    await assertRoles(tx, row.organization_id, [
      row.default_role,
      ...Object.values(JSON.parse(row.role_mapping) as Record<string, string>),
    ]);
    applyProtocol(tx, row, input.saml, input.oidc, metadata);
    if (input.active != null) row.active = input.active ? 1 : 0;
    if (row.active === 1) await assertActivatable(tx, row);
    row.updated_at = tx.clock.now();
    await tx.db.updateTable("sso_connections").set(row).where("id", "=", row.id).execute();
    const connection = toConnection(row);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "sso.connection_updated",
      target: { type: "enterprise_connection", id: row.id, label: row.name },
      before: audited(toConnection(before)),
      after: audited(connection),
    });
    return connection;
  });
}

/** Deletes a connection with its outstanding requests; its users and memberships stay. */
export async function deleteConnection(ctx: ServiceContext, id: string): Promise<Connection> {
  assertMayManage(ctx, "delete enterprise connections");
  return inTransaction(ctx, async (tx) => {
    const row = await findRow(tx, id);
    await tx.db.deleteFrom("sso_requests").where("connection_id", "=", row.id).execute();
    await tx.db.deleteFrom("sso_replays").where("connection_id", "=", row.id).execute();
    await tx.db.deleteFrom("sso_connections").where("id", "=", row.id).execute();
    const connection = toConnection(row);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "sso.connection_deleted",
      target: { type: "enterprise_connection", id: row.id, label: row.name },
      before: audited(connection),
    });
    return connection;
  });
}

/** The active connection serving an e-mail's domain (identity-first sign-in), or undefined. */
export async function connectionForEmail(ctx: ServiceContext, email: string): Promise<Connection | undefined> {
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return (await allRows(ctx)).map(toConnection).find((c) => c.active && c.domains.includes(domain));
}
