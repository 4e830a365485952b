// Durations as people write them (`24h`, `90m`, `7d`, `1h30m`) and back again for messages.

const UNIT_MS = Object.freeze({ w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 });

/** Milliseconds of `24h`, `90m`, `7d`, `2w`, `45s` or a sum such as `1h30m`; undefined when it is none of these or zero. */
export function parseDurationMs(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (!/^(\d{1,6}[wdhms])+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d{1,6})([wdhms])/g))
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total > 0 ? total : undefined;
}

/** A duration for people: `2d 3h`, `45m`, `12s` (the two largest units). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const [unit, size] of [
    ["d", UNIT_MS.d],
    ["h", UNIT_MS.h],
    ["m", UNIT_MS.m],
    ["s", UNIT_MS.s],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, 2).join(" ") || "0s";
}
