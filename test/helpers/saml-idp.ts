// A real SAML 2.0 identity provider for tests: samlify (with its XML schema validator) on loopback. It reads our
// AuthnRequest (HTTP-Redirect), "logs in" whoever the test says, and answers the auto-posting form a browser
// would submit to our ACS. Knobs let a test forge what an attacker or a broken IdP would send.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import * as xmllint from "@authenio/samlify-node-xmllint";

/** The part of samlify this IdP uses. Its own types pull in the DOM library (through @xmldom), which would change
 * every test's globals, so it is loaded untyped and described here. */
interface Samlify {
  setSchemaValidator(validator: { validate(xml: string): Promise<unknown> }): void;
  IdentityProvider(settings: Record<string, unknown>): SamlifyIdp;
  ServiceProvider(settings: { metadata: string; wantMessageSigned?: boolean }): SamlifySp;
  SamlLib: { replaceTagsByValue(template: string, values: Record<string, string>): string };
  Constants: { namespace: { binding: { redirect: string; post: string } } };
}
interface SamlifySp {
  entityMeta: { getAssertionConsumerService(binding: string): string | string[]; getEntityID(): string };
}
interface SamlifyIdp {
  getMetadata(): string;
  parseLoginRequest(
    sp: SamlifySp,
    binding: string,
    req: { query: Record<string, string>; octetString?: string },
  ): Promise<{ extract: unknown }>;
  createLoginResponse(
    sp: SamlifySp,
    request: { extract: unknown },
    binding: string,
    user: Record<string, string>,
    replace: (template: string) => { id: string; context: string },
  ): Promise<{ context: string }>;
}
const { Constants, IdentityProvider, SamlLib, ServiceProvider, setSchemaValidator } = createRequire(import.meta.url)(
  "samlify",
) as Samlify;
setSchemaValidator(xmllint);

const SUPPORT = new URL("../support/sso/", import.meta.url);
/** A test key pair: `idp` signs, `rotated` is the IdP's next certificate, `rogue` is nobody's. */
export const testCert = (name: "idp" | "rotated" | "rogue") => ({
  cert: readFileSync(new URL(`${name}.cert.pem`, SUPPORT), "utf8"),
  key: readFileSync(new URL(`${name}.key.pem`, SUPPORT), "utf8"),
});

/** Who signs in, and what the IdP's response should get wrong (for the attack tests). */
export interface SamlLogin {
  email: string;
  groups?: string[];
  /** Sign with this key pair instead of the IdP's configured one. */
  signWith?: "idp" | "rotated" | "rogue";
  audience?: string;
  recipient?: string;
  /** The Response's Destination (by default our ACS). */
  destination?: string;
  /** What the IdP signs: the assertion (the default), the whole response only, or both. */
  signs?: "assertion" | "response" | "both";
  /** The request answered; null: none (IdP-initiated, the attribute left out). */
  inResponseTo?: string | null;
  /** Minutes the assertion stays valid from now (negative: already expired). */
  validForMinutes?: number;
  /** Leave every signature out. */
  unsigned?: boolean;
  /** Edit the response after it is signed, as an attacker holding a genuine one would. */
  tamper?: (xml: string) => string;
}

/** The browser's view of the IdP's answer: the form it would auto-post. */
export interface PostedForm {
  action: string;
  SAMLResponse: string;
  RelayState: string | undefined;
}

export interface TestSamlIdp {
  url: string;
  entityId: string;
  ssoUrl: string;
  /** Where the IdP serves its metadata XML (its entity id too). */
  metadataUrl: string;
  /** The signing certificates its metadata lists (the IdP's current one by default). */
  published: ("idp" | "rotated" | "rogue")[];
  /** Handles the browser's GET of the IdP's sign-in URL (our AuthnRequest) and answers the form to post. */
  login(redirect: string, spMetadataXml: string, who: SamlLogin): Promise<PostedForm>;
  close(): Promise<void>;
}

const TEMPLATE =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}"><saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
  '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}"><saml:Issuer>{Issuer}</saml:Issuer>' +
  '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{NameID}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}" InResponseTo="{InResponseTo}"/></saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>' +
  '<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue xsi:type="xs:string">{NameID}</saml:AttributeValue></saml:Attribute>{Groups}</saml:AttributeStatement>' +
  "</saml:Assertion></samlp:Response>";

