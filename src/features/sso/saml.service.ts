// SAML 2.0 service provider with @node-saml/node-saml: the AuthnRequest (its id remembered in sso_requests),
// the ACS (signature by a configured certificate, audience, issuer, time, InResponseTo: all the library's
// checks), then clerk's own: Recipient, replay, the e-mail's domain; and the SP metadata XML.
import type { CacheProvider, Profile, SAML } from "@node-saml/node-saml";
import type { ServiceContext } from "../../context.js";
import { newId } from "../../ids.js";
import { type Connection, connectionForSignIn, toConnection } from "./connection.service.js";
import { type SignInFailure, signInRefused } from "./sso.errors.js";
import { type SignedIn, attemptSignIn, completeSignIn } from "./signin.service.js";
import type { SsoConnectionsTable } from "./sso.table.js";
import { acsUrl, checkedRedirect, publicUrl, spEntityId } from "./sso.urls.js";
import { declaresDtd, parseXml } from "./sso.xml.js";

/** How long an AuthnRequest stays answerable. */
const REQUEST_TTL_MS = 10 * 60_000;
/** How far the IdP's clock may be from ours. */
const CLOCK_SKEW_MS = 60_000;
/** A replayed assertion id is remembered at least this long (longer when the assertion says so). */
const MIN_REPLAY_MEMORY_MS = 24 * 60 * 60_000;

interface SamlOptions {
  cache: CacheProvider;
  requestId?: string | undefined;
}

/** node-saml and its XML stack load on the first SAML request, not with every process that knows SSO (the CLI). */
async function samlFor(connection: Connection, options: SamlOptions): Promise<SAML> {
  const { SAML, ValidateInResponseTo } = await import("@node-saml/node-saml");
  return new SAML({
    idpCert: connection.idpCertificates,
    idpIssuer: connection.idpEntityId ?? undefined,
    issuer: spEntityId(connection.id),
    audience: spEntityId(connection.id),
    callbackUrl: acsUrl(connection.id),
    entryPoint: connection.idpSsoUrl ?? undefined,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: connection.allowIdpInitiated ? ValidateInResponseTo.ifPresent : ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    cacheProvider: options.cache,
    forceAuthn: connection.forceAuthn,
    disableRequestedAuthnContext: true,
    identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    ...(options.requestId ? { generateUniqueId: () => options.requestId as string } : {}),
  });
}

/** A cache that remembers nothing: for the metadata, which starts no request. */
const NO_CACHE: CacheProvider = {
  saveAsync: async () => null,
  getAsync: async () => null,
  removeAsync: async () => null,
};

function activeSaml(row: SsoConnectionsTable): Connection {
  const connection = toConnection(row);
  if (!connection.active || !connection.provider.startsWith("saml_"))
    throw signInRefused("connection_inactive", `Enterprise connection ${row.id} is not an active SAML connection.`);
  return connection;
}

/** The SP metadata XML to give the IdP (entity id, ACS URL, wants signed assertions). */
export async function spMetadata(ctx: ServiceContext, connectionId: string): Promise<string> {
  const connection = toConnection(await connectionForSignIn(ctx, connectionId));
  return (
    await samlFor({ ...connection, idpCertificates: ["unused"] }, { cache: NO_CACHE })
  ).generateServiceProviderMetadata(null);
}

/**
 * Starts an SP-initiated sign-in: remembers the AuthnRequest's id (with where to return) and answers the
 * IdP URL to send the browser to. The redirect_url is checked against the allow-list now, before the IdP.
 */
export async function startSamlSignIn(
  ctx: ServiceContext,
  connectionId: string,
  input: { redirectUrl?: string | undefined },
): Promise<{ url: string }> {
  const connection = activeSaml(await connectionForSignIn(ctx, connectionId));
  const redirectUrl = checkedRedirect(input.redirectUrl);
  const now = ctx.clock.now();
  const requestId = newId("ssor", now);
  const cache: CacheProvider = {
    saveAsync: async (key) => {
      await ctx.db
        .insertInto("sso_requests")
        .values({
          id: requestId,
          connection_id: connection.id,
          request_key: key,
          nonce: null,
          code_verifier: null,
          redirect_url: redirectUrl,
          expire_at: now + REQUEST_TTL_MS,
          created_at: now,
        })
        .execute();
      return { value: key, createdAt: now };
    },
    getAsync: async () => null,
    removeAsync: async () => null,
  };
  // Expired requests go as new ones come, so the table holds only what can still be answered.
  await ctx.db.deleteFrom("sso_requests").where("expire_at", "<=", now).execute();
  const url = await (await samlFor(connection, { cache, requestId })).getAuthorizeUrlAsync(requestId, undefined, {});
  return { url };
}

/** The reason word for what the library refused (its messages are not codes, so they are matched here, once). */
function failureOf(message: string): SignInFailure {
  if (/InResponseTo/i.test(message)) return "unknown_request";
  if (/signature/i.test(message)) return "invalid_signature";
  if (/audience/i.test(message)) return "wrong_audience";
  if (/expired|NotOnOrAfter|NotBefore|subject confirmation/i.test(message)) return "expired";
  return "invalid_response";
}

/**
 * What clerk checks on the response document itself, beyond the library: no DOCTYPE at all (a DTD can declare
 * external entities, XXE), and the Response's Destination, when the IdP names one, is our ACS.
 */
function responseDocument(samlResponse: string): { doctype: boolean; destination: string | undefined } {
  const xml = Buffer.from(samlResponse, "base64").toString("utf8");
  const document = parseXml(xml);
  return {
    doctype: declaresDtd(xml, document),
    destination: document?.documentElement?.getAttribute("Destination") || undefined,
  };
}

