// "Did you mean …?" for unknown names: the closest candidates by edit distance.

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/**
 * A candidate: one name, or the names of one object (a slug and a display name), which is suggested once,
 * by whichever of its names is nearest.
 */
export type Candidate = string | readonly string[];

/** Up to three candidates close to `input` (case-insensitive), nearest first, one name per object. */
export function closest(input: string, candidates: readonly Candidate[]): string[] {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  const score = (c: string) =>
    c.toLowerCase().includes(needle) && needle.length >= 3 ? 1 : distance(needle, c.toLowerCase());
  const seen = new Set<string>();
  return candidates
    .map((candidate) => {
      const names = typeof candidate === "string" ? [candidate] : candidate;
      let best = { c: names[0] ?? "", d: Number.POSITIVE_INFINITY };
      for (const c of names) {
        const d = score(c);
        if (d < best.d) best = { c, d };
      }
      return best;
    })
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d)
    .filter((x) => !seen.has(x.c.toLowerCase()) && seen.add(x.c.toLowerCase()) !== undefined)
    .slice(0, 3)
    .map((x) => x.c);
}

/** " Did you mean "a" or "b"?" or "" when nothing is close. */
export function didYouMean(input: string, candidates: readonly Candidate[]): string {
  const near = closest(input, candidates);
  if (near.length === 0) return "";
  return ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`;
}
