// Identifiers: a type prefix plus a 27-character KSUID-like base62 string (time-sortable, 128 random bits).
import { randomBytes } from "node:crypto";

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
  | "jwk";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KSUID_EPOCH_S = 1_400_000_000;
const ENCODED_LENGTH = 27;

/** Encodes 20 bytes (4 of time, 16 random) as fixed-width base62, so ids sort by creation second. */
function encodeBase62(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = "";
  while (value > 0n) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(ENCODED_LENGTH, "0");
}

/** A new id such as `role_2Wg7…`; `nowMs` comes from the caller's clock. */
export function newId(prefix: IdPrefix, nowMs: number): string {
  const bytes = new Uint8Array(20);
  const seconds = Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_S);
  new DataView(bytes.buffer).setUint32(0, seconds >>> 0);
  bytes.set(randomBytes(16), 4);
  return `${prefix}_${encodeBase62(bytes)}`;
}

/** Whether `value` looks like an id with the given prefix (used to tell ids from names and slugs). */
export function isId(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && /^[0-9A-Za-z]{27}$/.test(value.slice(prefix.length + 1));
}
