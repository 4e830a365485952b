// Session token settings: one row (id 1); absent means the defaults.
import type { SigningAlgorithm } from "./signing-key.algorithms.js";

/** The row of `token_settings`. */
export interface TokenSettingsTable {
  id: number;
  claims_version: number;
  token_lifetime_seconds: number;
  size_budget: number;
  signing_algorithm: SigningAlgorithm;
  issuer: string;
  session_lifetime_seconds: number;
  /** One more with every change: token issuance compares it to the one it cached. */
  version: number;
  updated_at: number;
}
