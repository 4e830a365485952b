// This process's signing state: the settings and current key as last read, and decrypted keys by kid.
import type { KeyObject, SignKeyObjectInput } from "node:crypto";
import type { ServiceContext } from "../../context.js";
import type { SigningAlgorithm } from "./signing-key.algorithms.js";
import type { TokenSettings } from "./token-settings.service.js";

/** A signing key ready to use: decrypted once per process, never again per token. */
export interface LoadedKey {
  kid: string;
  algorithm: SigningAlgorithm;
  publicKey: KeyObject;
  digest: string | null;
  signingKey: KeyObject | SignKeyObjectInput;
  /** The token header, already base64url-encoded. */
  header: string;
  signatureLength: number;
  /** This process's view of the key's `signed_until`; it writes before signing past it. */
  signedUntil: number;
}

/** The settings and current key as last read; every token's one read says whether they are still current. */
export interface SigningState {
  settings: TokenSettings;
  /** The settings row's version (0: never changed). */
  settingsVersion: number;
  key: LoadedKey;
}

export interface SigningCache {
  state: SigningState | undefined;
  keys: Map<string, LoadedKey>;
  /** The first key being created by this process, so concurrent first requests wait for one key. */
  creating: Promise<unknown> | undefined;
}

const KEY = "sessions.signing";

/** The runtime's signing cache. */
export function signingCache(ctx: ServiceContext): SigningCache {
  let cache = ctx.runtime.caches.get(KEY) as SigningCache | undefined;
  if (!cache) {
    cache = { state: undefined, keys: new Map(), creating: undefined };
    ctx.runtime.caches.set(KEY, cache);
  }
  return cache;
}

/** Drops the cached settings and current key after a change this process made (rotation, new settings). */
export function forgetSigningState(ctx: ServiceContext): void {
  signingCache(ctx).state = undefined;
}
