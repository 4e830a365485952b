// The keys of a remote JWKS, fetched once, kept for a while, and refreshed at a bounded rate.
import type { JsonWebKey } from "node:crypto";
import type { Clock } from "../clock.js";
import { type VerificationKey, importJwk } from "./jwt-keys.js";
import { TokenVerificationError } from "./token-errors.js";

/** Where and how to fetch a JWKS. */
export interface JwksCacheOptions {
  url: string;
  /** Extra request headers, e.g. `Authorization` for `GET /v1/jwks`. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  clock: Clock;
  /** How long a fetched JWKS is used before it is fetched again. Default 5 minutes. */
  ttlMs?: number;
  /** The least time between two fetches, however many unknown `kid`s arrive. Default 10 seconds. */
  minRefreshMs?: number;
  /** Give up on one fetch after this long. Default 5 seconds. */
  timeoutMs?: number;
}

/**
 * A JWKS cache: `peek` answers synchronously from memory; `get` fetches when the set is stale or the
 * `kid` is unknown, at most once per `minRefreshMs` so forged `kid`s cannot make us hammer the server.
 * Concurrent callers share one fetch. Unusable keys in the set (other use, other type) are skipped.
 */
export class JwksCache {
  readonly #options: JwksCacheOptions;
  #keys = new Map<string, VerificationKey>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;

  constructor(options: JwksCacheOptions) {
    this.#options = options;
  }

  /** The key for `kid` when the set is fresh and holds it; otherwise undefined (then call `get`). */
  peek(kid: string): VerificationKey | undefined {
    if (this.#options.clock.now() - this.#loadedAt >= (this.#options.ttlMs ?? 300_000)) return undefined;
    return this.#keys.get(kid);
  }

  /**
   * The key for `kid`, fetching the set when it is stale or lacks the `kid` (rate-limited).
   * @throws TokenVerificationError `jwk-kid-mismatch`, `jwk-remote-failed-to-load` or `jwk-remote-invalid`.
   */
  async get(kid: string): Promise<VerificationKey> {
    const cached = this.peek(kid);
    if (cached) return cached;
    const now = this.#options.clock.now();
    const stale = now - this.#loadedAt >= (this.#options.ttlMs ?? 300_000);
    if (this.#pending) {
      await this.#pending;
    } else if (now - this.#attemptedAt >= (this.#options.minRefreshMs ?? 10_000)) {
      this.#attemptedAt = now;
      this.#pending = this.#load().finally(() => {
        this.#pending = undefined;
      });
      await this.#pending;
    } else if (stale) {
      throw new TokenVerificationError(
        "jwk-remote-failed-to-load",
        `The JWKS at ${this.#options.url} is stale and was fetched less than ${this.#options.minRefreshMs ?? 10_000} ms ago; retry shortly.`,
      );
    }
    const key = this.#keys.get(kid);
    if (!key)
      throw new TokenVerificationError(
        "jwk-kid-mismatch",
        `No key with kid "${kid}" in the JWKS at ${this.#options.url}.`,
      );
    return key;
  }

  /** Fetches the set now (e.g. at startup), whatever its age. */
  async refresh(): Promise<void> {
    this.#attemptedAt = this.#options.clock.now();
    await this.#load();
  }

  async #load(): Promise<void> {
    const { url, headers, timeoutMs = 5_000 } = this.#options;
    const fetchFn = this.#options.fetch ?? fetch;
    let body: unknown;
    try {
      const response = await fetchFn(url, {
        headers: { accept: "application/json", ...headers },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (cause) {
      throw new TokenVerificationError(
        "jwk-remote-failed-to-load",
        `Could not load the JWKS from ${url}: ${(cause as Error).message}.`,
        { cause },
      );
    }
    const list = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list))
      throw new TokenVerificationError("jwk-remote-invalid", `The JWKS at ${url} is not { "keys": [...] }.`);
    const keys = new Map<string, VerificationKey>();
    for (const jwk of list as JsonWebKey[]) {
      if (typeof jwk?.kid !== "string" || keys.has(jwk.kid)) continue;
      try {
        keys.set(jwk.kid, importJwk(jwk));
      } catch {
        // A key we cannot use (encryption key, other type) is simply not offered for verification.
      }
    }
    this.#keys = keys;
    this.#loadedAt = this.#options.clock.now();
  }
}
