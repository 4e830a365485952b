// Public keys for session tokens: imported once into KeyObjects, each bound to the one algorithm it verifies.
import { type JsonWebKey, type KeyObject, createPublicKey } from "node:crypto";

/** The signature algorithms the SDK accepts; which one applies is decided by the key, never by the token. */
export type TokenAlgorithm = "RS256" | "ES256" | "EdDSA";

/** A public key ready for `crypto.verify`, with the one algorithm it may verify. */
export interface VerificationKey {
  readonly kid: string | undefined;
  readonly alg: TokenAlgorithm;
  /** The digest `crypto.verify` takes: `sha256`, or null for EdDSA. */
  readonly digest: "sha256" | null;
  /** What `crypto.verify` takes as key: the KeyObject, or for ES256 the KeyObject with the JOSE signature encoding. */
  readonly verifyKey: KeyObject | { key: KeyObject; dsaEncoding: "ieee-p1363" };
  /** The signature length in bytes every valid token has; anything else is refused before verifying. */
  readonly signatureLength: number;
}

const MIN_RSA_BITS = 2048;

/**
 * Binds an imported key to its algorithm: RSA (≥ 2048 bits) → RS256, EC P-256 → ES256, Ed25519 → EdDSA.
 * A JWK's own `alg`, when present, must name that same algorithm.
 * @throws TypeError for any other key type, a short RSA key, or a conflicting `alg`.
 */
export function bindKey(key: KeyObject, kid: string | undefined, declaredAlg?: unknown): VerificationKey {
  const details = key.asymmetricKeyDetails ?? {};
  let alg: TokenAlgorithm;
  let signatureLength: number;
  if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS)
      throw new TypeError(`RSA key ${kid ?? ""} has ${bits} bits; session token keys need at least ${MIN_RSA_BITS}.`);
    alg = "RS256";
    signatureLength = Math.ceil(bits / 8);
  } else if (key.asymmetricKeyType === "ec" && details.namedCurve === "prime256v1") {
    alg = "ES256";
    signatureLength = 64;
  } else if (key.asymmetricKeyType === "ed25519") {
    alg = "EdDSA";
    signatureLength = 64;
  } else {
    throw new TypeError(
      `Key ${kid ?? ""} is ${key.asymmetricKeyType ?? "symmetric"}${details.namedCurve ? ` (${details.namedCurve})` : ""}; expected RSA, EC P-256 or Ed25519.`,
    );
  }
  if (declaredAlg !== undefined && declaredAlg !== alg) {
    throw new TypeError(`Key ${kid ?? ""} declares alg ${String(declaredAlg)} but is a key for ${alg}.`);
  }
  const verifyKey = alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" as const } : key;
  return Object.freeze({ kid, alg, digest: alg === "EdDSA" ? null : "sha256", verifyKey, signatureLength });
}

/**
 * Imports one JWK from a JWKS. Keys for another use (`use` other than `sig`) or of another kind are not usable.
 * @throws TypeError when the JWK is not a usable signature verification key.
 */
export function importJwk(jwk: JsonWebKey): VerificationKey {
  if (jwk.use !== undefined && jwk.use !== "sig")
    throw new TypeError(`Key ${String(jwk.kid)} is for "${String(jwk.use)}", not signatures.`);
  if (jwk.kty !== "RSA" && jwk.kty !== "EC" && jwk.kty !== "OKP")
    throw new TypeError(`Key ${String(jwk.kid)} has kty ${String(jwk.kty)}; expected RSA, EC or OKP.`);
  // Only the public members: a JWKS that leaks a private key must still not make us hold one.
  const { kty, n, e, crv, x, y } = jwk;
  const key = createPublicKey({ key: { kty, n, e, crv, x, y } as JsonWebKey, format: "jwk" });
  return bindKey(key, typeof jwk.kid === "string" ? jwk.kid : undefined, jwk.alg);
}

/**
 * Imports a networkless key given as `jwtKey`: a PEM public key (escaped `\n` as found in environment
 * variables is accepted) or a JWK. The algorithm follows the key; an RSA PEM verifies RS256 only.
 * @throws TypeError when the key cannot be read or is not a usable verification key.
 */
export function importLocalKey(jwtKey: string | JsonWebKey): VerificationKey {
  if (typeof jwtKey !== "string") return importJwk(jwtKey);
  let key: KeyObject;
  try {
    key = createPublicKey(jwtKey.includes("\\n") ? jwtKey.replace(/\\n/g, "\n") : jwtKey);
  } catch (cause) {
    throw new TypeError("jwtKey is not a PEM public key (-----BEGIN PUBLIC KEY----- …).", { cause });
  }
  return bindKey(key, undefined);
}
