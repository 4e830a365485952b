// Input shapes of enterprise connections, spelled as Clerk's Backend API spells them (plus clerk's role mapping).
import { z } from "zod";
import { domainNameSchema } from "../domains/index.js";

export const PROVIDERS = ["saml_custom", "saml_okta", "saml_google", "saml_microsoft", "oidc_custom"] as const;
export const providerSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof providerSchema>;

export const isSaml = (provider: string): boolean => provider.startsWith("saml_");

const httpsUrl = z.url({ protocol: /^https?$/ });

/** Which assertion attribute (or OIDC claim) holds each field; null or absent: the usual names. */
export const attributeMappingSchema = z
  .object({
    email_address: z.string().min(1).nullish(),
    first_name: z.string().min(1).nullish(),
    last_name: z.string().min(1).nullish(),
    groups: z.string().min(1).nullish(),
  })
  .strict();

const samlBody = z
  .object({
    idp_entity_id: z.string().min(1).nullish().describe("The IdP's entity id (its Issuer)"),
    idp_sso_url: httpsUrl.nullish().describe("Where sign-in requests are sent (HTTP-Redirect binding)"),
    idp_certificate: z.string().min(1).nullish().describe("One IdP signing certificate (PEM)"),
    idp_certificates: z
      .array(z.string().min(1))
      .max(5)
      .nullish()
      .describe("Every IdP signing certificate accepted (PEM): list the old and new one while the IdP rotates"),
    idp_metadata_url: httpsUrl.nullish(),
    idp_metadata: z.string().min(1).nullish(),
    attribute_mapping: attributeMappingSchema.nullish(),
    allow_subdomains: z.boolean().nullish(),
    allow_idp_initiated: z
      .boolean()
      .nullish()
      .describe("Accept responses no request of ours asked for (off by default)"),
    force_authn: z.boolean().nullish(),
  })
  .strict();

const oidcBody = z
  .object({
    client_id: z.string().min(1).nullish(),
    client_secret: z.string().min(1).nullish().describe("Sealed under the master key; never shown again"),
    discovery_url: httpsUrl.nullish().describe("The issuer, or its /.well-known/openid-configuration"),
    requires_pkce: z.boolean().nullish(),
  })
  .strict();

const roleKey = z.string().trim().min(1);
const common = {
  name: z.string().trim().min(1).max(256).describe("the display name"),
  domains: z
    .array(domainNameSchema)
    .min(1)
    .max(10)
    .describe("the e-mail domains whose users sign in through it (comma-separated in the CLI)"),
  active: z
    .boolean()
    .nullish()
    .describe("default: active once the IdP settings are complete and every domain is verified"),
  sync_user_attributes: z.boolean().nullish().describe("Update mapped roles on every sign-in"),
  saml: samlBody
    .nullish()
    .describe("SAML IdP settings (JSON): idp_entity_id, idp_sso_url, idp_certificate(s), attribute_mapping, …"),
  oidc: oidcBody.nullish().describe("OIDC settings (JSON): discovery_url, client_id, client_secret, requires_pkce"),
  default_role: roleKey.nullish().describe("The role a new member gets (default: the instance's default role)"),
  role_mapping: z
    .record(z.string().min(1), roleKey)
    .nullish()
    .describe('IdP group → role key, e.g. {"eng-leads": "org:tech_lead"}'),
};

export const createConnectionBody = z
  .object({
    ...common,
    provider: providerSchema.describe(PROVIDERS.join(" | ")),
    organization_id: z.string().trim().min(1).describe("The organization (id or slug) its users join"),
  })
  .strict();
export type CreateConnectionBody = z.output<typeof createConnectionBody>;

export const updateConnectionBody = z
  .object({
    name: common.name.nullish(),
    domains: z.array(domainNameSchema).max(10).nullish().describe("Replaces the list; empty: no change"),
    active: common.active,
    sync_user_attributes: common.sync_user_attributes,
    saml: common.saml,
    oidc: common.oidc,
    default_role: common.default_role,
    role_mapping: common.role_mapping,
  })
  .strict();
export type UpdateConnectionBody = z.output<typeof updateConnectionBody>;