const id = () => `_${randomBytes(16).toString("hex")}`;

/** Starts the IdP on a free loopback port. */
export async function startSamlIdp(): Promise<TestSamlIdp> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url === "/metadata") {
      const metadata = IdentityProvider({
        entityID: entityId,
        signingCert: published.published.map((name) => testCert(name).cert),
        nameIDFormat: ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
        singleSignOnService: [{ Binding: Constants.namespace.binding.redirect, Location: ssoUrl }],
        singleLogoutService: [{ Binding: Constants.namespace.binding.redirect, Location: `${url}/slo` }],
      }).getMetadata();
      res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(metadata);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${url}/metadata`;
  const ssoUrl = `${url}/sso`;
  const published: { published: TestSamlIdp["published"] } = { published: ["idp"] };

  const idpFor = (keys: { cert: string; key: string }) =>
    IdentityProvider({
      entityID: entityId,
      privateKey: keys.key,
      signingCert: keys.cert,
      nameIDFormat: ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
      singleSignOnService: [{ Binding: Constants.namespace.binding.redirect, Location: ssoUrl }],
      singleLogoutService: [{ Binding: Constants.namespace.binding.redirect, Location: `${url}/slo` }],
    });

  async function login(redirect: string, spMetadataXml: string, who: SamlLogin): Promise<PostedForm> {
    const target = new URL(redirect);
    if (`${target.origin}${target.pathname}` !== ssoUrl) throw new Error(`the SP sent the browser to ${redirect}`);
    const query = Object.fromEntries(target.searchParams);
    const sp = ServiceProvider({ metadata: spMetadataXml });
    // samlify signs the assertion when the SP's metadata asks for it, and the response when told to or when the
    // assertion goes unsigned: a response-only signature is what an IdP reading WantAssertionsSigned="false" sends.
    const signer =
      who.signs === "response"
        ? ServiceProvider({
            metadata: spMetadataXml.replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"'),
          })
        : who.signs === "both"
          ? ServiceProvider({ metadata: spMetadataXml, wantMessageSigned: true })
          : sp;
    const idp = idpFor(testCert(who.signWith ?? "idp"));
    // The IdP reads and validates (schema included) our AuthnRequest, as Okta or Entra would.
    const request = await idp.parseLoginRequest(sp, "redirect", { query, octetString: target.search.slice(1) });
    const acs = sp.entityMeta.getAssertionConsumerService("post") as string;
    const now = new Date();
    const until = new Date(now.getTime() + (who.validForMinutes ?? 5) * 60_000);
    const groups = (who.groups ?? [])
      .map(
        (g) =>
          `<saml:AttributeValue xsi:type="xs:string">${SamlLib.replaceTagsByValue("{G}", { G: g })}</saml:AttributeValue>`,
      )
      .join("");
    const base = who.inResponseTo === null ? TEMPLATE.replaceAll(' InResponseTo="{InResponseTo}"', "") : TEMPLATE;
    const template = base.replace("{Groups}", groups ? `<saml:Attribute Name="groups">${groups}</saml:Attribute>` : "");
    const values = {
      ID: id(),
      AssertionID: id(),
      IssueInstant: now.toISOString(),
      NotBefore: now.toISOString(),
      NotOnOrAfter: until.toISOString(),
      Destination: who.destination ?? acs,
      Recipient: who.recipient ?? acs,
      Audience: who.audience ?? sp.entityMeta.getEntityID(),
      Issuer: entityId,
      NameID: who.email,
      InResponseTo: who.inResponseTo ?? (request.extract as { request: { id: string } }).request.id,
    };
    let xml: string;
    if (who.unsigned) xml = SamlLib.replaceTagsByValue(template, values);
    else {
      const response = await idp.createLoginResponse(signer, request, "post", { email: who.email }, (t: string) => ({
        id: values.ID,
        context: SamlLib.replaceTagsByValue(template || t, values),
      }));
      xml = Buffer.from(response.context, "base64").toString("utf8");
    }
    if (who.tamper) xml = who.tamper(xml);
    return { action: acs, SAMLResponse: Buffer.from(xml, "utf8").toString("base64"), RelayState: query.RelayState };
  }

  return {
    url,
    entityId,
    ssoUrl,
    metadataUrl: entityId,
    get published() {
      return published.published;
    },
    set published(names) {
      published.published = names;
    },
    login,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
