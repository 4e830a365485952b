// SSO: enterprise connections (an organization's SAML or OIDC identity provider), the sign-ins they have
// started and not finished, and the assertion ids already consumed (so none is accepted twice).

/** A row of `sso_connections`. JSON columns hold text; booleans are 0/1. */
export interface SsoConnectionsTable {
  id: string;
  organization_id: string;
  name: string;
  /** saml_custom | saml_okta | saml_google | saml_microsoft | oidc_custom */
  provider: string;
  active: number;
  /** JSON array of lowercased domains; a domain belongs to one connection. */
  domains: string;
  sync_user_attributes: number;
  allow_idp_initiated: number;
  force_authn: number;
  idp_entity_id: string | null;
  idp_sso_url: string | null;
  /** JSON array of PEM certificates: every one is accepted, so an IdP can rotate without downtime. */
  idp_certificates: string;
  idp_metadata_url: string | null;
  idp_metadata: string | null;
  /** JSON object: which assertion attribute holds email_address, first_name, last_name, groups. */
  attribute_mapping: string;
  oidc_discovery_url: string | null;
  oidc_client_id: string | null;
  /** The client secret sealed under the master key; never shown again. */
  oidc_client_secret: string | null;
  requires_pkce: number;
  /** The role key a new member gets when no group maps to a role. */
  default_role: string;
  /** JSON object: IdP group name → role key. */
  role_mapping: string;
  created_at: number;
  updated_at: number;
}

/** A row of `sso_requests`: a sign-in started at the IdP and not yet finished (or expired). */
export interface SsoRequestsTable {
  id: string;
  connection_id: string;
  /** The SAML AuthnRequest id, or the OIDC `state`. */
  request_key: string;
  /** OIDC only: the nonce and the PKCE verifier, sealed. */
  nonce: string | null;
  code_verifier: string | null;
  redirect_url: string;
  expire_at: number;
  created_at: number;
}

/** A row of `sso_replays`: an assertion id consumed once, kept until the assertion would have expired. */
export interface SsoReplaysTable {
  connection_id: string;
  assertion_id: string;
  expire_at: number;
}
