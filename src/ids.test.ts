import { describe, expect, it } from "vitest";
import { isId, newId } from "./ids.js";

describe("ids", () => {
  it("have the prefix and 27 base62 characters", () => {
    const id = newId("role", Date.parse("2026-01-01T00:00:00Z"));
    expect(id).toMatch(/^role_[0-9A-Za-z]{27}$/);
    expect(isId(id, "role")).toBe(true);
    expect(isId(id, "org")).toBe(false);
    expect(isId("role_short", "role")).toBe(false);
  });

  it("sort by creation time across seconds", () => {
    const earlier = newId("org", Date.parse("2026-01-01T00:00:00Z"));
    const later = newId("org", Date.parse("2026-01-01T00:00:01Z"));
    expect(earlier < later).toBe(true);
  });

  it("do not repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newId("user", 0)));
    expect(seen.size).toBe(1000);
  });
});
