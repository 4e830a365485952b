// `clerk sso test`: checks a connection end to end without a browser. It reads the IdP's metadata (by URL or the
// XML kept) or the OIDC discovery document, reads every certificate (parsing, validity dates), compares what the
// IdP publishes with what clerk accepts, and says in words what is wrong and what to give the IdP.
import { X509Certificate } from "node:crypto";
import type { ServiceContext } from "../../context.js";
import { type Connection, connectionForSignIn, getConnection, unverifiedDomain } from "./connection.service.js";
import { oidcServerMetadata } from "./oidc.service.js";
import { isSaml } from "./sso.schema.js";
import { acsUrl, oidcCallbackUrl, spEntityId, spMetadataUrl } from "./sso.urls.js";
import { fetchText, reason } from "./sso.fetch.js";
import { idpMetadata } from "./sso.xml.js";

export type CheckStatus = "ok" | "warning" | "error";

export interface ConnectionCheck {
  check: string;
  status: CheckStatus;
  message: string;
}

export interface ConnectionCheckReport {
  connection: Connection;
  ok: boolean;
  giveIdp: Record<string, string>;
  checks: ConnectionCheck[];
}

/** A certificate's last weeks: warned about, so the new one is listed before the IdP switches. */
const EXPIRY_WARNING_MS = 30 * 24 * 60 * 60_000;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function certificateChecks(now: number, pems: readonly string[]): ConnectionCheck[] {
  return pems.map((pem, i) => {
    const check = `certificate ${i + 1}`;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      return { check, status: "error", message: "is not a readable X.509 certificate; paste the IdP's PEM again" };
    }
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    const who = `${cert.subject.replace(/\n/g, ", ")} (SHA-256 ${cert.fingerprint256.slice(0, 23)}…)`;
    if (now < from)
      return { check, status: "error", message: `${who} is not valid before ${day(from)}; its clock or ours is off` };
    if (now >= to)
      return {
        check,
        status: "error",
        message: `${who} expired on ${day(to)}; add the IdP's current certificate and drop this one`,
      };
    if (to - now < EXPIRY_WARNING_MS)
      return {
        check,
        status: "warning",
        message: `${who} expires on ${day(to)}; add the IdP's next certificate now (both are accepted), then drop this one`,
      };
    return { check, status: "ok", message: `${who} is valid until ${day(to)}` };
  });
}

const fingerprint = (pemOrBase64: string): string | undefined => {
  const body = pemOrBase64.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  try {
    return new X509Certificate(Buffer.from(body, "base64")).fingerprint256;
  } catch {
    return undefined;
  }
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

async function samlChecks(ctx: ServiceContext, c: Connection): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  const missing = [
    c.idpEntityId ? undefined : "the IdP's entity id (saml.idp_entity_id)",
    c.idpSsoUrl ? undefined : "the IdP's sign-in URL (saml.idp_sso_url)",
    c.idpCertificates.length > 0 ? undefined : "a signing certificate (saml.idp_certificates)",
  ].filter((m): m is string => m !== undefined);
  checks.push(
    missing.length === 0
      ? { check: "settings", status: "ok", message: "entity id, sign-in URL and certificates are set" }
      : { check: "settings", status: "error", message: `missing ${missing.join(", ")}` },
  );
  if (c.idpSsoUrl && new URL(c.idpSsoUrl).protocol !== "https:" && !LOOPBACK.has(new URL(c.idpSsoUrl).hostname))
    checks.push({ check: "sign-in URL", status: "warning", message: `${c.idpSsoUrl} is not https` });
  checks.push(...certificateChecks(ctx.clock.now(), c.idpCertificates));

  let xml: string | undefined;
  let source = "the metadata kept";
  if (c.idpMetadataUrl) {
    source = c.idpMetadataUrl;
    try {
      xml = await fetchText(c.idpMetadataUrl);
    } catch (e) {
      checks.push({ check: "metadata", status: "error", message: `${source} could not be read: ${reason(e)}` });
    }
  } else if (c.idpMetadata) xml = c.idpMetadata;
  if (xml === undefined) return checks;
  const meta = idpMetadata(xml);
  if ("error" in meta) {
    checks.push({ check: "metadata", status: "error", message: `${source}: ${meta.error}` });
    return checks;
  }
  checks.push({ check: "metadata", status: "ok", message: `read ${source}` });
  if (meta.entityId !== undefined && meta.entityId !== c.idpEntityId)
    checks.push({
      check: "entity id",
      status: "error",
      message: `the metadata names ${meta.entityId}, the connection expects ${c.idpEntityId ?? "nothing"}`,
    });
  if (meta.ssoUrl !== undefined && meta.ssoUrl !== c.idpSsoUrl)
    checks.push({
      check: "sign-in URL",
      status: "error",
      message: `the metadata's HTTP-Redirect sign-in URL is ${meta.ssoUrl}, the connection uses ${c.idpSsoUrl ?? "nothing"}`,
    });
  const accepted = new Set(c.idpCertificates.map(fingerprint));
  const published = new Set(meta.certificates.map(fingerprint));
  const unaccepted = meta.certificates.filter((cert) => !accepted.has(fingerprint(cert)));
  if (unaccepted.length > 0)
    checks.push({
      check: "rotation",
      status: "error",
      message: `the IdP publishes ${unaccepted.length} signing certificate(s) clerk does not accept; add them (clerk sso update … --saml '{"idp_certificates":[…]}') or its responses will be refused`,
    });
  const stale = c.idpCertificates.filter((cert) => !published.has(fingerprint(cert)));
  if (stale.length > 0 && unaccepted.length === 0)
    checks.push({
      check: "rotation",
      status: "warning",
      message: `${stale.length} accepted certificate(s) are no longer in the IdP's metadata; drop them once the rotation is done`,
    });
  return checks;
}

