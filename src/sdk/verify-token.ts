// Verifies a session token with node:crypto alone: the key decides the algorithm, claims are checked like Clerk's SDK.
import { type JsonWebKey, verify as cryptoVerify } from "node:crypto";
import { type Clock, systemClock } from "../clock.js";
import { type DecodedOrg, decodeOrgClaims } from "./claims.js";
import { JwksCache } from "./jwks-cache.js";
import { type TokenAlgorithm, type VerificationKey, importLocalKey } from "./jwt-keys.js";
import { TokenVerificationError } from "./token-errors.js";

/** Where the verification keys come from, and the rules a token's claims must meet. */
export interface VerifyTokenOptions {
  /** A JWKS endpoint, e.g. `https://clerk.example.com/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** A public key (PEM or JWK) for networkless verification; the token's `kid` is then not consulted. */
  jwtKey?: string | JsonWebKey;
  /** With `secretKey` and no `jwksUrl`: keys come from `GET {apiUrl}/v1/jwks`, as Clerk's SDK does. */
  apiUrl?: string;
  secretKey?: string;
  /** Required `iss`: a value, a list, or a predicate. Not checked when absent. */
  issuer?: string | readonly string[] | ((iss: string) => boolean);
  /** When non-empty, `azp` must be present and one of these origins. */
  authorizedParties?: readonly string[];
  /** Tolerance for `exp`, `nbf` and `iat`. Default 5000 ms. */
  clockSkewMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
}

/** The registered claims of a session token; org claims and `cx` ride along as further members. */
export interface SessionTokenPayload {
  sub: string;
  sid?: string;
  iss?: string;
  azp?: string;
  iat?: number;
  nbf?: number;
  exp: number;
  jti?: string;
  [claim: string]: unknown;
}

/** A token that passed every check: its claims, and its organization claims decoded. */
export interface VerifiedToken {
  payload: SessionTokenPayload;
  org: DecodedOrg;
}

/** A verifier bound to one key source and one set of claim rules; build it once and reuse it. */
export interface TokenVerifier {
  /** Verifies a token, fetching the JWKS when the token's key is not loaded yet. */
  verify(token: string): Promise<VerifiedToken>;
  /**
   * Verifies a token without any I/O. Always works with `jwtKey`; with a JWKS, once the token's key was
   * loaded by `verify` or `warm`, otherwise it throws reason `jwk-not-loaded`.
   */
  verifySync(token: string): VerifiedToken;
  /** Loads the JWKS now (a no-op with `jwtKey`), so `verifySync` can answer from the first request. */
  warm(): Promise<void>;
}

interface KeySource {
  peek(kid: string | undefined): VerificationKey | undefined;
  get(kid: string | undefined): Promise<VerificationKey>;
  warm(): Promise<void>;
}

interface Header {
  alg: TokenAlgorithm;
  kid: string | undefined;
}

const ALGORITHMS: ReadonlySet<string> = new Set<TokenAlgorithm>(["RS256", "ES256", "EdDSA"]);
// Parsed headers by their base64url text: a key's tokens all share one header, so most calls skip a parse.
const headers = new Map<string, Header>();
const HEADER_CACHE_SIZE = 256;

const invalid = (message: string) => new TokenVerificationError("token-invalid", message);

/**
 * Decodes one JWT segment as strict base64url: only `A-Z a-z 0-9 - _`, no padding, no spaces, and the one
 * canonical spelling of its bytes. Node's decoder skips whatever it cannot read, so `sig!!`, `sig==` or
 * `si g` would otherwise verify like `sig`: a token must have exactly one accepted form.
 */
function decodeSegment(segment: string, part: "header" | "payload" | "signature"): Buffer {
  const bytes = Buffer.from(segment, "base64url");
  // Encoding is canonical (no padding, unused bits zero), so any other spelling of these bytes differs.
  if (bytes.toString("base64url") !== segment) throw invalid(`The token ${part} is not strict base64url.`);
  return bytes;
}

function parseHeader(segment: string): Header {
  const cached = headers.get(segment);
  if (cached !== undefined) return cached;
  const bytes = decodeSegment(segment, "header");
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw invalid("The token header is not base64url-encoded JSON.");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalid("The token header is not a JSON object.");
  // jku, x5u, jwk and x5c are never read: a token does not get to say which key verifies it.
  const { alg, kid, typ, crit } = raw as Record<string, unknown>;
  if (typeof alg !== "string" || !ALGORITHMS.has(alg)) {
    throw new TokenVerificationError(
      "token-invalid-algorithm",
      `Token alg ${JSON.stringify(alg)} is not accepted; expected one of ${[...ALGORITHMS].join(", ")}.`,
    );
  }
  if (typ !== undefined && typ !== "JWT") throw invalid(`Token typ ${JSON.stringify(typ)} is not "JWT".`);
  if (crit !== undefined)
    throw new TokenVerificationError(
      "token-invalid-header",
      "The token header lists crit extensions; none are supported.",
    );
  if (kid !== undefined && typeof kid !== "string") throw invalid("The token kid is not a string.");
  const header: Header = { alg: alg as TokenAlgorithm, kid };
  if (headers.size >= HEADER_CACHE_SIZE) headers.clear();
  headers.set(segment, header);
  return header;
}

