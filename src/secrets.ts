// Secrets at rest: AES-256-GCM sealing under the instance master key (CLERK_MASTER_KEY, or a 0600 key file).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { configDir, locateConfigDir } from "./config-dir.js";
import type { ServiceContext } from "./context.js";
import { ClerkError } from "./errors.js";

/** The environment variable holding the master key: base64 of 32 random bytes. */
export const MASTER_KEY_ENV = "CLERK_MASTER_KEY";
/** The key file's name, beside the SQLite database or in the config directory. */
export const MASTER_KEY_FILE = "master.key";

const VERSION = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Encrypts `plaintext` as `v1.<base64url(iv ‖ tag ‖ ciphertext)>`. `purpose` (e.g. `signing_key:jwk_…`) is
 * authenticated with it, so a sealed value copied to another row or use fails to open instead of being misused.
 */
export function seal(key: Buffer, plaintext: string | Uint8Array, purpose: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const body = Buffer.concat([
    cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext),
    cipher.final(),
  ]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Opens what `seal` made with the same key and purpose; anything else is `secrets.unseal_failed`. */
export function unseal(key: Buffer, sealed: string, purpose: string): Buffer {
  const raw = sealed.startsWith(VERSION) ? Buffer.from(sealed.slice(VERSION.length), "base64url") : Buffer.alloc(0);
  if (raw.length < IV_BYTES + TAG_BYTES) throw unsealFailed(purpose);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(purpose, "utf8"));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw unsealFailed(purpose, error);
  }
}

function unsealFailed(purpose: string, cause?: unknown): ClerkError {
  return new ClerkError(
    "secrets.unseal_failed",
    `The stored secret ${purpose} cannot be decrypted with this master key: ${MASTER_KEY_ENV} or the key file changed since it was written. Restore the original master key.`,
    { cause, details: { purpose } },
  );
}

/**
 * Where the key file lives for a store: beside a SQLite database file; otherwise (PostgreSQL, in-memory
 * SQLite) in the CLI's config directory, `CLERK_CONFIG_DIR` or ./.clerk.
 */
export function masterKeyFileFor(storeLocation: string | undefined): string {
  if (storeLocation !== undefined && isAbsolute(storeLocation)) return join(dirname(storeLocation), MASTER_KEY_FILE);
  return join(configDir(), MASTER_KEY_FILE);
}

/**
 * The key file in the config directory when this store's key lives elsewhere (beside its database file) and
 * both exist: one of them was created by mistake (by an older clerk that looked in the wrong place). A config
 * directory holding a database of its own keeps that database's key, which is no stray.
 */
export function strayMasterKeyFile(storeLocation: string | undefined): string | undefined {
  // A CLERK_CONFIG_DIR an operator chose holds the key of the stores that keep theirs there (PostgreSQL,
  // in-memory) on purpose; only the implicit .clerk/ of the working directory is where older versions left one.
  if (locateConfigDir().source === "env") return undefined;
  const chosen = masterKeyFileFor(storeLocation);
  const other = join(configDir(), MASTER_KEY_FILE);
  if (other === chosen || !existsSync(chosen) || !existsSync(other)) return undefined;
  if (existsSync(join(configDir(), "clerk.db"))) return undefined;
  return other;
}

/**
 * Refuses a store with two master key files (`secrets.master_key_conflict`), naming both, rather than guess
 * which one sealed its secrets. Nothing to check when CLERK_MASTER_KEY is set: the files are then unused.
 */
export function assertOneMasterKeyFile(storeLocation: string | undefined): void {
  const fromEnv = process.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return;
  const stray = strayMasterKeyFile(storeLocation);
  if (stray === undefined) return;
  const chosen = masterKeyFileFor(storeLocation);
  throw new ClerkError(
    "secrets.master_key_conflict",
    `Two master key files were found: ${chosen} (beside the database, the one clerk uses) and ${stray} (in the config directory). Keep the one that opens the stored secrets (normally ${chosen}) and move the other away, then start again.`,
    { details: { used: chosen, stray } },
  );
}

function decodeKey(text: string, where: string): Buffer {
  const value = text.trim();
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES) {
    throw new ClerkError(
      "secrets.master_key_invalid",
      `${where} must be the base64 of exactly 32 random bytes (44 characters), e.g. from: openssl rand -base64 32`,
      { param: MASTER_KEY_ENV },
    );
  }
  return bytes;
}

/** Reads the key file, or creates it (mode 0600, never overwriting one another process just wrote). */
function keyFromFile(file: string): Buffer {
  try {
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      throw new ClerkError(
        "secrets.master_key_invalid",
        `The master key file ${file} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}); restrict it with: chmod 600 ${file}`,
      );
    }
    return decodeKey(readFileSync(file, "utf8"), `The master key file ${file}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    writeFileSync(file, `${key.toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    // The process umask cannot widen 0600, but a filesystem that ignored the mode gets it set explicitly.
    chmodSync(file, 0o600);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      return decodeKey(readFileSync(file, "utf8"), `The master key file ${file}`);
    throw error;
  }
}

const CACHE_KEY = "secrets.master_key";

/**
 * The master key for this context's store: `CLERK_MASTER_KEY` when set, else the key file (created on first
 * use). Read once per process runtime; a malformed key is `secrets.master_key_invalid`.
 */
export function masterKey(ctx: Pick<ServiceContext, "runtime" | "storeLocation">): Buffer {
  const fromEnv = process.env[MASTER_KEY_ENV];
  const source =
    fromEnv !== undefined && fromEnv !== "" ? `env:${fromEnv}` : `file:${masterKeyFileFor(ctx.storeLocation)}`;
  let cache = ctx.runtime.caches.get(CACHE_KEY) as Map<string, Buffer> | undefined;
  if (!cache) {
    cache = new Map();
    ctx.runtime.caches.set(CACHE_KEY, cache);
  }
  let key = cache.get(source);
  if (!key) {
    assertOneMasterKeyFile(ctx.storeLocation);
    key =
      fromEnv !== undefined && fromEnv !== ""
        ? decodeKey(fromEnv, MASTER_KEY_ENV)
        : keyFromFile(source.slice("file:".length));
    cache.set(source, key);
  }
  return key;
}

/** Seals a secret under this context's master key. */
export function sealSecret(
  ctx: Pick<ServiceContext, "runtime" | "storeLocation">,
  plaintext: string | Uint8Array,
  purpose: string,
): string {
  return seal(masterKey(ctx), plaintext, purpose);
}

/** Opens a secret sealed with `sealSecret` for the same purpose. */
export function unsealSecret(
  ctx: Pick<ServiceContext, "runtime" | "storeLocation">,
  sealed: string,
  purpose: string,
): Buffer {
  return unseal(masterKey(ctx), sealed, purpose);
}

/**
 * A 32-byte key for one purpose (e.g. `audit-checkpoint`), derived from the master key with HKDF-SHA256, so
 * a key used to sign one kind of record can never be mistaken for the master key or another purpose's key.
 */
export function derivedKey(ctx: Pick<ServiceContext, "runtime" | "storeLocation">, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey(ctx), Buffer.alloc(0), `clerk:${purpose}`, KEY_BYTES));
}