async function oidcChecks(ctx: ServiceContext, c: Connection): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  const missing = [
    c.oidcDiscoveryUrl ? undefined : "the discovery URL (oidc.discovery_url)",
    c.oidcClientId ? undefined : "the client id (oidc.client_id)",
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    checks.push({ check: "settings", status: "error", message: `missing ${missing.join(", ")}` });
    return checks;
  }
  checks.push({
    check: "settings",
    status: c.hasClientSecret ? "ok" : "warning",
    message: c.hasClientSecret
      ? "discovery URL, client id and secret are set"
      : "no client secret: only a public client with PKCE can work this way",
  });
  let metadata: Awaited<ReturnType<typeof oidcServerMetadata>>;
  try {
    metadata = await oidcServerMetadata(ctx, await connectionForSignIn(ctx, c.id));
  } catch (e) {
    checks.push({ check: "discovery", status: "error", message: reason(e) });
    return checks;
  }
  checks.push({ check: "discovery", status: "ok", message: `issuer ${metadata.issuer}` });
  if (!metadata.jwks_uri) {
    checks.push({
      check: "keys",
      status: "error",
      message: "the provider publishes no jwks_uri, so its ID tokens' signatures cannot be checked",
    });
  } else {
    try {
      const jwks = JSON.parse(await fetchText(metadata.jwks_uri)) as { keys?: unknown[] };
      const n = Array.isArray(jwks.keys) ? jwks.keys.length : 0;
      checks.push(
        n > 0
          ? { check: "keys", status: "ok", message: `${n} signing key(s) at ${metadata.jwks_uri}` }
          : { check: "keys", status: "error", message: `${metadata.jwks_uri} holds no keys` },
      );
    } catch (e) {
      checks.push({ check: "keys", status: "error", message: `${metadata.jwks_uri} could not be read: ${reason(e)}` });
    }
  }
  if (c.requiresPkce && !(metadata.code_challenge_methods_supported ?? []).includes("S256"))
    checks.push({
      check: "pkce",
      status: "warning",
      message: "the provider does not announce S256 PKCE; if sign-ins fail, set oidc.requires_pkce to false",
    });
  return checks;
}

async function domainCheck(ctx: ServiceContext, c: Connection): Promise<ConnectionCheck> {
  const unverified = await unverifiedDomain(ctx, await connectionForSignIn(ctx, c.id));
  return unverified === undefined
    ? { check: "domains", status: "ok", message: `${c.domains.join(", ")} verified by the organization` }
    : {
        check: "domains",
        status: "error",
        message: `${unverified} is not verified by the organization; nobody signs in for it until it is (clerk org domain verify ${unverified} --method dns)`,
      };
}

/** Checks a connection; every problem found is a check with status `error` (or `warning`), none is thrown. */
export async function checkConnection(ctx: ServiceContext, id: string): Promise<ConnectionCheckReport> {
  const connection = await getConnection(ctx, id);
  const saml = isSaml(connection.provider);
  const giveIdp: Record<string, string> = saml
    ? {
        "ACS URL (reply URL)": acsUrl(connection.id),
        "SP entity id (audience)": spEntityId(connection.id),
        "SP metadata": spMetadataUrl(connection.id),
        "name id format": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      }
    : { "redirect URI": oidcCallbackUrl(connection.id), scopes: "openid email profile" };
  const checks = [
    {
      check: "status",
      status: connection.active ? "ok" : "warning",
      message: connection.active ? "active" : "inactive: nobody signs in through it until it is activated",
    } satisfies ConnectionCheck,
    await domainCheck(ctx, connection),
    ...(saml ? await samlChecks(ctx, connection) : await oidcChecks(ctx, connection)),
  ];
  return { connection, ok: checks.every((c) => c.status !== "error"), giveIdp, checks };
}
