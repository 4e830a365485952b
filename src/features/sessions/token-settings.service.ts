// Session and token settings: claims version, lifetimes, size budget, signing algorithm, issuer.
import { type ServiceContext, inTransaction } from "../../context.js";
import { recordAudit } from "../audit/index.js";
import type { ClaimsVersion } from "../../sdk/claims.js";
import { assertInstanceAdmin } from "./session.guard.js";
import { forgetSigningState } from "./signing.cache.js";
import type { SigningAlgorithm } from "./signing-key.algorithms.js";
import type { TokenSettingsTable } from "./token-settings.table.js";

/** What tokens are minted with. */
export interface TokenSettings {
  /** Clerk's v2 claims (`v`, `o`, `fea`) or the older flat v1 (`org_*`). */
  claimsVersion: ClaimsVersion;
  /** Default token lifetime; a token request may ask for another. */
  tokenLifetimeSeconds: number;
  /** The most bytes a whole token may take before its permissions are left out (`cx.ovf`). */
  sizeBudget: number;
  /** The algorithm of the next key created (lazily or by rotation). */
  signingAlgorithm: SigningAlgorithm;
  /** The `iss` claim. Stored, not read from the environment, so every server of one store agrees. */
  issuer: string;
  sessionLifetimeSeconds: number;
}

/** The settings of a store nobody has configured. */
export const DEFAULT_TOKEN_SETTINGS: Readonly<TokenSettings> = Object.freeze({
  claimsVersion: 2,
  tokenLifetimeSeconds: 60,
  sizeBudget: 4096,
  signingAlgorithm: "RS256",
  issuer: "clerk",
  // Clerk's default session lifetime.
  sessionLifetimeSeconds: 7 * 24 * 3600,
});

const fromRow = (row: TokenSettingsTable): TokenSettings => ({
  claimsVersion: row.claims_version === 1 ? 1 : 2,
  tokenLifetimeSeconds: row.token_lifetime_seconds,
  sizeBudget: row.size_budget,
  signingAlgorithm: row.signing_algorithm,
  issuer: row.issuer,
  sessionLifetimeSeconds: row.session_lifetime_seconds,
});

/** The stored settings (or the defaults) and their version: 0 before any change, one more with each. */
export async function readTokenSettingsVersioned(
  ctx: ServiceContext,
): Promise<{ settings: TokenSettings; version: number }> {
  const row = await ctx.db.selectFrom("token_settings").selectAll().where("id", "=", 1).executeTakeFirst();
  return row
    ? { settings: fromRow(row), version: row.version }
    : { settings: { ...DEFAULT_TOKEN_SETTINGS }, version: 0 };
}

/** The stored settings, or the defaults. Token issuance reads them through the signing cache, not per token. */
export async function readTokenSettings(ctx: ServiceContext): Promise<TokenSettings> {
  return (await readTokenSettingsVersioned(ctx)).settings;
}

/** Changes some settings (already validated by the schema at the edge); audited with before and after. */
export async function updateTokenSettings(ctx: ServiceContext, patch: Partial<TokenSettings>): Promise<TokenSettings> {
  assertInstanceAdmin(ctx, "change token settings");
  const after = await inTransaction(ctx, async (tx) => {
    const before = await readTokenSettings(tx);
    const next: TokenSettings = {
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    const row: TokenSettingsTable = {
      id: 1,
      claims_version: next.claimsVersion,
      token_lifetime_seconds: next.tokenLifetimeSeconds,
      size_budget: next.sizeBudget,
      signing_algorithm: next.signingAlgorithm,
      issuer: next.issuer,
      session_lifetime_seconds: next.sessionLifetimeSeconds,
      version: 1,
      updated_at: tx.clock.now(),
    };
    const { id: _id, version: _version, ...values } = row;
    // The version moves in the statement itself, so two concurrent changes never share one.
    await tx.db
      .insertInto("token_settings")
      .values(row)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({ ...values, version: eb("token_settings.version", "+", 1) })),
      )
      .execute();
    await recordAudit(tx, {
      organizationId: null,
      action: "token_settings.updated",
      target: { type: "token_settings", id: null, label: "token settings" },
      before,
      after: next,
    });
    return next;
  });
  forgetSigningState(ctx);
  return after;
}
