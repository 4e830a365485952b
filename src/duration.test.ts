import { describe, expect, it } from "vitest";
import { formatDuration, parseDurationMs } from "./duration.js";

describe("parseDurationMs", () => {
  it.each([
    ["24h", 86_400_000],
    ["90m", 5_400_000],
    ["7d", 604_800_000],
    ["2w", 1_209_600_000],
    ["1h30m", 5_400_000],
    [" 45S ", 45_000],
  ])("reads %s as %i ms", (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(["", "0h", "24", "h", "1.5h", "-1h", "24 hours", "1y"])("refuses %j", (text) =>
    expect(parseDurationMs(text)).toBeUndefined(),
  );
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [45_000, "45s"],
    [5_400_000, "1h 30m"],
    [183_600_000, "2d 3h"],
  ])("writes %i ms as %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});