/** The assertion's id, its Recipient and when it stops being valid, from what the library parsed and verified. */
function assertionFacts(profile: Profile): { id: string; recipient: string | undefined; notOnOrAfter: number } {
  const parsed = (profile.getAssertion?.() ?? {}) as {
    Assertion?: {
      $?: { ID?: string };
      Subject?: { SubjectConfirmation?: { SubjectConfirmationData?: { $?: Record<string, string> }[] }[] }[];
      Conditions?: { $?: { NotOnOrAfter?: string } }[];
    };
  };
  const assertion = parsed.Assertion ?? {};
  const data = assertion.Subject?.[0]?.SubjectConfirmation?.[0]?.SubjectConfirmationData?.[0]?.$ ?? {};
  const until = Date.parse(assertion.Conditions?.[0]?.$?.NotOnOrAfter ?? data.NotOnOrAfter ?? "");
  return { id: assertion.$?.ID ?? "", recipient: data.Recipient, notOnOrAfter: Number.isNaN(until) ? 0 : until };
}

function attribute(profile: Profile, name: string | null | undefined): unknown {
  if (!name) return undefined;
  return (profile.attributes as Record<string, unknown> | undefined)?.[name];
}

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter(
    (v): v is string => typeof v === "string",
  );

/**
 * The ACS: verifies the IdP's POSTed response, then signs the user in. Any failure undoes everything and
 * leaves one `sso.signin_failed` audit event naming the reason.
 */
export async function finishSamlSignIn(
  ctx: ServiceContext,
  connectionId: string,
  form: { SAMLResponse?: string | undefined; RelayState?: string | undefined },
): Promise<SignedIn> {
  const row = await connectionForSignIn(ctx, connectionId);
  return attemptSignIn(ctx, { id: row.id, organizationId: row.organization_id }, async (tx) => {
    const connection = activeSaml(row);
    const now = tx.clock.now();
    let request: { redirect_url: string } | undefined;
    // The outstanding requests are the library's InResponseTo cache: one answer per request, then it is gone.
    const cache: CacheProvider = {
      saveAsync: async () => null,
      getAsync: async (key) => {
        const found = await tx.db
          .selectFrom("sso_requests")
          .select(["redirect_url", "created_at"])
          .where("connection_id", "=", connection.id)
          .where("request_key", "=", key)
          .where("expire_at", ">", now)
          .executeTakeFirst();
        request = found;
        return found ? new Date(found.created_at).toISOString() : null;
      },
      removeAsync: async (key) => {
        if (key === null) return null;
        await tx.db
          .deleteFrom("sso_requests")
          .where("connection_id", "=", connection.id)
          .where("request_key", "=", key)
          .execute();
        return key;
      },
    };
    const document = responseDocument(form.SAMLResponse ?? "");
    if (document.doctype)
      throw signInRefused(
        "forbidden_dtd",
        "The SAML response carries a DOCTYPE; a DTD can declare external entities (XXE), so clerk refuses any.",
      );
    let profile: Profile | null;
    try {
      ({ profile } = await (
        await samlFor(connection, { cache })
      ).validatePostResponseAsync({
        SAMLResponse: form.SAMLResponse ?? "",
      }));
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const reason = failureOf(message);
      throw signInRefused(reason, `The SAML response was refused: ${message}`, cause);
    }
    if (!profile) throw signInRefused("invalid_response", "The SAML response signs nobody in.");
    if (document.destination !== undefined && document.destination !== acsUrl(connection.id))
      throw signInRefused(
        "wrong_destination",
        `The response is addressed (Destination) to ${document.destination}, not to ${acsUrl(connection.id)}.`,
      );
    const facts = assertionFacts(profile);
    if (facts.recipient !== acsUrl(connection.id))
      throw signInRefused(
        "recipient_mismatch",
        `The assertion is addressed to ${facts.recipient ?? "no Recipient"}, not to ${acsUrl(connection.id)}.`,
      );
    if (!facts.id) throw signInRefused("invalid_response", "The assertion has no ID.");
    // An assertion signs in once: its id is kept until it would have expired anyway.
    await tx.db.deleteFrom("sso_replays").where("expire_at", "<=", now).execute();
    const seen = await tx.db
      .selectFrom("sso_replays")
      .select("assertion_id")
      .where("connection_id", "=", connection.id)
      .where("assertion_id", "=", facts.id)
      .executeTakeFirst();
    if (seen) throw signInRefused("replayed", `The assertion ${facts.id} was already used to sign in.`);
    await tx.db
      .insertInto("sso_replays")
      .values({
        connection_id: connection.id,
        assertion_id: facts.id,
        expire_at: Math.max(facts.notOnOrAfter + CLOCK_SKEW_MS, now + MIN_REPLAY_MEMORY_MS),
      })
      .execute();
    const mapping = connection.attributeMapping;
    const email =
      strings(attribute(profile, mapping.email_address))[0] ??
      strings(profile.email)[0] ??
      strings(attribute(profile, "email"))[0] ??
      (profile.nameIDFormat?.endsWith(":emailAddress") ? profile.nameID : undefined);
    const groups = strings(attribute(profile, mapping.groups ?? "groups"));
    const redirectUrl = request ? request.redirect_url : `${publicUrl()}/`;
    return completeSignIn(tx, connection, { email: email ?? "", groups, proof: facts.id }, redirectUrl);
  });
}