function checkSignature(token: string, dot2: number, header: Header, key: VerificationKey): void {
  if (header.alg !== key.alg) {
    throw new TokenVerificationError(
      "token-invalid-algorithm",
      `Token alg ${header.alg} differs from ${key.alg}, the algorithm of key ${key.kid ?? "jwtKey"}.`,
    );
  }
  const signature = decodeSegment(token.slice(dot2 + 1), "signature");
  if (
    signature.length !== key.signatureLength ||
    !cryptoVerify(key.digest, Buffer.from(token.slice(0, dot2), "latin1"), key.verifyKey, signature)
  ) {
    throw new TokenVerificationError("token-invalid-signature", "The token signature is invalid.");
  }
}

function checkClaims(payload: SessionTokenPayload, options: VerifyTokenOptions, now: number): void {
  const skew = options.clockSkewMs ?? 5_000;
  if (typeof payload.sub !== "string")
    throw new TokenVerificationError("token-invalid-subject", "The token sub is missing or not a string.");
  const parties = options.authorizedParties;
  if (
    parties !== undefined &&
    parties.length > 0 &&
    (typeof payload.azp !== "string" || !parties.includes(payload.azp))
  ) {
    throw new TokenVerificationError(
      "token-invalid-authorized-parties",
      `Token azp ${JSON.stringify(payload.azp)} is not one of the authorized parties.`,
    );
  }
  const issuer = options.issuer;
  if (issuer !== undefined) {
    const iss = payload.iss;
    const ok =
      typeof iss === "string" &&
      (typeof issuer === "string" ? iss === issuer : typeof issuer === "function" ? issuer(iss) : issuer.includes(iss));
    if (!ok)
      throw new TokenVerificationError(
        "token-invalid-issuer",
        `Token iss ${JSON.stringify(iss)} is not the expected issuer.`,
      );
  }
  const { exp, nbf, iat } = payload;
  if (typeof exp !== "number" || exp * 1000 <= now - skew)
    throw new TokenVerificationError(
      "token-expired",
      typeof exp === "number" ? "The token has expired." : "The token has no exp.",
    );
  if (nbf !== undefined && (typeof nbf !== "number" || nbf * 1000 > now + skew))
    throw new TokenVerificationError("token-not-active-yet", "The token is not valid yet (nbf).");
  if (iat !== undefined && (typeof iat !== "number" || iat * 1000 > now + skew))
    throw new TokenVerificationError("token-iat-in-the-future", "The token was issued in the future (iat).");
}

function keySource(options: VerifyTokenOptions, clock: Clock): KeySource {
  if (options.jwtKey !== undefined) {
    const key = importLocalKey(options.jwtKey);
    // Like Clerk's SDK: with a single local key the kid is not consulted.
    return { peek: () => key, get: async () => key, warm: async () => undefined };
  }
  const apiUrl = options.apiUrl?.replace(/\/+$/, "");
  const url = options.jwksUrl ?? (apiUrl && options.secretKey ? `${apiUrl}/v1/jwks` : undefined);
  if (url === undefined) throw new TypeError("verifyToken needs jwksUrl, jwtKey, or apiUrl with secretKey.");
  const headers = options.jwksUrl === undefined ? { authorization: `Bearer ${options.secretKey}` } : undefined;
  const cache = new JwksCache({ url, headers, fetch: options.fetch, clock });
  const noKid = () =>
    new TokenVerificationError("jwk-kid-mismatch", "The token has no kid; a JWKS key cannot be chosen.");
  return {
    peek: (kid) => (kid === undefined ? undefined : cache.peek(kid)),
    get: async (kid) => {
      if (kid === undefined) throw noKid();
      return cache.get(kid);
    },
    warm: () => cache.refresh(),
  };
}

