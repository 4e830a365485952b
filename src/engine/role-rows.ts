// Per-role bitsets over permission ids, with rank counts, that find a role's entry in one memory access.

// Row layout: for role r and word w, four ints at rows[4*(r*stride+w)]:
//   0: a bit per permission id 32w..32w+31 the role has an entry for,
//   1: the number of such bits in the role's earlier words,
//   2: the bits whose entry has an unscoped grant that never expires,
//   3: the bits whose entry has scoped grants.
// A role's entries sit in permission-id order from its base in the arena, so the entry for id p is
// base + (bits set before p). A clear bit answers "no entry" and a set permanent bit answers
// "allowed" without touching anything but this cache line; only scoped or expiring grants need
// the entry itself. One flat array is also far kinder to the cache on a 10 000-role organization
// than a hash map per role.

/** Ints per word of a row. */
export const WORD = 4;

/** Words per row for permission ids below `pidCount`, with headroom for a few new keys. */
export function rowStride(pidCount: number): number {
  return (pidCount >>> 5) + 2;
}

/** What a row records of an entry; an Entry is one. */
export interface RowCell {
  readonly pid: number;
  readonly until: number;
  readonly scoped: boolean;
}

/** Writes role `ri`'s row from its entries (sorted by permission id). */
export function writeRow(rows: Int32Array, stride: number, ri: number, entries: readonly RowCell[]): void {
  const start = WORD * ri * stride;
  rows.fill(0, start, start + WORD * stride);
  for (const e of entries) {
    const o = start + WORD * (e.pid >>> 5);
    const bit = 1 << (e.pid & 31);
    rows[o] = rows[o]! | bit;
    if (e.until === Infinity) rows[o + 2] = rows[o + 2]! | bit;
    if (e.scoped) rows[o + 3] = rows[o + 3]! | bit;
  }
  let count = 0;
  for (let w = 0; w < stride; w++) {
    rows[start + WORD * w + 1] = count;
    count += popcount(rows[start + WORD * w]!);
  }
}

// Holders: the same "has an entry" bits, permission-major. For one permission the bits of every
// role lie within roles/8 bytes (125 on a 1 000-role organization), so the usual question, "does
// this member's role have anything for this permission?", is answered from a small, hot array,
// and a role's own row is read only when it does.

/** Words per permission in the holders array for `roleCount` roles, with headroom for new roles. */
export function holderWords(roleCount: number): number {
  return (roleCount >>> 5) + 1;
}

/** Sets or clears role `ri`'s bit for `pid` in the holders array. */
export function setHolder(holders: Int32Array, words: number, pid: number, ri: number, on: boolean): void {
  const o = pid * words + (ri >>> 5);
  const bit = 1 << (ri & 31);
  holders[o] = on ? holders[o]! | bit : holders[o]! & ~bit;
}

/** Offset of role `ri`'s entry for `pid` from its base, or -1 when it has none. */
export function rankOf(rows: Int32Array, stride: number, ri: number, pid: number): number {
  if (pid >>> 5 >= stride) return -1;
  const o = WORD * (ri * stride + (pid >>> 5));
  const bits = rows[o]!;
  const bit = 1 << (pid & 31);
  return (bits & bit) === 0 ? -1 : rows[o + 1]! + popcount(bits & (bit - 1));
}

/** The number of set bits in a 32-bit word. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
