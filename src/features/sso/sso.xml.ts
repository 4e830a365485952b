// XML for SSO through @xmldom/xmldom (node-saml's own parser): the response document's DOCTYPE and Destination,
// and the IdP's metadata. Its types pull in the DOM library, which would change every file's globals, so it is
// loaded untyped and the part read here is described.
import { createRequire } from "node:module";

export interface XmlElement {
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlElement>;
  textContent: string | null;
}

export interface XmlDocument {
  doctype: unknown;
  documentElement: (XmlElement & { localName: string; namespaceURI: string | null }) | null;
}

type XmlDom = {
  DOMParser: new (options: { errorHandler: Record<"warning" | "error" | "fatalError", () => void> }) => {
    parseFromString(source: string, mimeType: string): XmlDocument | undefined;
  };
};
const require = createRequire(import.meta.url);

/** The document, or undefined when nothing parses (what does not parse is for the caller to refuse). */
export function parseXml(xml: string): XmlDocument | undefined {
  // Required on first use: a CLI command that never reads XML does not load the parser.
  const { DOMParser } = require("@xmldom/xmldom") as XmlDom;
  const ignore = () => undefined;
  return new DOMParser({ errorHandler: { warning: ignore, error: ignore, fatalError: ignore } }).parseFromString(
    xml,
    "text/xml",
  );
}

/** Whether the text declares a DTD or entities (XXE): refused wherever clerk reads XML from outside. */
export function declaresDtd(xml: string, document: XmlDocument | undefined): boolean {
  return Boolean(document?.doctype) || /<!DOCTYPE|<!ENTITY/i.test(xml);
}

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/** What an IdP's metadata says: its entity id, HTTP-Redirect sign-in URL and signing certificates (base64). */
export interface IdpMetadata {
  entityId: string | undefined;
  ssoUrl: string | undefined;
  certificates: string[];
}

/** Reads the first IdP in a metadata document (an EntityDescriptor, or the first inside EntitiesDescriptor). */
export function idpMetadata(xml: string): IdpMetadata | { error: string } {
  const document = parseXml(xml);
  if (declaresDtd(xml, document)) return { error: "the metadata declares a DOCTYPE; clerk refuses any (XXE)" };
  const root = document?.documentElement;
  if (!root || root.namespaceURI !== MD) return { error: "the document is not SAML 2.0 metadata" };
  const entity = root.localName === "EntityDescriptor" ? root : root.getElementsByTagNameNS(MD, "EntityDescriptor")[0];
  const idp = entity?.getElementsByTagNameNS(MD, "IDPSSODescriptor")[0];
  if (!entity || !idp) return { error: "the metadata describes no identity provider (IDPSSODescriptor)" };
  const services = Array.from(idp.getElementsByTagNameNS(MD, "SingleSignOnService"));
  const certificates = Array.from(idp.getElementsByTagNameNS(MD, "KeyDescriptor"))
    .filter((k) => (k.getAttribute("use") ?? "signing") === "signing")
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(DS, "X509Certificate")))
    .map((c) => (c.textContent ?? "").replace(/\s+/g, ""))
    .filter(Boolean);
  return {
    entityId: entity.getAttribute("entityID") ?? undefined,
    ssoUrl: services.find((s) => s.getAttribute("Binding") === REDIRECT)?.getAttribute("Location") ?? undefined,
    certificates: [...new Set(certificates)],
  };
}