/**
 * Builds a verifier for one key source and one set of claim rules. Keys are imported once; with a
 * JWKS they are cached for 5 minutes and refreshed at most every 10 s on an unknown `kid`.
 * @throws TypeError when no key source is given or `jwtKey` is not a usable public key.
 * @example
 * const verifier = createVerifier({ jwksUrl: "http://127.0.0.1:3000/.well-known/jwks.json", authorizedParties: ["https://app.example.com"] });
 * await verifier.warm();
 * const { payload, org } = verifier.verifySync(token); // no I/O once the key is loaded
 */
export function createVerifier(options: VerifyTokenOptions): TokenVerifier {
  const clock = options.clock ?? systemClock;
  return verifierWith(options, keySource(options, clock), clock);
}

function verifierWith(options: VerifyTokenOptions, source: KeySource, clock: Clock): TokenVerifier {
  function finish(token: string, dot1: number, dot2: number, header: Header, key: VerificationKey): VerifiedToken {
    const bytes = decodeSegment(token.slice(dot1 + 1, dot2), "payload");
    checkSignature(token, dot2, header, key);
    let payload: unknown;
    try {
      payload = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw invalid("The token payload is not base64url-encoded JSON.");
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload))
      throw invalid("The token payload is not a JSON object.");
    checkClaims(payload as SessionTokenPayload, options, clock.now());
    return { payload: payload as SessionTokenPayload, org: decodeOrgClaims(payload as Record<string, unknown>) };
  }

  function split(token: string): [dot1: number, dot2: number, header: Header] {
    if (typeof token !== "string") throw invalid("The token is not a string.");
    const dot1 = token.indexOf(".");
    const dot2 = dot1 < 0 ? -1 : token.indexOf(".", dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf(".", dot2 + 1) !== -1)
      throw invalid("The token is not three dot-separated parts.");
    return [dot1, dot2, parseHeader(token.slice(0, dot1))];
  }

  return {
    verifySync(token) {
      const [dot1, dot2, header] = split(token);
      const key = source.peek(header.kid);
      if (key === undefined)
        throw new TokenVerificationError(
          "jwk-not-loaded",
          `The key ${header.kid ?? "(no kid)"} is not loaded; use verify() or warm() first.`,
        );
      return finish(token, dot1, dot2, header, key);
    },
    async verify(token) {
      const [dot1, dot2, header] = split(token);
      const key = source.peek(header.kid) ?? (await source.get(header.kid));
      return finish(token, dot1, dot2, header, key);
    },
    warm: () => source.warm(),
  };
}

// Behind verifyToken: a verifier per options object, and the imported keys or JWKS cache shared by key source.
const verifiers = new WeakMap<VerifyTokenOptions, TokenVerifier>();
const sources = new Map<string, KeySource>();

function sourceId(options: VerifyTokenOptions): string | undefined {
  // A custom fetch or clock cannot be keyed by value; such callers get a key source per options object.
  if (options.fetch !== undefined || options.clock !== undefined) return undefined;
  if (options.jwtKey !== undefined)
    return typeof options.jwtKey === "string" ? `pem:${options.jwtKey}` : `jwk:${JSON.stringify(options.jwtKey)}`;
  return `url:${options.jwksUrl ?? ""}|${options.apiUrl ?? ""}|${options.secretKey ?? ""}`;
}

function verifierFor(options: VerifyTokenOptions): TokenVerifier {
  let verifier = verifiers.get(options);
  if (verifier !== undefined) return verifier;
  const clock = options.clock ?? systemClock;
  const id = sourceId(options);
  let source = id === undefined ? undefined : sources.get(id);
  if (source === undefined) {
    source = keySource(options, clock);
    if (id !== undefined) sources.set(id, source);
  }
  verifier = verifierWith(options, source, clock);
  verifiers.set(options, verifier);
  return verifier;
}

/**
 * Verifies a session token and returns its claims and decoded organization. The algorithm comes from the
 * key (JWK `alg`/key type; a PEM RSA key means RS256), never from the token: `alg: none`, HMAC and any
 * other mismatch are refused, and `jku`/`x5u`/`jwk` headers are ignored. Checks `exp` (required), `nbf`
 * and `iat` with `clockSkewMs`, `iss` when `issuer` is given, `azp` when `authorizedParties` is non-empty,
 * and that `sub` is a string. Reuse the options object (or use {@link createVerifier}) for the fastest path.
 * @throws TokenVerificationError with a stable `reason`.
 * @example
 * const { payload, org } = await verifyToken(token, { jwksUrl: "http://127.0.0.1:3000/.well-known/jwks.json" });
 * console.log(payload.sub, org.orgId, org.orgPermissions);
 */
export function verifyToken(token: string, options: VerifyTokenOptions): Promise<VerifiedToken> {
  try {
    return verifierFor(options).verify(token);
  } catch (error) {
    return Promise.reject(error);
  }
}
