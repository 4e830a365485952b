// Identifiers: a type prefix plus a 27-character KSUID-like base62 string (time-sortable, 128 random bits).
import { randomFillSync } from "node:crypto";

/** Every prefix an id may carry, one per entity (DESIGN §2). */
export type IdPrefix =
  | "user"
  | "org"
  | "perm"
  | "role"
  | "grant"
  | "orgmem"
  | "orginv"
  | "orgdmn"
  | "key"
  | "evt"
  | "ckpt"
  | "wf"
  | "stg"
  | "run"
  | "task"
  | "job"
  | "fset"
  | "form"
  | "wfevt"
  | "rstg"
  | "ntfp"
  | "ntfr"
  | "ntf"
  | "ntfa"
  | "sess"
  | "jwk"
  | "ssoc"
  | "ssor"
  | "whep"
  | "ins"
  | "sit"
  | "scimtok"
  | "scimu"
  | "scimg"
  | "scimgr";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KSUID_EPOCH_S = 1_400_000_000;
const ENCODED_LENGTH = 27;

/**
 * Encodes 20 bytes (4 of time, 16 random) as fixed-width base62, so ids sort by creation second. Long
 * division of the bytes by 62, one digit per pass: every change makes an id, and BigInt arithmetic made each cost twice as much.
 */
export function encodeBase62(bytes: Uint8Array): string {
  const digits = Array.from(bytes);
  const out = new Array<string>(ENCODED_LENGTH);
  for (let d = ENCODED_LENGTH - 1; d >= 0; d--) {
    let rem = 0;
    for (let i = 0; i < digits.length; i++) {
      const acc = rem * 256 + (digits[i] as number);
      digits[i] = Math.floor(acc / 62);
      rem = acc % 62;
    }
    out[d] = ALPHABET[rem] as string;
  }
  return out.join("");
}

/** Random bytes drawn from a pool refilled 4 KiB at a time, as uuid does: one call to the CSPRNG per 256 ids. */
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

function random16(): Uint8Array {
  if (poolAt + 16 > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  poolAt += 16;
  return POOL.subarray(poolAt - 16, poolAt);
}

/** A new id such as `role_2Wg7…`; `nowMs` comes from the caller's clock. */
export function newId(prefix: IdPrefix, nowMs: number): string {
  const bytes = new Uint8Array(20);
  const seconds = Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_S);
  new DataView(bytes.buffer).setUint32(0, seconds >>> 0);
  bytes.set(random16(), 4);
  return `${prefix}_${encodeBase62(bytes)}`;
}

/** Whether `value` looks like an id with the given prefix (used to tell ids from names and slugs). */
export function isId(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && /^[0-9A-Za-z]{27}$/.test(value.slice(prefix.length + 1));
}
