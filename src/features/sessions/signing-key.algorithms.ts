// The JWS algorithms session tokens may be signed with, and what each needs from node:crypto.
import { type KeyObject, type SignKeyObjectInput, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

/** RS256 (RSA-2048, e=65537) is the default: `@clerk/backend`'s networkless `jwtKey` verification takes nothing else. */
export const SIGNING_ALGORITHMS = ["RS256", "ES256", "EdDSA"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

const generate = promisify(generateKeyPair);

/** A fresh key pair for `algorithm` (RSA generation takes a while, so it runs off the event loop). */
export async function generateSigningKeyPair(
  algorithm: SigningAlgorithm,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (algorithm) {
    case "RS256":
      return generate("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
    case "ES256":
      return generate("ec", { namedCurve: "P-256" });
    case "EdDSA":
      return generate("ed25519");
  }
}

/** How `crypto.sign` is called for `algorithm`: the digest (none for EdDSA) and the key input. */
export function signerFor(
  algorithm: SigningAlgorithm,
  privateKey: KeyObject,
): { digest: string | null; key: KeyObject | SignKeyObjectInput } {
  switch (algorithm) {
    case "RS256":
      return { digest: "sha256", key: privateKey };
    case "ES256":
      // JWS wants the raw r ‖ s form, not the DER that OpenSSL produces by default.
      return { digest: "sha256", key: { key: privateKey, dsaEncoding: "ieee-p1363" } };
    case "EdDSA":
      return { digest: null, key: privateKey };
  }
}

/** The length of the base64url signature, known before signing, so the size budget is checked without signing twice. */
export function signatureLength(algorithm: SigningAlgorithm, publicKey: KeyObject): number {
  const bytes = algorithm === "RS256" ? (publicKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8 : 64;
  return Math.ceil((bytes * 4) / 3);
}
