// Signing keys for session tokens: the public half as a JWK, the private half sealed under the master key.
import type { SigningAlgorithm } from "./signing-key.algorithms.js";

/** A row of `signing_keys`. */
export interface SigningKeysTable {
  kid: string;
  algorithm: SigningAlgorithm;
  /** The public JWK as JSON, with kid, alg and use. */
  public_jwk: string;
  /** PKCS#8 DER sealed with `seal` (purpose `signing_key:<kid>`): never plaintext in the store. */
  private_key: string;
  /** 1 for the key that signs now, null for the others; unique, so two processes cannot both create one. */
  is_current: 1 | null;
  created_at: number;
  /**
   * When it stops (stopped) signing. On the current key: null, or the announced hand-over to the next key,
   * which is the row with neither is_current nor retired_at (published, not signing yet).
   */
  retired_at: number | null;
  /**
   * A high-water mark past the `exp` of every token this key has signed, written before a token would
   * pass it; a retired key stays published until then.
   */
  signed_until: number;
}
