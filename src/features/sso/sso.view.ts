// The enterprise connection object, in Clerk's shape, with clerk's role mapping and every accepted certificate.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { ConnectionCheckReport } from "./check.service.js";
import type { Connection } from "./connection.service.js";
import { isSaml } from "./sso.schema.js";
import { acsUrl, oidcCallbackUrl, spEntityId, spMetadataUrl } from "./sso.urls.js";

const attributeMapping = z.object({
  email_address: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  groups: z.string().nullable(),
});

const samlConnection = z.object({
  id: z.string(),
  name: z.string(),
  idp_entity_id: z.string().nullable(),
  idp_sso_url: z.string().nullable(),
  idp_metadata_url: z.string().nullable(),
  idp_certificates: z.array(z.string()).describe("Every signing certificate accepted (PEM)"),
  acs_url: z.string().nullable().describe("Give this to the IdP: where it posts its response"),
  sp_entity_id: z.string().nullable().describe("Give this to the IdP: the audience it must name"),
  sp_metadata_url: z.string().nullable().describe("This service provider's metadata XML"),
  active: z.boolean(),
  allow_idp_initiated: z.boolean(),
  allow_subdomains: z.boolean(),
  force_authn: z.boolean(),
  attribute_mapping: attributeMapping,
});

const oauthConfig = z.object({
  id: z.string(),
  name: z.string(),
  provider_key: z.string(),
  client_id: z.string().nullable(),
  has_client_secret: z.boolean().describe("The secret itself is sealed and never shown"),
  discovery_url: z.string().nullable(),
  redirect_url: z.string().describe("Give this to the IdP: where it returns the browser with the code"),
  requires_pkce: z.boolean(),
  created_at: millis,
  updated_at: millis,
});

/** `object: "enterprise_connection"`. */
export const connectionSchema = z.object({
  object: z.literal("enterprise_connection"),
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  logo_public_url: z.string().nullable(),
  active: z.boolean(),
  domains: z.array(z.string()),
  organization_id: z.string().nullable(),
  sync_user_attributes: z.boolean(),
  disable_additional_identifications: z.boolean(),
  allow_organization_account_linking: z.boolean(),
  authenticatable: z.boolean(),
  disable_jit_provisioning: z.boolean(),
  default_role: z.string().describe("The role a new member gets when no group maps to one"),
  role_mapping: z.record(z.string(), z.string()).describe("IdP group → role key"),
  saml_connection: samlConnection.nullable(),
  oauth_config: oauthConfig.nullable(),
  created_at: millis,
  updated_at: millis,
});

export type ConnectionObject = z.infer<typeof connectionSchema>;

export function connectionObject(c: Connection): ConnectionObject {
  const m = c.attributeMapping;
  return {
    object: "enterprise_connection",
    id: c.id,
    name: c.name,
    provider: c.provider,
    logo_public_url: null,
    active: c.active,
    domains: c.domains,
    organization_id: c.organizationId,
    sync_user_attributes: c.syncUserAttributes,
    disable_additional_identifications: false,
    allow_organization_account_linking: false,
    authenticatable: c.active,
    disable_jit_provisioning: false,
    default_role: c.defaultRole,
    role_mapping: c.roleMapping,
    saml_connection: isSaml(c.provider)
      ? {
          id: c.id,
          name: c.name,
          idp_entity_id: c.idpEntityId,
          idp_sso_url: c.idpSsoUrl,
          idp_metadata_url: c.idpMetadataUrl,
          idp_certificates: c.idpCertificates,
          acs_url: acsUrl(c.id),
          sp_entity_id: spEntityId(c.id),
          sp_metadata_url: spMetadataUrl(c.id),
          active: c.active,
          allow_idp_initiated: c.allowIdpInitiated,
          allow_subdomains: false,
          force_authn: c.forceAuthn,
          attribute_mapping: {
            email_address: m.email_address ?? null,
            first_name: m.first_name ?? null,
            last_name: m.last_name ?? null,
            groups: m.groups ?? null,
          },
        }
      : null,
    oauth_config: isSaml(c.provider)
      ? null
      : {
          id: c.id,
          name: c.name,
          provider_key: c.provider,
          client_id: c.oidcClientId,
          has_client_secret: c.hasClientSecret,
          discovery_url: c.oidcDiscoveryUrl,
          redirect_url: oidcCallbackUrl(c.id),
          requires_pkce: c.requiresPkce,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

/** `object: "enterprise_connection_check"`: what `clerk sso test` found. */
export const connectionCheckSchema = z.object({
  object: z.literal("enterprise_connection_check"),
  enterprise_connection_id: z.string(),
  provider: z.string(),
  ok: z.boolean().describe("No check failed (warnings allowed)"),
  give_idp: z.record(z.string(), z.string()).describe("What to enter at the IdP, by its usual label"),
  checks: z.array(
    z.object({
      check: z.string(),
      status: z.enum(["ok", "warning", "error"]),
      message: z.string().describe("What was found, and what to do when it is wrong"),
    }),
  ),
});

export type ConnectionCheckObject = z.infer<typeof connectionCheckSchema>;

export function connectionCheckObject(r: ConnectionCheckReport): ConnectionCheckObject {
  return {
    object: "enterprise_connection_check",
    enterprise_connection_id: r.connection.id,
    provider: r.connection.provider,
    ok: r.ok,
    give_idp: r.giveIdp,
    checks: r.checks,
  };
}
