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

/** Up to three candidates close to `input` (case-insensitive), nearest first. */
export function closest(input: string, candidates: readonly string[]): string[] {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  return candidates
    .map((c) => ({
      c,
      d: c.toLowerCase().includes(needle) && needle.length >= 3 ? 1 : distance(needle, c.toLowerCase()),
    }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d)
    .slice(0, 3)
    .map((x) => x.c);
}

/** " Did you mean "a" or "b"?" or "" when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = closest(input, candidates);
  if (near.length === 0) return "";
  return ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`;
}
