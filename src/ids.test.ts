import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { encodeBase62, isId, newId } from "./ids.js";

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

  it("encode 20 bytes as the number they spell in base62, zero-padded to 27 digits", () => {
    const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const reference = (bytes: Uint8Array) => {
      let value = 0n;
      for (const b of bytes) value = (value << 8n) | BigInt(b);
      let out = "";
      for (; value > 0n; value /= 62n) out = ALPHABET[Number(value % 62n)] + out;
      return out.padStart(27, "0");
    };
    const inputs = [
      new Uint8Array(20),
      new Uint8Array(20).fill(255),
      Uint8Array.from({ length: 20 }, (_, i) => (i === 19 ? 61 : 0)),
      ...Array.from({ length: 200 }, () => new Uint8Array(randomBytes(20))),
    ];
    for (const bytes of inputs) expect(encodeBase62(bytes)).toBe(reference(bytes));
    expect(encodeBase62(new Uint8Array(20).fill(255))).toBe("aWgEPTl1tmebfsQzFP4bxwgy80V");
  });
});
